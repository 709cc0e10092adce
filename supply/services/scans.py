"""Count the scans of a batch's public code and tell when they look like a copied label."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from peewee import PeeweeException
from peewee import fn

from supply.models import Batch
from supply.models import Scan

log = logging.getLogger(__name__)
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
    """Log one scan with a single INSERT (no row to lock); a failure to log never fails the page."""
    try:
        Scan.insert(batch_id=batch.id).execute()
    except PeeweeException:
        log.warning("scan of %s not recorded", batch.lot_code, exc_info=True)


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


def is_suspicious(count: int, batch: Batch) -> bool:
    """Tell whether a batch counted in pieces was scanned far more often than it has pieces."""
    if batch.unit not in PIECE_UNITS:
        return False
    return count > SUSPICIOUS_FACTOR * int(batch.quantity) + SUSPICIOUS_MARGIN
