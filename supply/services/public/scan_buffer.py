"""Scans of the public page held briefly in the worker and written in one INSERT, and counted without a query.

Every scan page records a scan. Written one by one, each is a round trip and a commit waiting for the disk:
on a busy two-core machine that is a fifth of the page's cost. A `ScanBuffer` keeps the scans of its worker
process and writes them as one multi-row INSERT `delay` seconds after the first, or at once when `size` are
waiting, always from a timer thread with its own pooled connection (a request never waits for the write), and
when the process exits. With `delay` 0 each scan is written at once (the setting when the app is testing).

Counting needs no query per request either: the buffer keeps a `Tally` per batch, the count and first scan
the database gave when last read plus every scan this worker recorded since (held or written). The writer
thread, after each write, reads again the tallies older than `refresh` seconds (one query for up to
READ_AT_ONCE batches); a request reads a tally itself only when it has none yet for the batch, or when it is
twice that old (no scans written meanwhile; with `delay` 0, when it is `refresh` old), together with the other
tallies already half that old. So a visitor's own scan always counts at once, and scans recorded by the other
workers show within about `refresh` seconds while scans come in, at most twice that (5 s by default; 0 reads on
every request, the testing setting).
A worker killed outright (SIGKILL, a crash) loses at most its last `delay` seconds of scans; a graceful stop
writes them. While the database cannot be reached (a restart, a failover), scans stay held (up to MAX_HELD) and
are tried again every RETRY seconds, and counts are the worker's tallies, asked of the database again later.

The buffer reads and writes the primary, even inside a request that reads the public side from a replica
(`on_primary`, supply.db.replica): its tallies count on a read seeing every write it settled, which a replica,
a few milliseconds behind, does not promise. It writes only to the database that was bound when it was made:
once the app is gone (a test's live server stopped, the proxy pointed elsewhere or at nothing) held scans are
dropped with a warning, never written to another database; a failed write is logged, never raised.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass

from peewee import PeeweeException

from supply.db import database_unreachable
from supply.db import db
from supply.db.replica import on_primary
from supply.models import Scan

log = logging.getLogger(__name__)
DELAY = 0.5
SIZE = 1000
REFRESH = 5.0
# At most this many tallies are read in one query; at most MAX_TALLIES are kept (those with nothing held).
READ_AT_ONCE = 200
MAX_TALLIES = 50000
# While the database cannot be reached, held scans are tried again every RETRY seconds, up to MAX_HELD of them.
RETRY = 1.0
MAX_HELD = 100_000


def clock() -> float:
    """The clock tallies age by (monotonic seconds)."""
    return time.monotonic()


Row = tuple[int, datetime.datetime, str]  # a scan: batch id, time, the page's language


def write_scans(rows: list[Row]) -> bool:
    """Insert scans (batch id, time, language) in one statement; tell whether they were written (a failure is
    logged)."""
    if not rows:
        return True
    p = db.param
    sql = (f"INSERT INTO {Scan._meta.table_name} (batch_id, scanned_at, language) VALUES "
           + ", ".join(f"({p}, {p}, {p})" for _ in rows))
    to_db = Scan.scanned_at.db_value
    try:
        db.execute_sql(sql, tuple(value for batch_id, at, language in rows
                                  for value in (batch_id, to_db(at), language)))
    except PeeweeException as exc:
        if database_unreachable(exc):
            raise  # the buffer holds them until the database is back
        log.warning("%d scans not recorded", len(rows), exc_info=True)
        return False
    return True


def read_counts(batch_ids: list[int]) -> dict[int, tuple[int, datetime.datetime | None]]:
    """Count the written scans of some batches and find each one's first, in one indexed query."""
    p = db.param
    table = Scan._meta.table_name
    rows = db.execute_sql(
        f"SELECT batch_id, COUNT(*), MIN(scanned_at) FROM {table} WHERE batch_id IN "
        f"({', '.join(p for _ in batch_ids)}) GROUP BY batch_id", tuple(batch_ids)).fetchall()
    counts = {}
    for batch_id, count, first in rows:
        if isinstance(first, str):
            first = datetime.datetime.fromisoformat(first)
        counts[batch_id] = (count, first)
    return counts


