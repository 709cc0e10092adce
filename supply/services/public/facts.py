"""A lot's public facts, kept per lot in the database: a cold scan page is one indexed read and a template.

`read(token)` is the one statement a scan needs before it can draw the page: the batch of the token, its kept
facts (if any), its scans, and the data version, read together. Facts missing (never built, or forgotten by a
write: see migrations/0011_public_facts.py) are gathered from the records (`gather`, a dozen queries) and kept
(`keep`) for the next scan on any host.

What is kept must never be older than what a committed write changed. A write's triggers delete the facts it
changes in its own transaction, so facts kept before it are gone when it commits. Facts gathered while it was
running, and kept after its triggers ran, would survive it; so facts are kept only when no audited write is under
way and none committed since the gathering began (the data version is unchanged):

- on PostgreSQL every audited write holds a shared advisory lock from its start to its commit
  (supply.db.writers); `keep` takes the same lock exclusively, without waiting, and keeps nothing when a write
  holds it; a write starting meanwhile waits for `keep`'s commit, so its triggers see the kept row;
- on SQLite writes take turns (BEGIN IMMEDIATE): `keep` is one of them.

What depends on the day (how a certificate may be shown today) and the lot's last chain check are not facts: the
page works out the one and reads the other with the facts (`read`), then completes them (`page.complete`).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN
from peewee import OperationalError

from supply.clock import utcnow
from supply.db import SQLITE_PRAGMAS
from supply.db import db
from supply.db import is_sqlite
from supply.db.replica import on_primary
from supply.db.writers import alone_among_writers
from supply.models import Batch
from supply.models import LotVerification
from supply.models import PublicLot
from supply.models import PublicLotSource
from supply.models import PublicVersion
from supply.models import Scan
from supply.services.public import facts_codec
from supply.services.public.page import PublicView
from supply.services.public.page import batch_by_token
from supply.services.public.page import complete
from supply.services.public.page import gather_view


@dataclass(frozen=True)
class Found:
    """What one read tells of a token's lot: its batch, scans, kept facts (None: none kept) and the data version."""

    batch_id: int
    unit: str
    quantity: Decimal
    scans: int
    first_scan: datetime.datetime | None
    generation: int | None
    facts: str | None
    data_version: int
    verification: LotVerification | None = None  # the lot's last chain check (None: never checked)

    @property
    def checked(self) -> str:
        """Name the last chain check, for comparing what kept pages showed."""
        check = self.verification
        return "" if check is None or check.verified_at is None else f"{check.verified_at.isoformat()}:{check.intact}"


_SQL: dict[bool, str] = {}


def _read_sql() -> str:
    p = db.param
    batch, scan = Batch._meta.table_name, Scan._meta.table_name
    lot, version = PublicLot._meta.table_name, PublicVersion._meta.table_name
    checks = LotVerification._meta.table_name
    return (
        f"SELECT b.id, b.unit, b.quantity, "
        f"(SELECT COUNT(*) FROM {scan} s WHERE s.batch_id = b.id), "
        f"(SELECT MIN(s.scanned_at) FROM {scan} s WHERE s.batch_id = b.id), "
        f"f.generation, f.facts, (SELECT v.version FROM {version} v WHERE v.id = 1), "
        f"c.verified_at, c.intact, c.problem, c.broken_at "
        f"FROM {batch} b LEFT JOIN {lot} f ON f.batch_id = b.id LEFT JOIN {checks} c ON c.batch_id = b.id "
        f"WHERE b.public_token = {p}"
    )


