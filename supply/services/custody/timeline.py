"""When things happen to a lot: its commissioning time, and no event about it dated before that.

A lot starts with its commissioning: the registration's production time (`produced_at`, or the first moment of
`produced_on` in Asia/Shanghai when only the day is known, so a date-only harvest comes before every later event
of its day), or the transformation that made it. Shipments, receipts, transformations, storing, inspections and
tests dated before the commissioning of a lot they touch are refused (422), as is a registration dated before a
source lot's commissioning or before the planting it was harvested from. Event times keep their offset: times
written into an event's data carry the event's own offset (+08:00 unless the event has another).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from supply.clock import LOCAL_TZ
from supply.clock import to_utc_naive
from supply.clock import utcnow
from supply.i18n import N_
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Planting
from supply.services.custody.genealogy import Source
from supply.services.errors import Invalid

LOCAL_OFFSET = "+08:00"
BEFORE_COMMISSIONING = N_("This is before the lot's commissioning (its harvest, birth or making).")
BEFORE_SOURCE = N_("This is before the commissioning of a lot it comes from.")
BEFORE_PLANTING = N_("This is before the planting it was harvested from.")


@dataclass
class Commissioned:
    """When a lot was commissioned: the stored time (naive UTC) and the offset to show it in."""

    lot: str
    time: datetime.datetime
    offset: str

    def text(self) -> str:
        """Write the commissioning time with its own offset."""
        return stamp(self.time, self.offset)


def offset_text(value: datetime.datetime | None) -> str:
    """Return the UTC offset of an aware time as +HH:MM (+08:00 for a naive one or none)."""
    delta = value.utcoffset() if value is not None else None
    if delta is None:
        return LOCAL_OFFSET
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def stamp(value: datetime.datetime, offset: str = LOCAL_OFFSET) -> str:
    """Write a stored time (naive UTC) in ISO 8601 with the given offset, to the second."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    zone = datetime.timezone(sign * datetime.timedelta(hours=int(hours), minutes=int(minutes)))
    return value.replace(tzinfo=datetime.UTC).astimezone(zone).isoformat(timespec="seconds")


def production_time(produced_on: datetime.date, produced_at: datetime.datetime | None) -> datetime.datetime:
    """Return a registration's commissioning time: the production time, else the first moment of its day."""
    if produced_at is not None:
        return produced_at
    return datetime.datetime.combine(produced_on, datetime.time.min, LOCAL_TZ)


def commissioned(batch_ids: Iterable[int]) -> dict[int, Commissioned]:
    """Return the commissioning of each batch that has one: the registration or transformation that started it."""
    ids = sorted(set(batch_ids))
    if not ids:
        return {}
    rows = (
        EventBatch.select(EventBatch.batch, Batch.lot_code, Event.event_time, Event.event_tz)
        .join(Event, on=(EventBatch.event == Event.id))
        .switch(EventBatch)
        .join(Batch, on=(EventBatch.batch == Batch.id))
        # A declaration repeats the lines of the event it declares; only the original started the lot.
        .where(EventBatch.batch.in_(ids), Event.declares.is_null(),
               (EventBatch.role == "output") | ((Event.action == "ADD") & (Event.biz_step == "commissioning")))
        .order_by(Event.id)
        .namedtuples()
    )
    found: dict[int, Commissioned] = {}
    for row in rows:
        found.setdefault(row.batch, Commissioned(row.lot_code, row.event_time, row.event_tz))
    return found


def require_not_before(batch_ids: Iterable[int], when: datetime.datetime | None, field: str,
                       message: str = BEFORE_COMMISSIONING) -> None:
    """Refuse (422 on `field`, naming the lot and its commissioning time) a time before the commissioning of any
    of the batches; None means now."""
    moment = to_utc_naive(when) if when is not None else utcnow()
    for start in commissioned(batch_ids).values():
        if moment < start.time:
            raise Invalid(message, {field: [message, f"{start.lot}: {start.text()}"]})


def require_after_sources(sources: list[Source], when: datetime.datetime, field: str) -> None:
    """Refuse a registration dated before a source lot's commissioning or the planting its harvest comes from."""
    require_not_before([source.batch.id for source in sources if source.kind != "planting"], when, field,
                       BEFORE_SOURCE)
    codes = {source.planting for source in sources if source.planting}
    moment = to_utc_naive(when)
    for planting in Planting.select().where(Planting.code.in_(codes)) if codes else ():
        if moment < planting.planted_on:
            raise Invalid(BEFORE_PLANTING, {field: [BEFORE_PLANTING, f"{planting.code}: {stamp(planting.planted_on)}"]})
