"""Tampering as an attacker with database access would: switch the event log's triggers off, then write."""

from __future__ import annotations

import contextlib

from supply.db import db
from supply.db import is_sqlite

# The tables whose triggers (migration 0006) refuse UPDATE and DELETE.
GUARDED_TABLES = ("event", "event_batch", "shipment", "shipment_line")


@contextlib.contextmanager
def tampering(*tables: str):
    """Switch off the triggers of the given tables (all guarded ones by default) for the block, then restore them.

    Runs inside the test's transaction: SQLite drops the triggers and creates them again from their stored SQL,
    PostgreSQL disables and enables them (both are transactional DDL, so a failing test leaves nothing behind).
    """
    tables = tables or GUARDED_TABLES
    if is_sqlite():
        marks = ", ".join("?" for _ in tables)
        triggers = db.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})", tables
        ).fetchall()
        assert triggers, f"no trigger on {tables}"
        for name, _sql in triggers:
            db.execute_sql(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _name, sql in triggers:
                db.execute_sql(sql)
        return
    for table in tables:
        db.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    try:
        yield
    finally:
        for table in tables:
            db.execute_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
