"""Count the scans of a batch's public code and tell when they look like a copied label."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from peewee import fn

from supply.clock import utcnow
from supply.models import Batch
from supply.models import Scan
from supply.services.scan_buffer import write_scans

# Units counted in pieces: one label per piece at most, so scans far above the count suggest a copied label.
PIECE_UNITS = ("carton", "punnet", "pack", "plant", "head")
SUSPICIOUS_FACTOR = 3
SUSPICIOUS_MARGIN = 20


@dataclass
class ScanSummary:
    """How often a code was scanned, since when, and whether that is more than its batch can explain."""

    count: int
    first: datetime.datetime | None
    suspicious: bool


def record_scan(batch: Batch) -> None:
    """Log one scan of a batch now, with a single INSERT (no row to lock); a failure to log never fails the page.

    The public page holds its scans briefly and writes them together (supply.services.scan_buffer).
    """
    write_scans([(batch.id, utcnow())])


def scan_summary(batch: Batch) -> ScanSummary:
    """Count the scans of a batch and find the first, in one indexed query."""
    count, first = (
        Scan.select(fn.COUNT(Scan.id), fn.MIN(Scan.scanned_at))
        .where(Scan.batch_id == batch.id)
        .tuples()
        .get()
    )
    if isinstance(first, str):
        first = datetime.datetime.fromisoformat(first)
    return ScanSummary(count, first, is_suspicious(count, batch))


def summary(count: int, first: datetime.datetime | None, unit: str, quantity) -> ScanSummary:
    """Return the summary of counts already read (with the batch's unit and quantity for the copied-label rule)."""
    return ScanSummary(count, first, suspicious(count, unit, quantity))


def is_suspicious(count: int, batch: Batch) -> bool:
    """Tell whether a batch counted in pieces was scanned far more often than it has pieces."""
    return suspicious(count, batch.unit, batch.quantity)


def suspicious(count: int, unit: str, quantity) -> bool:
    """Tell whether `count` scans are far more than a batch of `quantity` `unit` has pieces."""
    if unit not in PIECE_UNITS:
        return False
    return count > SUSPICIOUS_FACTOR * int(quantity) + SUSPICIOUS_MARGIN
