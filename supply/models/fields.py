"""Field types shared by the models."""

from __future__ import annotations

from decimal import Decimal

from peewee import BigIntegerField

SCALE = 1000


class QuantityField(BigIntegerField):
    """A quantity kept exactly as an integer number of thousandths, read and written as Decimal.

    Integer storage keeps sums and guarded subtractions exact on SQLite as on PostgreSQL.
    """

    def db_value(self, value):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        return int((value * SCALE).to_integral_value())

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / SCALE).quantize(Decimal("0.001"))
