"""Readings: temperatures logged on a shipment (by its sender or receiver) or over a storing interval (by the party
of the storing site), checked, written in bulk, and looked at for excursions in the same transaction.

A reading must fall within its series' interval: a shipment's from its departure to its receipt (or to now while
it travels), a storing's from the interval's start to its end. A reading already stored (same time, same logger)
is skipped, so a logger file uploaded twice adds nothing; the same reading twice in one batch is refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from peewee import IntegrityError

from supply import permissions
from supply.clock import to_utc_naive
from supply.clock import utcnow
from supply.db import db
from supply.db import for_update
from supply.db.bulk_insert import insert_rows
from supply.i18n import N_
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Excursion
from supply.models import ReadingSeries
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import TemperatureReading
from supply.models import User
from supply.models.custody import ShipmentStatus
from supply.services.audit.writes import audited
from supply.services.coldchain.excursions import find_excursions
from supply.services.coldchain.limits import Limits
from supply.services.coldchain.limits import lot_limits
from supply.services.coldchain.limits import shipment_limits
from supply.services.coldchain.proposals import propose
from supply.services.coldchain.reading_input import Reading
from supply.services.custody.shipments import get_shipment
from supply.services.errors import Conflict
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from supply.services.errors import NotFound

READING_COLUMNS = ("series", "taken_at", "celsius", "humidity", "logger")


@dataclass
class Carrier:
    """What readings attach to: a shipment or a storing event, its interval, lots, limits and series (if any)."""

    shipment: Shipment | None
    storing: Event | None
    start: datetime.datetime
    end: datetime.datetime
    lot_ids: list[int]
    limits: Limits
    series: ReadingSeries | None

    @property
    def label(self) -> str:
        """Name the carrier (a shipment's code, a storing event's id)."""
        return self.shipment.code if self.shipment else self.storing.event_id


@dataclass
class Ingested:
    """What an ingest did: readings stored and skipped (stored before), and the excursions it found anew."""

    carrier: Carrier
    stored: int
    skipped: int
    excursions: list[Excursion]


def shipment_carrier(actor: User, code: str, write: bool = False) -> Carrier:
    """Return a shipment as a carrier of readings; writing is for its sender and receiver (and admins)."""
    shipment = get_shipment(actor, code)
    if write:
        if not (permissions.is_admin(actor) or permissions.acts_for(actor, shipment.sender_id)
                or permissions.acts_for(actor, shipment.receiver_id)):
            raise Forbidden(N_("Only the sender or the receiver logs a shipment's temperatures."))
        if shipment.status == ShipmentStatus.CANCELLED:
            raise Conflict(N_("This shipment has been cancelled."))
    lots = [row[0] for row in ShipmentLine.select(ShipmentLine.batch).where(ShipmentLine.shipment == shipment.id)
            .tuples()]
    return Carrier(shipment, None, shipment.departed_at, shipment.received_at or utcnow(), lots,
                   shipment_limits(shipment), ReadingSeries.get_or_none(ReadingSeries.shipment == shipment.id))


def _interval_end(event: Event, key: str) -> datetime.datetime | None:
    text = (event.data or {}).get(key)
    return to_utc_naive(datetime.datetime.fromisoformat(text)) if text else None


def storing_carrier(actor: User, event_id: str, write: bool = False) -> Carrier:
    """Return a storing event as a carrier of readings; its site's party (and admins) write, inspectors read."""
    event = Event.get_or_none(Event.event_id == event_id, Event.biz_step == "storing")
    if event is None:
        raise NotFound(N_("No storing record with this event id."))
    if write and not (permissions.is_admin(actor) or permissions.acts_for(actor, event.party_id)):
        raise Forbidden(N_("Only the party of the storing site logs its temperatures."))
    if not (permissions.reads_everything(actor) or permissions.acts_for(actor, event.party_id)):
        raise Forbidden(N_("This storing record is another party's."))
    start = _interval_end(event, "interval_start")
    if start is None:
        raise Conflict(N_("This storing record has no interval: record one with a start to log temperatures."))
    end = _interval_end(event, "interval_end") or event.event_time
    line = EventBatch.select().where(EventBatch.event == event.id).first()
    batch = Batch.get_by_id(line.batch_id)
    return Carrier(None, event, start, end, [batch.id], lot_limits(batch),
                   ReadingSeries.get_or_none(ReadingSeries.storing == event.id))


