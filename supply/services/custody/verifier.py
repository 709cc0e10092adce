"""The verifier: re-check the hash chains of all lots, a slice at a time, least recently verified first.

Writes check the chains they extend (supply.services.custody.verification); an event altered or deleted behind the
service's back is what only the verifier finds. A round takes the `limit` lots checked longest ago (never-checked
lots first, by id), walks their events once (`chain.verify_lots`) and records each lot as verified at the round's
start. A lot found broken is checked again with its batch row locked, as a write locks it, so an event appended
between the round's reads is never taken for tampering. The round takes only locks no write holds (PostgreSQL's
SKIP LOCKED): it never waits on a write, and a lot a write is extending right now is left to that write's check.

When a lot turns broken, or intact again, the round writes one audit entry naming the lots and moves the public
data version in the same transaction (`announce_write`): every host's kept scan pages are stale once it commits,
and the next visit shows the warning. A lot checked for the first time and found intact moves nothing: its page
says "not yet verified" until it is rendered again (after a write, or at the kept page's age limit).

`verify_round` is called by `flask --app wsgi verify-chain --watch` (rounds without end) and may be called by a
queue worker; it needs an open connection and runs its own transaction. Going round all lots once takes
lots / limit rounds: 100,000 lots at 500 a round (about 0.3 s each) and 5 seconds between rounds is 18 minutes.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from dataclasses import field

from supply.clock import to_local
from supply.clock import utcnow
from supply.db import db
from supply.db import is_sqlite
from supply.models import Batch
from supply.models import LotVerification
from supply.services.audit.writes import MAX_LISTED
from supply.services.audit.writes import announce_write
from supply.services.audit.writes import log
from supply.services.custody import chain
from supply.services.custody.chain import ChainReport
from supply.services.custody.verification import stored_values

ROUND_SIZE = 500
PAUSE_SECONDS = 5.0
ACTION = "chain.verify"


@dataclass
class Due:
    """A lot whose turn it is: the batch (id, lot code, chain head) and what its last check found."""

    batch: Batch
    verified_at: datetime.datetime | None
    intact: bool | None


@dataclass
class RoundReport:
    """What one round checked and found (lot codes; times stored UTC)."""

    started: datetime.datetime
    lots: int = 0
    events: int = 0
    broken: list[str] = field(default_factory=list)  # every lot found broken this round
    newly_broken: list[str] = field(default_factory=list)  # of those, the ones not recorded broken before
    intact_again: list[str] = field(default_factory=list)  # recorded broken before, intact now
    oldest: datetime.datetime | None = None  # the previous check of the stalest lot checked (None: never checked)
    announced: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """Return the report as JSON-ready data (times in Asia/Shanghai)."""
        return {"started": to_local(self.started).isoformat(timespec="seconds"), "lots": self.lots,
                "events": self.events, "broken": self.broken, "newly_broken": self.newly_broken,
                "intact_again": self.intact_again,
                "oldest": to_local(self.oldest).isoformat(timespec="seconds") if self.oldest else None,
                "announced": self.announced, "seconds": round(self.seconds, 3)}

    def line(self) -> str:
        """Sum the round up in one line (times in Asia/Shanghai)."""
        when = to_local(self.started).strftime("%Y-%m-%d %H:%M:%S")
        if not self.lots:
            return f"{when} no lot to check"
        oldest = to_local(self.oldest).strftime("%Y-%m-%d %H:%M:%S") if self.oldest else "never"
        text = (f"{when} checked {self.lots} lot(s), {self.events} event(s) in {self.seconds:.2f} s: "
                f"{self.lots - len(self.broken)} intact, {len(self.broken)} broken; previously verified {oldest}")
        if self.newly_broken:
            text += f"; BROKEN now: {', '.join(self.newly_broken)}"
        if self.intact_again:
            text += f"; intact again: {', '.join(self.intact_again)}"
        return text + (" (public pages told)" if self.announced else "")


def _due_query():
    return (
        LotVerification
        .select(LotVerification.verified_at, LotVerification.intact, Batch.id, Batch.lot_code, Batch.chain_head)
        .join(Batch)
    )


def due_lots(limit: int) -> list[Due]:
    """Return the `limit` lots checked longest ago: never-checked lots by id, then by their last check."""
    rows = list(_due_query().where(LotVerification.verified_at.is_null())
                .order_by(LotVerification.batch).limit(limit))
    if len(rows) < limit:
        rows += list(_due_query().where(LotVerification.verified_at.is_null(False))
                     .order_by(LotVerification.verified_at, LotVerification.batch).limit(limit - len(rows)))
    return [Due(row.batch, row.verified_at, row.intact) for row in rows]


def _free(query):
    """Lock the selected rows, skipping those a write holds (PostgreSQL): the round never waits on a write, so it
    can never deadlock with one. SQLite's IMMEDIATE transaction already excludes every other writer."""
    return query if is_sqlite() else query.for_update(skip_locked=True)


