"""What a dashboard shows: charts, each with the table it is drawn from, and the periods and measures they count.

A chart is data, not a picture: the pages draw it as SVG beside its table (supply.views.dashboards), the CSV
download and the API give the same rows. Labels are kept as keys (a category, a language, a date) and shown in the
reader's language by the pages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import NamedTuple

from peewee import SQL
from peewee import Case
from peewee import fn

from supply.clock import local_day_bounds
from supply.db import is_sqlite


class Named(NamedTuple):
    """A product's, site's or party's names, shown in the reader's language by the pages."""

    name: str
    name_en: str
    name_zh_hant: str


def names_of(model) -> tuple:
    """The three name columns of a product, site or party, to select."""
    return model.name, model.name_en, model.name_zh_hant


@dataclass
class Chart:
    """One chart: its table's header and rows; the first cell of a row is its label, the next `drawn` cells are drawn.

    kind: "bars" (a bar per row), "columns" (a column group per row, usually a period) or "table" (a list to act on).
    label: how the pages show the label ("text", "category", "language", "day", "week", "month", "county").
    """

    key: str
    title: str
    kind: str
    head: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    drawn: int = 1
    label: str = "text"
    unit: str = ""
    note: str = ""

    def drawn_values(self) -> list[list]:
        """The values drawn, row by row."""
        return [list(row[1:1 + self.drawn]) for row in self.rows]


@dataclass
class Dashboard:
    """The charts of one role's dashboard and the figures shown above them."""

    role: str
    figures: list[tuple[str, object]]
    charts: list[Chart]
    counted_at: datetime.datetime | None = None  # when totals counted ahead were counted (the city's)

    def chart(self, key: str) -> Chart | None:
        """Find a chart by its key."""
        return next((chart for chart in self.charts if chart.key == key), None)


def months_back(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def weeks_back(today: datetime.date, count: int) -> list[datetime.date]:
    """The Mondays of the last `count` weeks, oldest first."""
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def month_of(day: datetime.date) -> datetime.date:
    """The first day of a date's month."""
    return day.replace(day=1)


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of a date's week."""
    return day - datetime.timedelta(days=day.weekday())


def local_day(column):
    """The Beijing date of a UTC time column, in SQL (Beijing keeps UTC+8 all year)."""
    if is_sqlite():
        return fn.date(column, "+8 hours")
    return fn.DATE(column + SQL("INTERVAL '8 hours'"))


def utc_start(day: datetime.date) -> datetime.datetime:
    """The UTC time (naive, as stored) at which a Beijing day begins."""
    start, _ = local_day_bounds(day, day)
    return start.astimezone(datetime.UTC).replace(tzinfo=None)


def as_date(value) -> datetime.date:
    """Read a date SQL gave back (SQLite answers text)."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime.datetime) else value


def grams(quantity_column, unit_column):
    """A quantity column in grams, in SQL, exact (quantities are stored as thousandths of their unit): kilograms
    and tonnes count, counted units (cartons, heads) count 0."""
    return Case(unit_column, (("kg", quantity_column), ("t", quantity_column * SQL("1000"))), 0)


def in_tonnes(gram_sum) -> Decimal:
    """A sum of grams as tonnes, to the kilogram."""
    return (Decimal(int(gram_sum or 0)) / 1_000_000).quantize(Decimal("0.001"))


def in_units(thousandths) -> Decimal:
    """A sum of stored quantities (thousandths) as a Decimal in their unit."""
    return (Decimal(int(thousandths or 0)) / 1000).quantize(Decimal("0.001"))


def rounded(value, places: str = "0.001") -> Decimal:
    """A figure for a table: a Decimal rounded to `places` (SQLite may answer a float for a sum)."""
    return Decimal(str(value or 0)).quantize(Decimal(places))


def percent(part, whole) -> Decimal:
    """A share in percent with one decimal (0 when there is no whole)."""
    return (Decimal(str(part or 0)) * 100 / Decimal(str(whole))).quantize(Decimal("0.1")) if whole else Decimal(0)
