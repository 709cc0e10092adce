"""The temperature curve of a shipment drawn as SVG on the server: readings, limits and excursions, no script.

The drawing scales to its box (a viewBox and width 100%), so it reads at 360 px as on a desktop. A long series is
thinned to the lowest and highest reading of each column of pixels, so a short excursion still shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from supply.clock import to_local

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34
COLUMNS = WIDTH - LEFT - RIGHT


@dataclass
class Curve:
    """What the SVG template draws, in its own coordinates."""

    width: int
    height: int
    points: str
    limits: list[tuple[str, float]] = field(default_factory=list)  # (label, y)
    ticks: list[tuple[str, float]] = field(default_factory=list)  # temperature ticks (label, y)
    times: list[tuple[str, float]] = field(default_factory=list)  # time ticks (label, x)
    bands: list[tuple[float, float]] = field(default_factory=list)  # excursions (x, width)
    plot: tuple[int, int, int, int] = (LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM)
    count: int = 0


def _thinned(readings: list[tuple[datetime.datetime, Decimal]], start, span: float) -> list[tuple]:
    if len(readings) <= COLUMNS * 2:
        return readings
    columns: dict[int, list[tuple]] = {}
    for when, value in readings:
        columns.setdefault(int((when - start).total_seconds() / span * (COLUMNS - 1)), []).append((when, value))
    kept = []
    for column in sorted(columns):
        group = columns[column]
        low, high = min(group, key=lambda r: r[1]), max(group, key=lambda r: r[1])
        kept.extend(sorted({low, high}))
    return kept


def _temperature_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    step = next(s for s in (Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20)) if (high - low) / s <= 6)
    first = (low / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks, value = [], first
    while value <= high:
        ticks.append(value)
        value += step
    return ticks


def draw(readings: list[tuple[datetime.datetime, Decimal]], limits: tuple, excursions: list) -> Curve | None:
    """Lay out a curve of readings (time, °C) with the limits (low, high) and excursions (with start and end)."""
    if not readings:
        return None
    start, end = readings[0][0], readings[-1][0]
    span = max((end - start).total_seconds(), 60.0)
    values = [value for _when, value in readings] + [bound for bound in limits if bound is not None]
    low, high = min(values) - 1, max(values) + 1
    left, top, width, height = LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(when: datetime.datetime) -> float:
        return round(left + (when - start).total_seconds() / span * width, 1)

    def y(value: Decimal) -> float:
        return round(top + float((high - value) / (high - low)) * height, 1)

    points = " ".join(f"{x(when)},{y(value)}" for when, value in _thinned(readings, start, span))
    curve = Curve(WIDTH, HEIGHT, points, count=len(readings))
    curve.limits = [(f"{bound.normalize():f} °C", y(bound)) for bound in limits if bound is not None]
    curve.ticks = [(f"{tick.normalize():f}", y(tick)) for tick in _temperature_ticks(low, high)]
    curve.times = [(f"{to_local(when):%m-%d %H:%M}", x(when)) for when in (start, start + (end - start) / 2, end)]
    curve.bands = [(x(e.started_at), max(round(x(e.ended_at) - x(e.started_at), 1), 1.0)) for e in excursions]
    return curve
