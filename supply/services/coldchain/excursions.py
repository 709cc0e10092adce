"""Excursions: a time the goods were outside their limits for longer than the tolerance.

An excursion starts at the first reading outside the limits and ends at the first reading back inside them (or,
while none is, at the last reading outside). It counts only when it lasted longer than the tolerance (a setting,
SUPPLY_COLD_CHAIN_TOLERANCE_MINUTES, 30 minutes by default): a door opened to load is no excursion. Each one is kept
with its start, end, lowest and highest temperature and the limits it broke, and proposes a hold on every lot the
series carried (supply.services.coldchain.proposals). Later readings may lengthen an excursion; none is deleted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from supply.models import Excursion
from supply.models import ReadingSeries
from supply.models import TemperatureReading
from supply.services.coldchain.limits import Limits

DEFAULT_TOLERANCE = datetime.timedelta(minutes=30)


@dataclass
class Run:
    """Consecutive readings outside the limits."""

    start: datetime.datetime
    end: datetime.datetime
    lowest: Decimal
    highest: Decimal

    @property
    def length(self) -> datetime.timedelta:
        """How long the goods were outside."""
        return self.end - self.start


def outside(value: Decimal, limits: Limits) -> bool:
    """Tell whether a temperature is outside the limits."""
    low, high = limits
    return (low is not None and value < low) or (high is not None and value > high)


def runs(readings, limits: Limits) -> list[Run]:
    """Return the runs outside the limits in readings of (time, °C), oldest first."""
    found, run = [], None
    for taken_at, value in readings:
        if outside(value, limits):
            if run is None:
                run = Run(taken_at, taken_at, value, value)
            else:
                run.end, run.lowest, run.highest = taken_at, min(run.lowest, value), max(run.highest, value)
        elif run is not None:
            run.end = taken_at  # back inside: the excursion lasted until this reading
            found.append(run)
            run = None
    if run is not None:
        found.append(run)
    return found


def _anchor(series: ReadingSeries, since: datetime.datetime, limits: Limits) -> datetime.datetime | None:
    """The last reading inside the limits before `since`: no run that new readings change starts earlier."""
    low, high = limits
    query = (TemperatureReading.select(TemperatureReading.taken_at)
             .where(TemperatureReading.series == series.id, TemperatureReading.taken_at < since))
    if low is not None:
        query = query.where(TemperatureReading.celsius >= low)
    if high is not None:
        query = query.where(TemperatureReading.celsius <= high)
    return query.order_by(TemperatureReading.taken_at.desc()).limit(1).scalar()


def find_excursions(series: ReadingSeries, limits: Limits, tolerance: datetime.timedelta,
                    new: list[tuple[datetime.datetime, Decimal]]) -> list[Excursion]:
    """Record the excursions that readings about to be stored (`new`, as (time, °C)) make or lengthen, with the
    stored ones they follow or fall between; return the excursions recorded anew. Called before the new readings
    are written, so a batch appended after the stored ones reads back only the last stored reading inside."""
    if limits == (None, None) or not new:
        return []
    anchor = _anchor(series, min(when for when, _value in new), limits)
    stored = (TemperatureReading.select(TemperatureReading.taken_at, TemperatureReading.celsius)
              .where(TemperatureReading.series == series.id))
    if anchor is not None:
        stored = stored.where(TemperatureReading.taken_at >= anchor)
    readings = sorted([*stored.tuples(), *new], key=lambda reading: reading[0])
    long_ones = [run for run in runs(readings, limits) if run.length > tolerance]
    if not long_ones:
        return []
    kept = {e.started_at: e for e in Excursion.select().where(Excursion.series == series.id,
                                                              Excursion.started_at.in_([r.start for r in long_ones]))}
    recorded = []
    for run in long_ones:
        excursion = kept.get(run.start)
        if excursion is None:
            recorded.append(Excursion.create(series=series, started_at=run.start, ended_at=run.end,
                                             lowest=run.lowest, highest=run.highest, low=limits[0], high=limits[1]))
        elif (excursion.ended_at, excursion.lowest, excursion.highest) != (run.end, run.lowest, run.highest):
            (Excursion.update(ended_at=run.end, lowest=run.lowest, highest=run.highest)
             .where(Excursion.id == excursion.id).execute())
    return recorded


def excursions_of(series_ids: list[int]) -> list[Excursion]:
    """Return the excursions of the series, oldest first."""
    if not series_ids:
        return []
    return list(Excursion.select().where(Excursion.series.in_(series_ids))
                .order_by(Excursion.started_at, Excursion.id))
