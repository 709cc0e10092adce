"""The time-ordered events of batches, with their lines, marking the events declared in error."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from peewee import JOIN
from peewee import Cast

from supply.db import is_sqlite
from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import fetch
from supply.db.sqlcache import ids_in
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Party
from supply.models import Planting
from supply.models import Site
from supply.models import User
from supply.services.custody.batches import get_batch
from supply.units import QUANTITY_PLACES


@dataclass
class Named:
    """A record shown by its code and its names (never private fields such as a phone number)."""

    code: str
    name: str
    name_en: str = ""
    id: int | None = None
    name_zh_hant: str = ""  # a stored Traditional name; empty: pages convert `name` (supply.names)


@dataclass
class EventLine:
    """A batch an event touches: lot code, role, quantity, unit and the ear tag the lot carries."""

    lot: str
    role: str
    quantity: Decimal | None
    unit: str
    ear_tag: str | None = None


@dataclass
class HistoryEvent:
    """One event as shown in a history or trace; `declared` when another event declares it in error."""

    id: int
    event_id: str
    event_type: str
    action: str | None
    biz_step: str
    disposition: str | None
    time: datetime.datetime
    party: Named
    site: Named | None
    doc_type: str
    doc_number: str
    data: dict
    declares: str | None
    declaration_reason: str | None
    planting: str | None
    lines: list[EventLine] = field(default_factory=list)
    declared: bool = False
    declared_by: list[str] = field(default_factory=list)

    def lines_of(self, role: str) -> list[EventLine]:
        """Return the lines in one role (object, input, output)."""
        return [line for line in self.lines if line.role == role]

    def line_for(self, lot: str) -> EventLine | None:
        """Return the line of one lot, if the event touches it."""
        return next((line for line in self.lines if line.lot == lot), None)


def _named(code: str | None, name: str | None, name_en: str | None, name_zh_hant: str | None = "") -> Named | None:
    """Name an optional record (a site), or None when the row has none."""
    return None if code is None else Named(code, name, name_en or "", name_zh_hant=name_zh_hant or "")


# Stored thousandths to units: the exponent computed once, out of the hot loop.
STORED_EXPONENT = -QUANTITY_PLACES


def read_quantity(value: int | None) -> Decimal | None:
    """Read a stored quantity (thousandths) as QuantityField does, for hot loops: Decimal("1.500") from 1500.

    Shifting the exponent gives the same Decimal (digits and exponent) as dividing and quantizing, in one call.
    """
    return None if value is None else Decimal(value).scaleb(STORED_EXPONENT)


def _read_json(text: str | None) -> dict:
    """Read an event's data from its JSON text as the field does ({} for none, the text kept if not JSON)."""
    if not text:
        return {}
    try:
        return json.loads(text) or {}
    except ValueError:
        return text


_EVENT_COLUMNS = (Event.id, Event.event_id, Event.event_type, Event.action, Event.biz_step, Event.disposition,
                  Event.event_time, Event.doc_type, Event.doc_number, Cast(Event.data, "TEXT").alias("data"),
                  Event.declares, Event.declaration_reason)


def _events_query():
    """Select the events touching the batches of the `ids` slot, and the declarations of those events, oldest first.

    The data comes as JSON text, read with json.loads (the driver's JSON loader costs more per row). The lines
    come from a second query (`_lines_query`): one flat row per line reads faster on both sides than a JSON
    array aggregated per event in a correlated subquery (bench/run.py, wide lots).
    """
    touching = (EventBatch.select(EventBatch.event).where(ids_in(EventBatch.batch, "ids"))
                .cte("touching", columns=("event_id",)))
    touched = touching.select(touching.c.event_id)
    return (
        Event.select(*_EVENT_COLUMNS, Party.id.alias("party_id"), Party.code.alias("party_code"),
                     Party.name.alias("party_name"), Party.name_en.alias("party_name_en"),
                     Party.name_zh_hant.alias("party_name_zh_hant"),
                     Site.code.alias("site_code"), Site.name.alias("site_name"), Site.name_en.alias("site_name_en"),
                     Site.name_zh_hant.alias("site_name_zh_hant"),
                     Planting.code.alias("planting_code"))
        .join(Party, on=(Event.party == Party.id))
        .switch(Event)
        .join(Site, JOIN.LEFT_OUTER, on=(Event.site == Site.id))
        .switch(Event)
        .join(Planting, JOIN.LEFT_OUTER, on=(Planting.event == Event.id))
        # One IN over a UNION, not two INs joined by OR: PostgreSQL turns the OR into a scan of the whole
        # event table (180 ms at 150,000 events, bench/run.py), the UNION into two index lookups (0.4 ms).
        # The touching lines are a CTE, read once for both halves.
        .where(Event.id.in_(touched.union(Event.select(Event.id).where(Event.declares.in_(touched)))))
        .order_by(Event.event_time, Event.id)
        .with_cte(touching)
    )


