"""Choose the events an export covers and load them with everything the export formats write, in a few queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field

from peewee import Select

from supply import permissions
from supply.clock import local_day_bounds
from supply.i18n import N_
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Party
from supply.models import Planting
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.services.coldchain.epcis_readings import readings_by_event
from supply.services.custody.batches import get_batch
from supply.services.errors import Invalid
from supply.services.tracing import trace as tracing

# One export holds at most this many events; a longer period or more lots must be split.
MAX_EVENTS = 20000
CHUNK = 500
TRACE_DIRECTIONS = {"up": "upstream", "down": "downstream", "both": "both"}


@dataclass
class EventSet:
    """Selected events, oldest first, with their lines, parties, sites and the events they declare in error."""

    events: list[Event]
    lines: dict[int, list[EventBatch]] = field(default_factory=dict)
    parties: dict[int, Party] = field(default_factory=dict)
    sites: dict[int, Site] = field(default_factory=dict)
    parties_by_code: dict[str, Party] = field(default_factory=dict)
    sites_by_code: dict[str, Site] = field(default_factory=dict)
    declared: dict[int, Event] = field(default_factory=dict)
    declared_ids: set[int] = field(default_factory=set)
    plantings: dict[int, str] = field(default_factory=dict)
    readings: dict[int, dict[str, list[tuple]]] = field(default_factory=dict)  # logged temperatures, by event

    def lines_of(self, event: Event, role: str | None = None) -> list[EventBatch]:
        """Return an event's lines (in one role when given), by lot code."""
        return [line for line in self.lines.get(event.id, []) if role is None or line.role == role]

    def site_named(self, code: str | None) -> Site | None:
        """Return a site named by code in an event's data."""
        return self.sites_by_code.get(code) if code else None

    def party_named(self, code: str | None) -> Party | None:
        """Return a party named by code in an event's data."""
        return self.parties_by_code.get(code) if code else None


def visible_batch_ids(actor: User, lot_codes: list[str]) -> list[int]:
    """Return the ids of the named lots; an unknown lot is 404, another party's lot 403."""
    return [get_batch(actor, code).id for code in dict.fromkeys(lot_codes)]


def events_of_batches(batch_ids: list[int] | Select) -> Select:
    """Select the ids of the events touching the batches, and of the declarations of those events."""
    touching = EventBatch.select(EventBatch.event).where(EventBatch.batch.in_(batch_ids))
    return Event.select(Event.id).where(Event.id.in_(touching) | Event.declares.in_(touching))


def events_of_lot(actor: User, lot_code: str, trace: str | None = None) -> tuple[Select, bool]:
    """Select the ids of a lot's events, or with `trace` (up, down, both) of every lot of its genealogy.

    Returns the selection and whether the trace's depth or size cap cut the genealogy short.
    """
    if not trace:
        return events_of_batches(visible_batch_ids(actor, [lot_code])), False
    graph = tracing.trace(actor, lot_code, TRACE_DIRECTIONS[trace], depth=tracing.MAX_DEPTH,
                          max_nodes=tracing.MAX_NODES, with_events=False)
    batch_ids = Batch.select(Batch.id).where(Batch.lot_code.in_([node.lot for node in graph.nodes]))
    return events_of_batches(batch_ids), graph.truncated


def visible_to(actor: User, query: Select) -> Select:
    """Limit a selection of events to those the actor may read: every party's for inspectors and admins, else its own
    party's (the EPCIS export and the EPCIS query interface)."""
    return query if permissions.reads_everything(actor) else query.where(Event.party == actor.party_id)


def events_in_period(actor: User, date_from: datetime.date, date_to: datetime.date,
                     product_id: int | None = None) -> Select:
    """Select the ids of the events in the period (Asia/Shanghai dates) the actor may export.

    Inspectors and admins export every party's events; everyone else the events of their own party.
    With a product, only events touching a lot of that product.
    """
    start, end = local_day_bounds(date_from, date_to)
    query = visible_to(actor, Event.select(Event.id).where(Event.event_time >= start, Event.event_time < end))
    if product_id is not None:
        of_product = (
            EventBatch.select(EventBatch.event)
            .join(Batch, on=(EventBatch.batch == Batch.id))
            .where(Batch.product == product_id)
        )
        query = query.where(Event.id.in_(of_product))
    return query


def _by_ids(model, ids) -> dict[int, object]:
    ids = sorted({i for i in ids if i is not None})
    found: dict[int, object] = {}
    for start in range(0, len(ids), CHUNK):
        found.update({row.id: row for row in model.select().where(model.id.in_(ids[start:start + CHUNK]))})
    return found


def _by_codes(model, codes) -> dict[str, object]:
    codes = sorted({c for c in codes if c})
    found: dict[str, object] = {}
    for start in range(0, len(codes), CHUNK):
        found.update({row.code: row for row in model.select().where(model.code.in_(codes[start:start + CHUNK]))})
    return found


def _lines(event_ids: Select) -> dict[int, list[EventBatch]]:
    rows = (
        EventBatch.select(EventBatch, Batch, Product)
        .join(Batch, on=(EventBatch.batch == Batch.id))
        .join(Product, on=(Batch.product == Product.id))
        .where(EventBatch.event.in_(event_ids))
        .order_by(EventBatch.event, EventBatch.role, Batch.lot_code)
    )
    grouped: dict[int, list[EventBatch]] = {}
    for line in rows:
        grouped.setdefault(line.event_id, []).append(line)
    return grouped


def load_events(event_ids: Select) -> EventSet:
    """Load the selected events, oldest first, with all they refer to; 422 when there are too many."""
    if event_ids.count() > MAX_EVENTS:
        raise Invalid(N_("Too many events for one export: choose a shorter period or fewer lots."))
    events = list(Event.select().where(Event.id.in_(event_ids)).order_by(Event.event_time, Event.id))
    declared_rows = {e.declares_id for e in events if e.declares_id is not None}
    declared = _by_ids(Event, declared_rows)
    declared_by_selected = Event.select(Event.declares).where(Event.id.in_(event_ids), Event.declares.is_null(False))
    wanted = Event.select(Event.id).where(Event.id.in_(event_ids) | Event.id.in_(declared_by_selected))
    lines = _lines(wanted)
    all_events = [*events, *declared.values()]
    batches = [line.batch for group in lines.values() for line in group]
    data = [e.data or {} for e in all_events]
    site_codes = [d.get(key) for d in data for key in ("to_site", "from_site")]
    party_codes = [d.get(key) for d in data for key in ("to_party", "from_party")]
    sites = _by_ids(Site, [e.site_id for e in all_events] + [b.origin_site_id for b in batches])
    sites_by_code = _by_codes(Site, site_codes)
    parties = _by_ids(Party, [e.party_id for e in all_events] + [b.origin_party_id for b in batches]
                      + [s.party_id for s in sites_by_code.values()])
    declaring = Event.select(Event.declares).where(Event.declares.in_(event_ids))
    plantings = Planting.select(Planting.event, Planting.code).where(Planting.event.in_(wanted))
    return EventSet(
        events=events, lines=lines, parties=parties, sites=sites,
        parties_by_code={**{p.code: p for p in parties.values()}, **_by_codes(Party, party_codes)},
        sites_by_code=sites_by_code, declared=declared,
        declared_ids={row.declares_id for row in declaring}, plantings={p.event_id: p.code for p in plantings},
        readings=readings_by_event([e.id for e in events]),
    )
