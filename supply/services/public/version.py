"""The public pages' data version, read from the database: one row that every audited write moves in its own
transaction (`supply.services.audit.writes.announce_write`).

A kept scan page carries the version it was rendered at and is served again while the version is the same
(see supply.services.public.cache). Because the version lives in the database, not in a file of one host's
instance folder, a write committed through any host (a recall, a hold, a certificate decision, a shipment, a
product's name) makes the kept pages of every host stale the moment it commits, and never before: the row is
moved inside the write's transaction. Reading it is one primary-key read. Scans are not audited and need not be:
the scans block is drawn live.
"""

from __future__ import annotations

from supply.db import db
from supply.db.sqlcache import fetch
from supply.db.sqlcache import slot
from supply.models import PublicVersion


def _version_query():
    return PublicVersion.select(PublicVersion.version).where(PublicVersion.id == slot("row"))


class DataVersion:
    """The app's view of the public data version (kept in `app.extensions["public_version"]`)."""

    def read(self) -> int:
        """Return the current version, opening a connection for the read when none is open (the WSGI fast path)."""
        opened = db.connect(reuse_if_open=True)
        try:
            rows = fetch("public.version", _version_query, row=1)
            return rows[0].version if rows else 0
        finally:
            if opened and not db.is_closed():
                db.close()
