"""Field types shared by the models."""

from __future__ import annotations

from decimal import Decimal

from peewee import BigIntegerField

from supply.units import QUANTITY_SCALE
from supply.units import QUANTITY_STEP


class QuantityField(BigIntegerField):
    """A quantity kept exactly as an integer number of thousandths, read and written as Decimal.

    Integer storage keeps sums and guarded subtractions exact on SQLite as on PostgreSQL.
    """

    def db_value(self, value):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        return int((value * QUANTITY_SCALE).to_integral_value())

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / QUANTITY_SCALE).quantize(QUANTITY_STEP)
