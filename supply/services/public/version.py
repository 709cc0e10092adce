"""The public pages' data version: a file of the instance folder whose modification time every committed write moves.

Reading it costs one `os.stat` (microseconds, no query), so a kept scan page can be checked on every request
without touching the database. Every write service is audited, and `supply.services.audit.writes.audited`
announces each write when its transaction block ends (the `written` signal): a change of anything a public page
shows (a recall, a hold, a certificate, a shipment, a product's name) moves the version of every app of the
process, and pages kept at the older version are rendered again (see supply.services.public.cache). Scans are not
audited and need not be: the scans block is drawn live. The app keeps its `DataVersion` in `app.extensions`.

The time is set explicitly (nanoseconds, at least one more than before), not left to the file system, whose
clock may be coarser than two quick writes. A write nested in a caller's transaction bumps when its own block
ends, before the caller commits: a page another process renders in between is kept at the new version with the
old data, which the page's age limit (`public_cache.MAX_AGE`) bounds; the service's writes are outermost.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from supply.services.audit.writes import written

log = logging.getLogger(__name__)
FILE_NAME = "public-version"


class DataVersion:
    """The data version of one instance folder, moved forward by every write announced while it exists."""

    def __init__(self, folder: Path | str):
        self.path = Path(folder) / FILE_NAME
        if not self.path.exists():
            _touch(self.path)
        written.connect(self._on_write)  # weakly: an app that is gone stops listening

    def read(self) -> int:
        """Return the version: the file's modification time in nanoseconds (the file is created when missing)."""
        try:
            return os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            _touch(self.path)
            return os.stat(self.path).st_mtime_ns

    def bump(self) -> None:
        """Move the version forward; a failure is logged (kept pages then age out)."""
        try:
            _advance(self.path)
        except OSError:
            log.warning("public version %s not bumped", self.path, exc_info=True)

    def _on_write(self, sender, **extra) -> None:
        self.bump()


def _advance(path: Path) -> None:
    """Set the file's times to now, or one nanosecond past its current time when the clock has not moved."""
    try:
        old = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        _touch(path)
        old = os.stat(path).st_mtime_ns
    new = max(time.time_ns(), old + 1)
    os.utime(path, ns=(new, new))


def _touch(path: Path) -> None:
    """Create the file (and its folder) if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(exist_ok=True)
