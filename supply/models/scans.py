"""Scans of a batch's public QR code: an insert-only log, counted through an index."""

from __future__ import annotations

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

    class Meta:
        indexes = ((("batch_id", "scanned_at"), False),)
