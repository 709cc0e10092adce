"""Readings for the EPCIS export: each series goes out with the event that closes it, one sensor element per logger.

A shipment's readings ride on its receiving event (on its shipping event while it travels); a storing interval's on
its storing event. Every reading is a `Temperature` report in °C (CEL) at its time, with the relative humidity
(`RelativeHumidity`, percent: P1) beside it when the logger has one.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import quote

from peewee import JOIN

from supply.models import ReadingSeries
from supply.models import Shipment
from supply.models import TemperatureReading


def readings_by_event(event_ids: list[int]) -> dict[int, dict[str, list[tuple]]]:
    """Return the readings of the series the events carry: {event id: {logger: [(time, °C, humidity)]}}."""
    if not event_ids:
        return {}
    rows = (ReadingSeries.select(ReadingSeries.id, ReadingSeries.storing, Shipment.dispatch_event,
                                 Shipment.close_event, Shipment.status)
            .join(Shipment, JOIN.LEFT_OUTER)
            .where(ReadingSeries.storing.in_(event_ids) | Shipment.dispatch_event.in_(event_ids)
                   | Shipment.close_event.in_(event_ids))
            .tuples())
    wanted = set(event_ids)
    carried = {}
    for series_id, storing, dispatch, close, status in rows:
        event = storing or (close if status == "received" else dispatch)
        if event in wanted:
            carried[series_id] = event
    found: dict[int, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    if not carried:
        return {}
    r = TemperatureReading
    for series_id, taken_at, celsius, humidity, logger in (
            r.select(r.series, r.taken_at, r.celsius, r.humidity, r.logger)
            .where(r.series.in_(list(carried))).order_by(r.series, r.logger, r.taken_at).tuples()):
        found[carried[series_id]][logger].append((taken_at, celsius, humidity))
    return {event: dict(loggers) for event, loggers in found.items()}


def reading_elements(loggers: dict[str, list[tuple]], offset: str, time_text, number, namespace: str) -> list[dict]:
    """Write a series' readings as EPCIS sensor elements, one per logger."""
    elements = []
    for logger, readings in sorted(loggers.items()):
        reports = []
        for taken_at, celsius, humidity in readings:
            when = time_text(taken_at, offset)
            reports.append({"type": "Temperature", "value": number(celsius), "uom": "CEL", "time": when})
            if humidity is not None:
                reports.append({"type": "RelativeHumidity", "value": number(humidity), "uom": "P1", "time": when})
        metadata = {"startTime": time_text(readings[0][0], offset), "endTime": time_text(readings[-1][0], offset)}
        if logger:
            metadata["deviceID"] = f"{namespace}logger-{quote(logger, safe='')}"
        elements.append({"sensorMetadata": metadata, "sensorReport": reports})
    return elements
