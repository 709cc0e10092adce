"""Parties (farms, cooperatives, operators, inspectors, certifiers, retailers) and their sites."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField
from peewee import DecimalField
from peewee import ForeignKeyField

from supply.clock import utcnow
from supply.db import BaseModel

PARTY_KINDS = ("farm", "cooperative", "operator", "inspector", "certifier", "retailer")
SITE_KINDS = (
    "field",
    "greenhouse",
    "pasture",
    "nursery",
    "packhouse",
    "cold_store",
    "abattoir",
    "processing_plant",
    "warehouse",
    "market",
)


class Party(BaseModel):
    """A legal entity of the chain."""

    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=100)
    name_en = CharField(max_length=100, default="")
    name_zh_hant = CharField(max_length=100, default="")  # empty: the page converts `name` (supply.names)
    kind = CharField(max_length=20, index=True)
    credit_code = CharField(max_length=18, null=True, unique=True)
    county = CharField(max_length=40, default="")
    province = CharField(max_length=20, default="")  # a provincial-level division as written in supply/places.py
    city = CharField(max_length=40, default="")
    address = CharField(max_length=200, default="")
    phone = CharField(max_length=30, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class Site(BaseModel):
    """A place of a party where batches start or are kept: a field, a pasture, a cold store."""

    party = ForeignKeyField(Party, backref="sites", on_delete="RESTRICT")
    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=100)
    name_en = CharField(max_length=100, default="")
    name_zh_hant = CharField(max_length=100, default="")  # empty: the page converts `name` (supply.names)
    kind = CharField(max_length=20)
    county = CharField(max_length=40, default="")
    address = CharField(max_length=200, default="")
    latitude = DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = DecimalField(max_digits=10, decimal_places=6, null=True)
    area_mu = DecimalField(max_digits=12, decimal_places=2, null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
