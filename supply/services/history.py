"""The time-ordered events of batches, with their lines, marking the events declared in error."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from peewee import JOIN
from peewee import fn

from supply.db import is_sqlite
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Party
from supply.models import Planting
from supply.models import Site
from supply.models import User
from supply.services.batches import get_batch
from supply.services.sqlcache import bind_ids
from supply.services.sqlcache import fetch
from supply.services.sqlcache import ids_in


@dataclass
class Named:
    """A record shown by its code and its names (never private fields such as a phone number)."""

    code: str
    name: str
    name_en: str = ""


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


def _named(code: str | None, name: str | None, name_en: str | None) -> Named | None:
    return None if code is None else Named(code, name, name_en or "")


_EVENT_COLUMNS = (Event.id, Event.event_id, Event.event_type, Event.action, Event.biz_step, Event.disposition,
                  Event.event_time, Event.doc_type, Event.doc_number, Event.data, Event.declares,
                  Event.declaration_reason)


def _lines_column():
    """Select an event's lines as one JSON array of [role, quantity, unit, lot, ear tag] (a correlated subquery)."""
    line = (EventBatch.role, EventBatch.quantity, EventBatch.unit, Batch.lot_code, Batch.ear_tag)
    lines = fn.json_group_array(fn.json_array(*line)) if is_sqlite() else fn.json_agg(fn.json_build_array(*line))
    return EventBatch.select(lines).join(Batch, on=(EventBatch.batch == Batch.id)).where(EventBatch.event == Event.id)


def _events_query():
    """Select the events touching the batches of the `ids` slot, and the declarations of those events, oldest first.

    Each event comes with its lines (one query for both, not one per event or a second for the lines).
    """
    touching = (EventBatch.select(EventBatch.event).where(ids_in(EventBatch.batch, "ids"))
                .cte("touching", columns=("event_id",)))
    touched = touching.select(touching.c.event_id)
    return (
        Event.select(*_EVENT_COLUMNS, Party.code, Party.name, Party.name_en, Site.code, Site.name, Site.name_en,
                     Planting.code, _lines_column())
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


def _lines(found) -> list[EventLine]:
    """Read an event's lines from their JSON array, ordered by role and lot code."""
    if isinstance(found, str):
        found = json.loads(found)
    read = EventBatch.quantity.python_value
    lines = [EventLine(lot, role, None if quantity is None else read(quantity), unit, ear_tag)
             for role, quantity, unit, lot, ear_tag in found or ()]
    lines.sort(key=lambda line: (line.role, line.lot))
    return lines


def events_touching(batch_ids: list[int]) -> list[HistoryEvent]:
    """Return, oldest first, every event touching the batches and every declaration of one (one query)."""
    if not batch_ids:
        return []
    readers = (None,) * 6 + (Event.event_time, None, None, Event.data)
    rows = fetch("history.events", _events_query, readers, ids=bind_ids(batch_ids))
    events = []
    for (row_id, event_id, event_type, action, biz_step, disposition, time, doc_type, doc_number, data, declares,
         declaration_reason, party_code, party_name, party_name_en, site_code, site_name, site_name_en,
         planting_code, lines) in rows:
        events.append(HistoryEvent(
            id=row_id, event_id=event_id, event_type=event_type, action=action, biz_step=biz_step,
            disposition=disposition, time=time, party=Named(party_code, party_name, party_name_en),
            site=_named(site_code, site_name, site_name_en), doc_type=doc_type, doc_number=doc_number,
            data=data or {}, declares=declares, declaration_reason=declaration_reason, planting=planting_code,
            lines=_lines(lines),
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
    rows = Party.select(Party.code, Party.name, Party.name_en).where(Party.code.in_(sorted(codes))).tuples()
    return {code: Named(code, name, name_en) for code, name, name_en in rows}
