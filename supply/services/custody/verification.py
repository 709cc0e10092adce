"""The stored check of each lot's hash chain (`lot_verification`): written by the writes that append events and by
the verifier, read by the scan page instead of checking the chain on every render.

A write that appends an event checks, in the same transaction and with the touched batches locked, the chains it
extends (`check_before_append`), then records each lot as checked at the event's record time
(`record_after_append`): a chain intact before an event correctly linked onto it is intact after. A write does not
refuse to extend a broken chain (its own event is honest; refusing would stop the lot's holder, not the
tamperer): it records the lot broken, and the page shows the warning.
"""

from __future__ import annotations

import datetime

from supply.models import Batch
from supply.models import LotVerification
from supply.services.custody import chain
from supply.services.custody.chain import ChainReport

STORED = (LotVerification.verified_at, LotVerification.intact, LotVerification.problem, LotVerification.broken_at)


def verification_of(batch_id: int) -> LotVerification | None:
    """Return the last check of a lot's chain (None for a lot without a row, which counts as never checked)."""
    return LotVerification.get_or_none(LotVerification.batch == batch_id)


def check_before_append(batches: list[Batch]) -> dict[int, ChainReport]:
    """Check the chains an event is about to extend (batches read with id, lot code and chain head, locked)."""
    return chain.verify_lots(batches).reports


def stored_values(report: ChainReport, at: datetime.datetime) -> dict:
    """Return the columns that record a check made at `at` with this outcome."""
    return {"verified_at": at, "intact": report.intact, "problem": report.problem,
            "broken_at": None if report.intact else report.event_id}


def record_after_append(reports: dict[int, ChainReport], at: datetime.datetime) -> None:
    """Record the checked lots as verified at `at` (one statement; inserts the row of a batch that has none)."""
    if not reports:
        return
    rows = [{"batch": batch_id, **stored_values(report, at)} for batch_id, report in sorted(reports.items())]
    (LotVerification
     .insert_many(rows)
     .on_conflict(conflict_target=[LotVerification.batch], preserve=STORED)
     .execute())


def record_registered(batch_ids: list[int], at: datetime.datetime) -> None:
    """Record new batches, each with only its commissioning event, as intact at `at` (the bulk registration)."""
    (LotVerification
     .update(verified_at=at, intact=True, problem=None, broken_at=None)
     .where(LotVerification.batch.in_(batch_ids))
     .execute())
