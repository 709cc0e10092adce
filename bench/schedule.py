"""The calendar of a season: which group of which line of produce comes next, day by day."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from bench.lines import Lines
from bench.masterdata import World
from bench.plan import Group
from supply.clock import local_today

# Share of the season's batches by line of produce (docs/benchmarks.md: vegetables lead, yak and strawberries follow).
MIX = {"vegetable": 0.45, "strawberry": 0.2, "mushroom": 0.15, "yak": 0.2}
STRAWBERRY_MONTHS = (6, 7, 8, 9)


@dataclass
class SeasonSpec:
    """What to generate: about `batches` batches, with `specials` deep and wide chains (None: one per 20,000)."""

    batches: int = 100_000
    seed: int = 2026
    depth: int = 8
    wide_inputs: int = 60
    wide_outputs: int = 250
    specials: int | None = None

    def special_count(self) -> int:
        """Return how many deep and how many wide chains to plan."""
        return self.specials if self.specials is not None else max(1, min(20, self.batches // 20_000))


def season_days(today: datetime.date | None = None) -> tuple[datetime.date, int]:
    """Return the first day and the length of the last finished season (May to October)."""
    today = today or local_today()
    year = today.year if today >= datetime.date(today.year, 11, 1) else today.year - 1
    start = datetime.date(year, 5, 1)
    return start, (datetime.date(year, 10, 31) - start).days


def season_groups(world: World, spec: SeasonSpec) -> Iterator[Group]:
    """Yield the season's groups in date order until about `spec.batches` batches are planned."""
    lines = Lines(world, random.Random(spec.seed))
    start, days = season_days()
    made = {line: 0 for line in MIX}
    specials = spec.special_count()
    due = [(i + 0.5) / specials for i in range(specials)]
    total = 0
    while total < spec.batches:
        progress = total / spec.batches
        day = start + datetime.timedelta(days=int(progress * days))
        if due and progress >= due[0]:
            due.pop(0)
            groups = [lines.deep(day, spec.depth), lines.wide(day, spec.wide_inputs, spec.wide_outputs)]
        else:
            line = _next_line(made, day)
            groups = [getattr(lines, line)(day)]
            made[line] += groups[0].batches
        for group in groups:
            total += group.batches
            yield group


def _next_line(made: dict[str, int], day: datetime.date) -> str:
    """Pick the line furthest behind its share (strawberries only in summer)."""
    total = sum(made.values()) or 1
    open_lines = [line for line in MIX if line != "strawberry" or day.month in STRAWBERRY_MONTHS]
    return min(open_lines, key=lambda line: made[line] / total - MIX[line])
