"""Rendered public scan pages, kept per page and language and served again while what they show is unchanged.

Drawing a scan page costs a read of its facts and the template, more when the facts must be gathered anew (the
upstream trace, the journey, certificates, tests). Checking a kept copy costs one primary-key read: each page
carries the data version it was rendered at (supply.services.public.version, a row of the database that every
audited write moves in its own transaction, read before the page's data, so every host sees a write the moment
it commits) and is served again while the version is the same and the page is younger than `MAX_AGE`
(`Page.current`), by the WSGI fast path (supply.public_fastpath) or, when that declines, by the view.

When the version moved, the view reads the lot's kept facts (supply.services.public.facts, one indexed read): a
kept page drawn from the same generation of facts is still served (stamped with the new version, not drawn
again), since any write that changes what the page shows deletes those facts in its own transaction (the
triggers of migrations/0011_public_facts.py); otherwise the page is drawn again from the facts, gathered anew
when none are kept. The lot's last chain check (supply.services.custody.verifier) is read with the facts and
is part of what a kept page must match. `MAX_AGE` bounds what no write of the service changes (the day's
standing of a certificate, a record altered behind the service's back and not yet re-checked).

The version is read before the page's data, so a write racing a render can only make the kept copy look older
than it is (drawn again next time), never newer.

The scans block is not kept: it is cut out of the page (`ScanSection`) and drawn for every request from the
worker's scan tallies (supply.services.public.scan_buffer), as is the copied-label warning.

Copies live in the worker process, a bounded LRU per app (a new app, as in each test, starts empty), and in a
folder of the instance (`DiskPages`), so the workers share what each rendered and a restart starts warm; the
folder is named for the code, templates and translations (`code_fingerprint`), so a new deployment starts empty.
"""

from __future__ import annotations

import dataclasses
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

from supply.services.public.scan_section import ScanSection
from supply.services.public.scan_section import split

__all__ = ["DiskPages", "Page", "PageCache", "ScanSection", "etag", "split"]

log = logging.getLogger(__name__)
MAX_AGE = 300
MAX_PAGES = 2000
MAX_DISK_PAGES = 20000
PRUNE_EVERY = 500


@dataclass(frozen=True)
class Page:
    """A kept page: the HTML before and after its scans block, the facts it was drawn from, and when.

    `generation` is that of the lot's kept facts it was drawn from (None: drawn from facts that could not be
    kept); `data_version` the data version it was last found current at.
    """

    batch_id: int
    generation: int | None
    head: str
    tail: str
    etag: str
    born: float
    data_version: int = 0
    unit: str = ""
    quantity: str = "0"
    checked: str = ""  # the lot's last chain check it shows (supply.services.public.facts.Found.checked)

    def current(self, data_version: int, now: float) -> bool:
        """Tell, without a query, whether the page may be served: same data version, younger than MAX_AGE."""
        return data_version == self.data_version and 0 <= now - self.born < MAX_AGE

    def fresh(self, generation: int | None, checked: str, now: float) -> bool:
        """Tell whether the page still shows the lot's kept facts and last chain check: drawn from this generation
        and this check, younger than MAX_AGE."""
        return (self.generation is not None and generation == self.generation and checked == self.checked
                and 0 <= now - self.born < MAX_AGE)


def etag(key: tuple, generation: int | None, data_version: int, checked: str) -> str:
    """Return the (weak) entity tag of a kept page: same page, language, facts and chain check, same tag."""
    return hashlib.sha256(repr((key, generation, data_version if generation is None else None, checked)).encode()
                          ).hexdigest()[:32]


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
            return Page(**data)
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