def _lines_query():
    """Select the lines of the events of the `ids` slot: event, role, quantity, unit, lot code and ear tag."""
    return (
        EventBatch.select(EventBatch.event, EventBatch.role, EventBatch.quantity, EventBatch.unit, Batch.lot_code,
                          Batch.ear_tag)
        .join(Batch, on=(EventBatch.batch == Batch.id))
        .where(ids_in(EventBatch.event, "ids"))
    )


def _line_order(line: EventLine) -> tuple[str, str]:
    """Order an event's lines by role, then lot code."""
    return line.role, line.lot


def _lines(event_ids: list[int]) -> dict[int, list[EventLine]]:
    """Fetch the lines of the events in one query; return them by event id, ordered by role and lot code."""
    found: dict[int, list[EventLine]] = {event_id: [] for event_id in event_ids}
    for row in fetch("history.lines", _lines_query, ids=bind_ids(event_ids)):
        found[row.event_id].append(EventLine(row.lot_code, row.role, read_quantity(row.quantity), row.unit,
                                             row.ear_tag))
    for lines in found.values():
        lines.sort(key=_line_order)
    return found


def events_touching(batch_ids: list[int]) -> list[HistoryEvent]:
    """Return, oldest first, every event touching the batches and every declaration of one, with their lines.

    Two queries however many batches and events: the events, then the lines of all of them.
    """
    if not batch_ids:
        return []
    # psycopg already returns datetimes; SQLite returns text for the field to parse.
    readers = {"event_time": Event.event_time} if is_sqlite() else None
    rows = fetch("history.events", _events_query, readers, ids=bind_ids(batch_ids))
    if not rows:
        return []
    lines = _lines([row.id for row in rows])
    events = []
    append = events.append
    for row in rows:
        append(HistoryEvent(
            row.id, row.event_id, row.event_type, row.action, row.biz_step, row.disposition, row.event_time,
            Named(row.party_code, row.party_name, row.party_name_en, row.party_id, row.party_name_zh_hant),
            _named(row.site_code, row.site_name, row.site_name_en, row.site_name_zh_hant),
            row.doc_type, row.doc_number, _read_json(row.data), row.declares_id, row.declaration_reason,
            row.planting_code, lines[row.id],
        ))
    _mark_declared(events)
    return events


def _mark_declared(events: list[HistoryEvent]) -> None:
    """Mark declared events and turn `declares` from a row id into the declared event's EPCIS id."""
    by_id = {event.id: event for event in events}
    for event in events:
        if event.declares is None:
            continue
        target = by_id.get(event.declares)
        if target is not None:
            target.declared = True
            target.declared_by.append(event.event_id)
            event.declares = target.event_id
        else:
            event.declares = None


def batch_history(actor: User, lot_code: str) -> tuple[Batch, list[HistoryEvent]]:
    """Return a batch the actor may see and its own events, oldest first, with their error declarations."""
    batch = get_batch(actor, lot_code)
    return batch, events_touching([batch.id])


def party_names(events: list[HistoryEvent]) -> dict[str, Named]:
    """Return the names of the parties the events' data name by code (senders and receivers), in one query."""
    codes = {event.data.get(key) for event in events for key in ("to_party", "from_party")}
    codes.discard(None)
    if not codes:
        return {}
    rows = (Party.select(Party.code, Party.name, Party.name_en, Party.name_zh_hant)
            .where(Party.code.in_(sorted(codes)))
            .tuples())
    return {code: Named(code, name, name_en, name_zh_hant=hant) for code, name, name_en, hant in rows}
