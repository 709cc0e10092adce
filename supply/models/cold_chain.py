"""The watched cold chain: temperature limits per category, logged readings, excursions and the holds they propose.

A reading belongs to a `ReadingSeries`: the readings of one shipment or of one storing interval (a storing event).
The series keeps what the public page shows of them (first and last time, lowest and highest temperature), so that
a lot's page reads one row per series, and the facts triggers (migrations/0015_cold_chain.py) watch that row rather
than each of thousands of readings.
"""

from __future__ import annotations

from decimal import Decimal

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.batch import Batch
from supply.models.custody import Shipment
from supply.models.event import Event
from supply.models.inspection import Hold
from supply.models.user import User

CELSIUS_PLACES = 2
CELSIUS_STEP = Decimal(1).scaleb(-CELSIUS_PLACES)


class CelsiusField(IntegerField):
    """A temperature kept exactly as an integer number of hundredths of a degree, read and written as Decimal."""

    def db_value(self, value):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        return int((value * 100).to_integral_value())

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CELSIUS_STEP)


class TemperatureLimit(BaseModel):
    """The temperatures goods of a category must stay within (`frozen`: any goods shipped at a frozen set point)."""

    category = CharField(max_length=24, unique=True)
    low = CelsiusField(null=True)
    high = CelsiusField(null=True)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = DateTimeField(default=utcnow)


class ReadingSeries(BaseModel):
    """The readings of one shipment or one storing interval, with what the pages show of them."""

    shipment = ForeignKeyField(Shipment, null=True, unique=True, on_delete="RESTRICT")
    storing = ForeignKeyField(Event, null=True, unique=True, on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, null=True, on_delete="RESTRICT")  # the stored lot (storing series only)
    count = IntegerField(default=0)
    first_at = DateTimeField(null=True)
    last_at = DateTimeField(null=True)
    lowest = CelsiusField(null=True)
    highest = CelsiusField(null=True)
    updated_at = DateTimeField(default=utcnow)


class TemperatureReading(BaseModel):
    """One logged temperature (and relative humidity, when the logger has one); a logger's time is unique."""

    # No index of its own: the unique (series, taken_at, logger) index serves it, one index less to write per row.
    series = ForeignKeyField(ReadingSeries, index=False, on_delete="RESTRICT")
    taken_at = DateTimeField()
    celsius = CelsiusField()
    humidity = CelsiusField(null=True)
    logger = CharField(max_length=40, default="")

    class Meta:
        indexes = ((("series", "taken_at", "logger"), True),)


class Excursion(BaseModel):
    """A time the goods were outside their limits for longer than the tolerance; kept, never deleted."""

    series = ForeignKeyField(ReadingSeries, backref="excursions", on_delete="RESTRICT")
    started_at = DateTimeField()
    ended_at = DateTimeField()
    lowest = CelsiusField()
    highest = CelsiusField()
    low = CelsiusField(null=True)  # the limits it was outside of
    high = CelsiusField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)  # a notifier finds new excursions by this

    class Meta:
        indexes = ((("series", "started_at"), True),)


class HoldProposal(BaseModel):
    """A hold an excursion proposes on a lot: an inspector confirms it (a hold is placed) or dismisses it."""

    excursion = ForeignKeyField(Excursion, backref="proposals", on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, on_delete="RESTRICT")
    status = CharField(max_length=10, default="proposed", index=True)
    hold = ForeignKeyField(Hold, null=True, on_delete="RESTRICT")
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    reason = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("excursion", "batch"), True),)
