"""Count the scans of a batch's public code and tell when they look like a copied label."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from supply.units import COUNTED_UNITS

SUSPICIOUS_FACTOR = 3
SUSPICIOUS_MARGIN = 20


@dataclass
class ScanSummary:
    """How often a code was scanned, since when, and whether that is more than its batch can explain."""

    count: int
    first: datetime.datetime | None
    suspicious: bool


def summary(count: int, first: datetime.datetime | None, unit: str, quantity) -> ScanSummary:
    """Return the summary of counts already read (with the batch's unit and quantity for the copied-label rule)."""
    return ScanSummary(count, first, suspicious(count, unit, quantity))


def suspicious(count: int, unit: str, quantity) -> bool:
    """Tell whether `count` scans are far more than a batch of `quantity` `unit` has pieces."""
    # One label per piece at most, so scans far above the count suggest a copied label; a weight says nothing.
    if unit not in COUNTED_UNITS:
        return False
    return count > SUSPICIOUS_FACTOR * int(quantity) + SUSPICIOUS_MARGIN
