"""Rendered public scan pages, kept per page and language and served again while what they show is unchanged.

Rendering a scan page costs 10 ms and more (the upstream trace, the journey, certificates, the template; the
hash chain is not checked on the page, which reads the lot's last check: supply.services.custody.verifier).
Checking a kept copy costs one primary-key read: each page carries the data version it was rendered at
(supply.services.public.version, a row of the database that every audited write moves in its own transaction,
read before the page's data, so every host sees a write the moment it commits) and is served again while the
version is the same and the page is younger than `MAX_AGE` (`Page.current`), by the WSGI fast path
(supply.public_fastpath) or, when that declines, by the view.

When the version moved, the view runs the probe, one indexed query: a kept page is still served (and stamped
with the new version, not rendered) when all of these are what they were when it was rendered:

- the batch's `status` and `chain_head` (every event of the batch, a shipment, receipt, transformation,
  recall, hold or retraction, changes its chain head in the same transaction);
- the newest audit entry's id (`supply.services.audit.writes.latest_id`): every write service is `@audited`, so a
  certificate, test result, hold, recall or an edit of a product, party or site anywhere changes it;
- which of the lots the batch was made from are recalled (counted exactly, see `probe`), so an upstream
  recall shows even when it was written without an audit entry;
- the page is younger than `MAX_AGE` seconds, which bounds what no write of the service changes (a lot checked for
  the first time since it was rendered; a record altered behind the service's back is found by the verifier,
  which writes an audit entry and moves the version when it finds a lot broken).

The version is read before the page's data, so a write racing a render can only make the kept copy look older
than it is (rendered again next time), never newer. One gap is left, bounded by `MAX_AGE`: an audit id is handed
out when a write inserts its entry, before it commits, so of two audited writes running at once the one with
the lower id may commit last; a page rendered between the two commits carries the higher id and misses the
later commit (unless that changed the batch's own row or an upstream recall, which the probe sees anyway).

A write behind the services' back (a direct UPDATE) moves no version: it shows when the page ages out, or at
once when it moves the version too (`announce_write()`, as tests that write rows directly do).

The scans block is not kept: it is cut out of the page (`ScanSection`) and drawn for every request from the
worker's scan tallies (supply.services.public.scan_buffer), as is the copied-label warning.

Copies live in the worker process, a bounded LRU per app (a new app, as in each test, starts empty), and in a
folder of the instance (`DiskPages`), so the workers share what each rendered and a restart starts warm; the
folder is named for the code, templates and translations (`code_fingerprint`), so a new deployment starts empty.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from supply.db import db
from supply.db import is_sqlite
from supply.models import AuditEntry
from supply.models import Batch
from supply.models import Scan
from supply.models.batch import BatchStatus
from supply.services.public.scan_section import ScanSection
from supply.services.public.scan_section import split

__all__ = ["DiskPages", "Page", "PageCache", "Probe", "ScanSection", "Version", "etag", "probe", "split"]

log = logging.getLogger(__name__)
MAX_AGE = 300
MAX_PAGES = 2000
MAX_DISK_PAGES = 20000
PRUNE_EVERY = 500


@dataclass(frozen=True)
class Version:
    """What a kept page depends on (see the module docstring)."""

    batch_id: int
    status: str
    chain_head: str
    audit_id: int
    recalled_upstream: int


@dataclass(frozen=True)
class Probe:
    """One request's look at a batch: its version, the figures of the suspicious-scan rule, its scans so far."""

    batch_id: int
    status: str
    chain_head: str
    unit: str
    quantity: object
    audit_id: int
    scans: int
    first_scan: datetime.datetime | None
    upstream_recalled: int
    kept_recalled: int

    def version(self, recalled_upstream: int) -> Version:
        """Return the version of a page rendered now that found `recalled_upstream` upstream lots recalled."""
        return Version(self.batch_id, self.status, self.chain_head, self.audit_id, recalled_upstream)


