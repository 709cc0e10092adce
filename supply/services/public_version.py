"""The public pages' data version: a file of the instance folder whose modification time every committed write moves.

Reading it costs one `os.stat` (microseconds, no query), so a kept scan page can be checked on every request
without touching the database. `supply.services.audit.audited` calls `bump` after each write's transaction
block: every write service is audited, so a change of anything a public page shows (a recall, a hold, a
certificate, a shipment, a product's name) moves the version, and pages kept at the older version are rendered
again (see supply.services.public_cache). Scans are not audited and need not be: the scans block is drawn live.

The time is set explicitly (nanoseconds, at least one more than before), not left to the file system, whose
clock may be coarser than two quick writes. A write nested in a caller's transaction bumps when its own block
ends, before the caller commits: a page another process renders in between is kept at the new version with the
old data, which the page's age limit (`public_cache.MAX_AGE`) bounds; the service's writes are outermost.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
FILE_NAME = "public-version"
# The version files bumped by a write: one per app of the process (a worker has one; a test session creates an
# app per test, and only the newest few can still serve pages).
KEEP = 8
_files: list[Path] = []
_lock = threading.Lock()


def register(folder: Path | str) -> Path:
    """Name the version file of an instance folder (created if missing) as one every write bumps; return it."""
    path = Path(folder) / FILE_NAME
    with _lock:
        if path in _files:
            _files.remove(path)
        _files.append(path)
        del _files[:-KEEP]
    if not path.exists():
        _touch(path)
    return path


def read(path: Path) -> int:
    """Return the version: the file's modification time in nanoseconds (the file is created when missing)."""
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        _touch(path)
        return os.stat(path).st_mtime_ns


def bump() -> None:
    """Move the version of every registered instance forward; a failure is logged (pages then age out)."""
    with _lock:
        files = list(_files)
    for path in files:
        try:
            _advance(path)
        except OSError:
            log.warning("public version %s not bumped", path, exc_info=True)


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
