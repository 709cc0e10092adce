"""The writers' lock: audited writes share it from their first statement to their commit, and whoever must know
that no audited write is under way takes it alone, without waiting (PostgreSQL advisory locks, released at the
end of the transaction). On SQLite writes take turns anyway (BEGIN IMMEDIATE): both calls are free there.

supply.services.public.facts keeps a lot's facts only when it holds the lock alone (see its docstring).
"""

from __future__ import annotations

from supply.db import db
from supply.db import is_sqlite

WRITERS_LOCK = 7_300_811  # any fixed number of ours


def share_writers_lock() -> None:
    """Join the writers for the current transaction (waits while someone holds the lock alone, never for writers)."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock_shared(%s)", (WRITERS_LOCK,))


def alone_among_writers() -> bool:
    """Take the lock alone for the current transaction if no write holds it; tell whether it was taken."""
    if is_sqlite():
        return True
    return bool(db.execute_sql("SELECT pg_try_advisory_xact_lock(%s)", (WRITERS_LOCK,)).fetchone()[0])