@dataclass(frozen=True)
class Page:
    """A kept page: the HTML before and after its scans block, what it depends on, and when it was rendered."""

    version: Version
    upstream: tuple[str, ...]
    recalled: tuple[str, ...]
    head: str
    tail: str
    etag: str
    born: float
    data_version: int = 0
    unit: str = ""
    quantity: str = "0"

    def current(self, data_version: int, now: float) -> bool:
        """Tell, without a query, whether the page may be served: same data version, younger than MAX_AGE."""
        return data_version == self.data_version and 0 <= now - self.born < MAX_AGE

    def fresh(self, probe: Probe, now: float) -> bool:
        """Tell whether the page still shows what the database holds (see the module docstring)."""
        return (
            0 <= now - self.born < MAX_AGE
            and probe.version(len(self.recalled)) == self.version
            and probe.upstream_recalled == len(self.recalled)
            and probe.kept_recalled == len(self.recalled)
        )


def _probe_sql(upstream: bool) -> str:
    """Return the text of the probe for the bound backend, with or without the counts of recalled upstream lots.

    The counts look the lots up by their unique code (never through the status index, which would walk every
    recalled lot of the season); a page without upstream lots skips them.
    """
    p = db.param
    batch, scan, audit = Batch._meta.table_name, Scan._meta.table_name, AuditEntry._meta.table_name
    recalled = "0, 0"
    if upstream:
        lots = f"u.lot_code IN (SELECT value FROM json_each({p}))" if is_sqlite() else \
            f"u.lot_code = ANY(CAST({p} AS TEXT[]))"
        count = f"(SELECT COALESCE(SUM(CASE WHEN u.status = '{BatchStatus.RECALLED}' THEN 1 ELSE 0 END), 0) " \
                f"FROM {batch} u WHERE {lots})"
        recalled = f"{count}, {count}"
    return (
        f"SELECT b.id, b.status, b.chain_head, b.unit, b.quantity, "
        f"(SELECT MAX(a.id) FROM {audit} a), "
        f"(SELECT COUNT(*) FROM {scan} s WHERE s.batch_id = b.id), "
        f"(SELECT MIN(s.scanned_at) FROM {scan} s WHERE s.batch_id = b.id), "
        f"{recalled} FROM {batch} b WHERE b.public_token = {p}"
    )


_SQL: dict[tuple[bool, bool], str] = {}


def probe(token: str, upstream: tuple[str, ...] = (), recalled: tuple[str, ...] = ()) -> Probe | None:
    """Read, in one query, the batch of a token, the newest audit id, the batch's scans and upstream recalls.

    `upstream` are the lots a kept page lists and `recalled` those of them it shows recalled: the probe counts
    the recalled lots among each. Both counts equal to len(recalled) means exactly those lots are recalled now.
    """
    key = (is_sqlite(), bool(upstream))
    sql = _SQL.get(key)
    if sql is None:
        sql = _SQL[key] = _probe_sql(bool(upstream))
    if not upstream:
        values = (token,)
    elif key[0]:
        values = (json.dumps(upstream), json.dumps(recalled), token)
    else:
        values = (list(upstream), list(recalled), token)
    row = db.execute_sql(sql, values).fetchone()
    if row is None:
        return None
    batch_id, status, chain_head, unit, quantity, audit_id, scans, first, upstream_recalled, kept_recalled = row
    if isinstance(first, str):
        first = datetime.datetime.fromisoformat(first)
    return Probe(batch_id, status, chain_head, unit, Batch.quantity.python_value(quantity), audit_id or 0,
                 scans, first, int(upstream_recalled), int(kept_recalled))


def etag(key: tuple, version: Version) -> str:
    """Return the (weak) entity tag of a kept page: same page, language and version, same tag."""
    return hashlib.sha256(repr((key, version)).encode()).hexdigest()[:32]