def _recheck_under_lock(reports: dict[int, ChainReport]) -> None:
    """Check the lots found broken again with their batch rows locked, so no write is appending to them meanwhile.

    A lot a write holds right now is left out of this round (its report dropped): that write records its own check.
    """
    suspects = sorted(batch_id for batch_id, report in reports.items() if not report.intact)
    if not suspects:
        return
    locked = list(_free(Batch.select(Batch.id, Batch.lot_code, Batch.chain_head)
                        .where(Batch.id.in_(suspects))
                        .order_by(Batch.id)))
    for batch_id in suspects:
        del reports[batch_id]
    reports.update(chain.verify_lots(locked).reports)


def _record(reports: dict[int, ChainReport], at: datetime.datetime) -> set[int]:
    """Store each lot's check unless a write has recorded a newer one since the round began (or holds the row right
    now, and will); return the lots whose check was stored."""
    stored = {row.batch_id for row in _free(
        LotVerification.select(LotVerification.batch)
        .where(LotVerification.batch.in_(sorted(reports)),
               LotVerification.verified_at.is_null() | (LotVerification.verified_at < at))
        .order_by(LotVerification.batch))}
    intact = sorted(batch_id for batch_id in stored if reports[batch_id].intact)
    if intact:
        (LotVerification
         .update(stored_values(reports[intact[0]], at))
         .where(LotVerification.batch.in_(intact))
         .execute())
    for batch_id in sorted(stored - set(intact)):
        (LotVerification
         .update(stored_values(reports[batch_id], at))
         .where(LotVerification.batch == batch_id)
         .execute())
    return stored


def verify_round(limit: int = ROUND_SIZE) -> RoundReport:
    """Check the chains of the `limit` lots verified longest ago, record what was found, and tell the public pages
    (one audit entry and the data version, in the same transaction) when a lot turned broken or intact again."""
    clock = time.perf_counter()
    report = RoundReport(started=utcnow())
    due = due_lots(limit)
    checks = chain.verify_lots([item.batch for item in due])
    reports = checks.reports
    with db.atomic():
        _recheck_under_lock(reports)
        stored = _record(reports, report.started)
        for item in due:
            if item.batch.id not in stored:
                continue
            if not reports[item.batch.id].intact:
                report.broken.append(item.batch.lot_code)
                if item.intact is not False:
                    report.newly_broken.append(item.batch.lot_code)
            elif item.intact is False:
                report.intact_again.append(item.batch.lot_code)
        if report.newly_broken or report.intact_again:
            changed = report.newly_broken + report.intact_again
            log(None, ACTION, None, {"broken": report.newly_broken[:MAX_LISTED],
                                     "intact_again": report.intact_again[:MAX_LISTED], "lots_checked": len(stored)},
                table=LotVerification._meta.table_name, key=changed[0])
            announce_write()  # last: the version row stays locked only until the commit
            report.announced = True
    report.lots, report.events = len(stored), checks.events
    report.oldest = None if any(item.verified_at is None for item in due) else \
        min((item.verified_at for item in due), default=None)
    report.seconds = time.perf_counter() - clock
    return report
