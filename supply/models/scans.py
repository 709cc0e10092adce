"""Scans of a batch's public QR code (an insert-only log, counted by an index), and the public data version."""

from __future__ import annotations

from peewee import BigIntegerField
from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import IntegerField

from supply.clock import utcnow
from supply.db import BaseModel


class Scan(BaseModel):
    """One visit of a batch's public page.

    Insert-only: concurrent scans of one code never wait for each other (no counter row to lock), and
    the (batch_id, scanned_at) index answers both the count and the first scan. `batch_id` is a plain
    indexed integer, not a foreign key: PostgreSQL's foreign-key check would take a KEY SHARE lock on the
    batch row and so wait behind a shipment holding it FOR UPDATE (batches are never deleted).
    """

    batch_id = IntegerField()
    scanned_at = DateTimeField(default=utcnow)
    language = CharField(max_length=8, default="")  # the page's language: zh_Hans, zh_Hant or en

    class Meta:
        indexes = ((("batch_id", "scanned_at"), False),)


class PublicVersion(BaseModel):
    """The public pages' data version: one row, moved by every audited write in that write's own transaction.

    Every host reads it from the database, so a write committed through one host makes every other host's kept
    pages stale at once (a local file would only tell the host that wrote).
    """

    id = IntegerField(primary_key=True)
    version = BigIntegerField(default=0)


class CityDay(BaseModel):
    """The city's weighed totals of one Beijing day, kept by supply.services.dashboards.totals: grams registered
    (lots registered at their origin) and grams shipped (to receivers in a province and city), per category."""

    day = DateField()
    category = CharField(max_length=24)
    province = CharField(max_length=20, default="")
    city = CharField(max_length=40, default="")
    registered_grams = BigIntegerField(default=0)
    shipped_grams = BigIntegerField(default=0)

    class Meta:
        indexes = ((("day", "category", "province", "city"), True),)


class CityTotalsState(BaseModel):
    """When the city's daily totals were last counted (one row)."""

    id = IntegerField(primary_key=True)
    counted_at = DateTimeField(null=True)