class DiskPages:
    """Kept pages as files of a folder, one per key (JSON), shared by the workers; bounded by pruning the oldest."""

    def __init__(self, folder: Path, limit: int = MAX_DISK_PAGES):
        self.folder, self.limit = folder, limit
        self._writes = 0
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: tuple) -> Path:
        return self.folder / f"{hashlib.sha256(repr(key).encode()).hexdigest()[:40]}.json"

    def load(self, key: tuple) -> Page | None:
        """Return the page kept under a key, or None (also when the file is unreadable)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.pop("key") != repr(key):
                return None
            return Page(version=Version(**data.pop("version")), upstream=tuple(data.pop("upstream")),
                        recalled=tuple(data.pop("recalled")), **data)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def store(self, key: tuple, page: Page) -> None:
        """Write a page under a key (to a temporary name, then renamed); a failure only costs a later render."""
        path = self._path(key)
        data = {"key": repr(key), **dataclasses.asdict(page)}
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            log.warning("page not kept on disk", exc_info=True)
            return
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            self.prune()

    def prune(self) -> int:
        """Delete the oldest files beyond the limit (down to nine tenths of it); return how many went."""
        try:
            files = sorted(self.folder.glob("*.json"), key=lambda f: f.stat().st_mtime)
        except OSError:
            return 0
        extra = len(files) - self.limit
        if extra <= 0:
            return 0
        gone = 0
        for old in files[:extra + self.limit // 10]:
            old.unlink(missing_ok=True)
            gone += 1
        return gone


def code_fingerprint(roots: list[Path]) -> str:
    """Name the code, templates and translations a page is rendered with (paths, sizes and times of their files).

    Kept pages on disk live in a folder of this name, so pages rendered by an older deployment are never served.
    """
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".mo", ".po") and path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def disk_folder(parent: Path, fingerprint: str) -> Path:
    """Return the folder of this fingerprint's pages under `parent`, deleting the folders of other fingerprints."""
    for other in parent.glob("*") if parent.is_dir() else ():
        if other.is_dir() and other.name != fingerprint:
            for old in other.glob("*"):
                old.unlink(missing_ok=True)
            try:
                other.rmdir()
            except OSError:
                pass
    return parent / fingerprint


class PageCache:
    """A bounded LRU of kept pages, keyed by (token, path, language), over an optional folder; safe for threads."""

    def __init__(self, env: Environment, size: int = MAX_PAGES, folder: Path | None = None):
        self.size = size
        self.env = env
        self.disk = DiskPages(folder) if folder is not None and size > 0 else None
        self._section: ScanSection | None = None
        # The plural rule of each language the scans block was drawn in (for drawing it outside a request).
        self.plurals: dict[str, object] = {}
        # The app's data version (set by the view; None: pages never current).
        self.version = None
        # The app's scan buffer (set by the view), which the fast path records scans in.
        self.scan_buffer = None
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def section(self) -> ScanSection | None:
        """The scans block of the template (reread and the cache emptied when the template changed)."""
        if self.size <= 0:
            return None
        if self._section is None:
            self._section = ScanSection(self.env)
        elif not self._section.current():
            self.clear()
            self._section = ScanSection(self.env)
        return self._section if self._section.template is not None else None

    def get(self, key: tuple) -> Page | None:
        """Return the page kept under a key (from memory, else from the folder), marked as recently used."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = self.disk.load(key) if self.disk is not None else None
        if page is not None:
            self._remember(key, page)
        return page

    def put(self, key: tuple, page: Page) -> None:
        """Keep a page in memory and in the folder."""
        if self.size <= 0:
            return
        self._remember(key, page)
        if self.disk is not None:
            self.disk.store(key, page)

    def _remember(self, key: tuple, page: Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept page, in memory and on disk."""
        with self._lock:
            self._pages.clear()
        if self.disk is not None:
            for path in self.disk.folder.glob("*.json"):
                path.unlink(missing_ok=True)

    def __len__(self) -> int:
        return len(self._pages)


def now() -> float:
    """The clock pages age by (seconds since the epoch: a page on disk ages across workers and restarts)."""
    return time.time()