def _series(carrier: Carrier) -> ReadingSeries:
    if carrier.series is not None:
        return carrier.series
    fields = ({"shipment": carrier.shipment} if carrier.shipment
              else {"storing": carrier.storing, "batch": carrier.lot_ids[0]})
    try:
        with db.atomic():
            return ReadingSeries.create(**fields)
    except IntegrityError:  # another request made it meanwhile
        key = ReadingSeries.shipment if carrier.shipment else ReadingSeries.storing
        return ReadingSeries.get(key == (carrier.shipment or carrier.storing).id)


def _check(carrier: Carrier, readings: list[Reading]) -> None:
    seen = set()
    for reading in readings:
        if not carrier.start <= reading.taken_at <= carrier.end:
            raise Invalid.field(f"{reading.where}.time", N_("This time is outside the shipment's or storing's "
                                                            "interval."))
        key = (reading.taken_at, reading.logger)
        if key in seen:
            raise Invalid.field(f"{reading.where}.time", N_("This logger's reading at this time is given twice."))
        seen.add(key)


def _stored(series: ReadingSeries, readings: list[Reading]) -> set[tuple[datetime.datetime, str]]:
    first, last = min(r.taken_at for r in readings), max(r.taken_at for r in readings)
    return set(TemperatureReading.select(TemperatureReading.taken_at, TemperatureReading.logger)
               .where(TemperatureReading.series == series.id, TemperatureReading.taken_at.between(first, last))
               .tuples())


def _refresh(series: ReadingSeries, new: list[Reading]) -> None:
    """Write the series' figures once per ingest (its row is what the facts triggers watch); the new readings are
    none of the stored ones, so the figures add up without reading the series again."""
    first, last = min(r.taken_at for r in new), max(r.taken_at for r in new)
    lowest, highest = min(r.celsius for r in new), max(r.celsius for r in new)
    if series.count:
        first, last = min(first, series.first_at), max(last, series.last_at)
        lowest, highest = min(lowest, series.lowest), max(highest, series.highest)
    (ReadingSeries.update(count=ReadingSeries.count + len(new), first_at=first, last_at=last, lowest=lowest,
                          highest=highest, updated_at=utcnow())
     .where(ReadingSeries.id == series.id).execute())


def _describe(arguments: dict, result: Ingested) -> tuple[str, str, dict]:
    return ("reading_series", result.carrier.label,
            {"stored": result.stored, "skipped": result.skipped, "excursions": len(result.excursions)})


@audited("cold_chain.readings", describe=_describe)
def ingest(actor: User, carrier: Carrier, readings: list[Reading],
           tolerance: datetime.timedelta) -> Ingested:
    """Store a carrier's readings (checked first: a refused batch writes nothing) and record the excursions they
    make, each proposing holds on the carrier's lots."""
    _check(carrier, readings)
    with db.atomic():
        # Locked, and read again: concurrent batches of one series take turns, so figures and excursions add up.
        series = for_update(ReadingSeries.select().where(ReadingSeries.id == _series(carrier).id)).get()
        stored = _stored(series, readings)
        new = [r for r in readings if (r.taken_at, r.logger) not in stored]
        excursions = find_excursions(series, carrier.limits, tolerance, [(r.taken_at, r.celsius) for r in new])
        if new:
            insert_rows(TemperatureReading, READING_COLUMNS,
                        ((series.id, r.taken_at, r.celsius, r.humidity, r.logger) for r in new))
            _refresh(series, new)
        for excursion in excursions:
            propose(excursion, carrier.lot_ids)
        carrier.series = ReadingSeries.get_by_id(series.id)
        return Ingested(carrier, len(new), len(readings) - len(new), excursions)


def readings_of(series: ReadingSeries | None) -> list[tuple[datetime.datetime, object]]:
    """Return a series' readings as (time, °C), oldest first."""
    if series is None:
        return []
    r = TemperatureReading
    return list(r.select(r.taken_at, r.celsius).where(r.series == series.id).order_by(r.taken_at, r.logger).tuples())
