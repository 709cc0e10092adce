"""Scans of the public page held briefly in the worker and written in one INSERT, so a scan costs no round trip.

Every scan page records a scan. Written one by one, each is a round trip and a commit waiting for the disk:
on a busy two-core machine that is a fifth of the page's cost. A `ScanBuffer` keeps the scans of its worker
process and writes them as one multi-row INSERT `delay` seconds after the first, or at once when `size` are
waiting, always from a timer thread with its own pooled connection (a request never waits for the write), and
when the process exits.

What a visitor sees stays right: the page adds the scans its own worker holds for the batch to the count the
database gives, so a visitor's own scan always counts; scans another worker holds show within `delay` seconds
(half a second by default). A worker killed outright (SIGKILL, a crash) loses at most its last `delay` seconds
of scans; a graceful stop writes them. With `delay` 0 each scan is written at once (the tests' setting).
"""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
from contextlib import nullcontext

from peewee import PeeweeException

from supply.db import db
from supply.models import Scan

log = logging.getLogger(__name__)
DELAY = 0.5
SIZE = 200


def write_scans(rows: list[tuple[int, datetime.datetime]]) -> bool:
    """Insert scans (batch id, time) in one statement; tell whether they were written (a failure is logged)."""
    if not rows:
        return True
    p = db.param
    sql = (f"INSERT INTO {Scan._meta.table_name} (batch_id, scanned_at) VALUES "
           + ", ".join(f"({p}, {p})" for _ in rows))
    to_db = Scan.scanned_at.db_value
    try:
        db.execute_sql(sql, tuple(value for batch_id, at in rows for value in (batch_id, to_db(at))))
    except PeeweeException:
        log.warning("%d scans not recorded", len(rows), exc_info=True)
        return False
    return True


class ScanBuffer:
    """The scans a worker holds until it writes them (see the module docstring)."""

    def __init__(self, delay: float = DELAY, size: int = SIZE):
        self.delay, self.size = delay, size
        self._rows: list[tuple[int, datetime.datetime]] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        if delay > 0:
            atexit.register(self.flush)

    def add(self, batch_id: int, at: datetime.datetime) -> bool:
        """Record a scan: held (written within `delay` seconds, at once when full), or written now when off."""
        if self.delay <= 0:
            return write_scans([(batch_id, at)])
        with self._lock:
            self._rows.append((batch_id, at))
            if len(self._rows) >= self.size and self._timer is not None and self._timer.interval > 0:
                self._timer.cancel()  # full: write now, still off the request's thread
                self._timer = None
            if self._timer is None:
                self._timer = threading.Timer(0 if len(self._rows) >= self.size else self.delay,
                                              self._flush_in_thread)
                self._timer.daemon = True
                self._timer.start()
        return True

    def held(self, batch_id: int) -> tuple[int, datetime.datetime | None]:
        """Return how many scans of a batch this worker holds and the first of them."""
        with self._lock:
            times = [at for held_id, at in self._rows if held_id == batch_id]
        return len(times), min(times, default=None)

    def take(self) -> list[tuple[int, datetime.datetime]]:
        """Hand over every held scan and stop the timer."""
        with self._lock:
            rows, self._rows = self._rows, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        return rows

    def flush(self) -> bool:
        """Write every held scan now (on the caller's connection, opened if need be)."""
        rows = self.take()
        if not rows:
            return True
        with db.connection_context() if db.is_closed() else nullcontext():
            return write_scans(rows)

    def _flush_in_thread(self) -> None:
        self.flush()