def read(token: str) -> Found | None:
    """Read a token's lot, its scans, its kept facts and the data version in one statement; None: no such lot."""
    key = is_sqlite()
    sql = _SQL.get(key) or _SQL.setdefault(key, _read_sql())
    row = db.execute_sql(sql, (token,)).fetchone()
    if row is None:
        return None
    batch_id, unit, quantity, scans, first, generation, facts, version, *check = row
    if isinstance(first, str):
        first = datetime.datetime.fromisoformat(first)
    verified_at, intact, problem, broken_at = check
    verification = None if verified_at is None else LotVerification(
        batch=batch_id, verified_at=LotVerification.verified_at.python_value(verified_at),
        intact=LotVerification.intact.python_value(intact), problem=problem, broken_at=broken_at)
    return Found(batch_id, unit, Batch.quantity.python_value(quantity), scans, first, generation, facts,
                 version or 0, verification)


def gather(token: str) -> PublicView | None:
    """Gather a token's page facts from the records (the batch, its upstream lots, events, certificates, tests)."""
    batch = batch_by_token(token)
    return None if batch is None else gather_view(batch)


def sources(view: PublicView) -> set[int]:
    """The lots a page's facts were read from: the lot, the lots upstream, the lots its certification looked at."""
    return {view.batch.id, *(lot.id for lot in view.upstream), *view.certification.lots}


def keep(view: PublicView, data_version: int) -> int | None:
    """Keep a lot's facts gathered at `data_version` (on the primary, also when they were read from a replica),
    unless a write is under way or committed since (see the module docstring); return the facts' generation, or
    None when they were not kept. Never waits for a write."""
    text = facts_codec.dumps(view)
    try:
        with on_primary(), db.connection_context() if db.is_closed() else nullcontext(), _not_waiting():
            return _keep(view.batch.id, text, sorted(sources(view)), data_version)
    except OperationalError as exc:  # SQLite: a write holds the database; the next scan keeps them
        if "locked" not in str(exc):
            raise
        return None


def _keep(batch_id: int, text: str, source_ids: list[int], data_version: int) -> int | None:
    with db.atomic():
        if not alone_among_writers():
            return None
        if not is_sqlite():
            db.execute_sql("SET LOCAL synchronous_commit = off")  # kept facts are rebuilt if a crash loses them
        current = PublicVersion.select(PublicVersion.version).where(PublicVersion.id == 1).scalar() or 0
        if current != data_version:
            return None
        PublicLotSource.delete().where(PublicLotSource.lot_id == batch_id).execute()
        PublicLotSource.insert_many([(batch_id, source) for source in source_ids],
                                    fields=[PublicLotSource.lot_id, PublicLotSource.source_id]).execute()
        PublicLot.delete().where(PublicLot.batch_id == batch_id).execute()
        PublicLot.insert(batch_id=batch_id, generation=data_version, facts=text, built_at=utcnow()).execute()
    return data_version


@contextmanager
def _not_waiting():
    """On SQLite, let the block's BEGIN IMMEDIATE fail at once, rather than wait, while another write runs."""
    if not is_sqlite() or db.in_transaction():
        yield
        return
    db.execute_sql("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {SQLITE_PRAGMAS['busy_timeout']}")


def fill(limit: int) -> int:
    """Gather and keep the facts of up to `limit` lots that have none, newest first (the worker's periodic task and
    `flask --app wsgi public-facts`), so that their first scan is a cold page of one read; return how many were
    kept (a lot whose facts a write overtook is left for the next round)."""
    missing = (Batch.select(Batch.public_token)
               .join(PublicLot, JOIN.LEFT_OUTER, on=(PublicLot.batch_id == Batch.id))
               .where(PublicLot.batch_id.is_null())
               .order_by(Batch.id.desc()).limit(limit).tuples())
    kept = 0
    for (token,) in list(missing):
        version = PublicVersion.select(PublicVersion.version).where(PublicVersion.id == 1).scalar() or 0
        view = gather(token)
        if view is not None and keep(view, version) is not None:
            kept += 1
    return kept


def loaded(found: Found) -> PublicView:
    """Read back the facts a `read` found."""
    return facts_codec.loads(found.facts)


__all__ = ["Found", "complete", "fill", "gather", "keep", "loaded", "read", "sources"]
