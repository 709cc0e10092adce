"""Products: what a batch is a quantity of."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField

from supply.clock import utcnow
from supply.db import BaseModel


class Product(BaseModel):
    """A product of a category, with its unit of measure and optional GTIN-14."""

    code = CharField(max_length=32, unique=True)
    category = CharField(max_length=24, index=True)
    name = CharField(max_length=100)
    name_en = CharField(max_length=100, default="")
    name_zh_hant = CharField(max_length=100, default="")  # empty: the page converts `name` (supply.names)
    variety = CharField(max_length=100, default="")
    variety_en = CharField(max_length=100, default="")
    variety_zh_hant = CharField(max_length=100, default="")
    unit = CharField(max_length=12)
    gtin = CharField(max_length=14, null=True, unique=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