@dataclass
class Tally:
    """A batch's scans as this worker knows them: the database's figures when read, and its own scans since."""

    added: int = 0  # scans of the batch this worker recorded
    settled: int = 0  # of those, written (or given up on a failed write)
    base: int = 0  # the database's count when last read
    since: int = 0  # `settled` at that read: the worker's scans in `base`
    first_read: datetime.datetime | None = None
    first_own: datetime.datetime | None = None
    read_at: float = float("-inf")

    def count(self) -> int:
        """The count to show: the database's, plus this worker's scans it did not hold yet."""
        return self.base + self.added - self.since

    def first(self) -> datetime.datetime | None:
        """The first scan to show: the database's first or this worker's, whichever is earlier."""
        known = [at for at in (self.first_read, self.first_own) if at is not None]
        return min(known, default=None)


class ScanBuffer:
    """The scans a worker holds until it writes them, and its tallies (see the module docstring)."""

    def __init__(self, delay: float = DELAY, size: int = SIZE, refresh: float = REFRESH):
        self.delay, self.size, self.refresh = delay, size, refresh
        self.database = db.obj
        self._rows: list[Row] = []
        self._tallies: dict[int, Tally] = {}
        self._lock = threading.Lock()
        # Held while scans are written and settled, and while tallies are read: a read sees a write whole or not.
        self._settle = threading.Lock()
        self._timer: threading.Timer | None = None
        if delay > 0:
            atexit.register(self.flush)

    def add(self, batch_id: int, at: datetime.datetime, language: str = "") -> bool:
        """Record a scan: held (written within `delay` seconds, at once when full), or written now when off."""
        with self._lock:
            tally = self._tallies.get(batch_id) or self._tallies.setdefault(batch_id, Tally())
            tally.added += 1
            if tally.first_own is None or at < tally.first_own:
                tally.first_own = at
        if self.delay <= 0:
            return self._write([(batch_id, at, language)])
        with self._lock:
            self._rows.append((batch_id, at, language))
            if len(self._rows) >= self.size and self._timer is not None and self._timer.interval > 0:
                self._timer.cancel()  # full: write now, still off the request's thread
                self._timer = None
            if self._timer is None:
                self._timer = threading.Timer(0 if len(self._rows) >= self.size else self.delay,
                                              self._flush_in_thread)
                self._timer.daemon = True
                self._timer.start()
        return True

    def count(self, batch_id: int) -> tuple[int, datetime.datetime | None]:
        """Return a batch's scan count and first scan, read from the database when the tally is `refresh` old."""
        moment = clock()
        limit = self.refresh * 2 if self.delay > 0 else self.refresh
        with self._lock:
            tally = self._tallies.get(batch_id)
            if tally is not None and moment - tally.read_at < limit:
                return tally.count(), tally.first()
            others = [other for other, t in self._tallies.items()
                      if other != batch_id and moment - t.read_at >= self.refresh / 2][:READ_AT_ONCE - 1]
        try:
            self._read([batch_id, *others])
        except PeeweeException as exc:
            if not database_unreachable(exc):
                raise
            with self._lock:  # an outage: count what the worker knows, and ask again after `limit`
                tally = self._tallies.get(batch_id) or self._tallies.setdefault(batch_id, Tally())
                tally.read_at = moment
        with self._lock:
            tally = self._tallies[batch_id]
            return tally.count(), tally.first()

    def seed(self, batch_id: int, count: int, first: datetime.datetime | None) -> None:
        """Take a batch's written scans as read with its page's data, when the worker has no tally of it yet."""
        with self._lock:
            if batch_id not in self._tallies:
                self._tallies[batch_id] = Tally(base=count, first_read=first, read_at=clock())

    def read_stale(self) -> None:
        """Read again the tallies older than `refresh` (the writer thread's work after a write); never raises."""
        moment = clock()
        with self._lock:
            stale = [batch_id for batch_id, t in self._tallies.items() if moment - t.read_at >= self.refresh]
        try:
            for start in range(0, len(stale), READ_AT_ONCE):
                self._read(stale[start:start + READ_AT_ONCE])
        except Exception:  # noqa: BLE001 - the next request reads its tally itself
            log.warning("scan counts not read", exc_info=True)

    def _read(self, batch_ids: list[int]) -> None:
        """Read the tallies of some batches from the database (no write of this worker's lands meanwhile)."""
        with self._settle:
            with self._lock:
                marks = {}
                for batch_id in batch_ids:
                    tally = self._tallies.get(batch_id) or self._tallies.setdefault(batch_id, Tally())
                    marks[batch_id] = tally.settled
            moment = clock()
            with on_primary(), db.connection_context() if db.is_closed() else nullcontext():
                counts = read_counts(batch_ids)
            with self._lock:
                for batch_id in batch_ids:
                    tally = self._tallies[batch_id]
                    tally.base, tally.first_read = counts.get(batch_id, (0, None))
                    tally.since, tally.read_at = marks[batch_id], moment
                self._prune()

    def _prune(self) -> None:
        """Forget the least recently read tallies beyond MAX_TALLIES (never one with scans held)."""
        if len(self._tallies) <= MAX_TALLIES:
            return
        idle = sorted((t.read_at, batch_id) for batch_id, t in self._tallies.items() if t.added == t.settled)
        for _, batch_id in idle[:len(self._tallies) - MAX_TALLIES // 2]:
            del self._tallies[batch_id]

    def held(self, batch_id: int) -> tuple[int, datetime.datetime | None]:
        """Return how many scans of a batch this worker holds and the first of them."""
        with self._lock:
            times = [at for held_id, at, _ in self._rows if held_id == batch_id]
        return len(times), min(times, default=None)

    def take(self) -> list[Row]:
        """Hand over every held scan and stop the timer."""
        with self._lock:
            rows, self._rows = self._rows, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        return rows

    def flush(self) -> bool:
        """Write every held scan now (on the caller's connection, opened if need be); never raises."""
        return self._write(self.take())

    def _write(self, rows: list[Row]) -> bool:
        """Write scans to the buffer's database and settle them in the tallies; a failure is logged, not raised."""
        if not rows:
            return True
        with self._settle:
            written = False
            if self.database is None or db.obj is not self.database:
                log.warning("%d scans dropped: the app's database is no longer bound", len(rows))
            else:
                try:
                    with on_primary(), db.connection_context() if db.is_closed() else nullcontext():
                        written = write_scans(rows)
                except Exception as exc:  # noqa: BLE001 - a scan must never fail a page or a worker's exit
                    if database_unreachable(exc) and self._hold_again(rows):
                        log.warning("%d scans held: the database cannot be reached", len(rows))
                        return False
                    log.warning("%d scans not recorded", len(rows), exc_info=True)
            with self._lock:
                for batch_id, _, _ in rows:
                    tally = self._tallies.get(batch_id)
                    if tally is not None:
                        tally.settled += 1
        return written

    def _hold_again(self, rows: list[Row]) -> bool:
        """Hold scans a write could not deliver and try again in RETRY seconds; False when off or too many held."""
        if self.delay <= 0:
            return False
        with self._lock:
            if len(self._rows) + len(rows) > MAX_HELD:
                return False
            self._rows[:0] = rows
            if self._timer is None:
                self._timer = threading.Timer(max(self.delay, RETRY), self._flush_in_thread)
                self._timer.daemon = True
                self._timer.start()
        return True

    def _flush_in_thread(self) -> None:
        if self.flush() and self.database is not None and db.obj is self.database:
            self.read_stale()
