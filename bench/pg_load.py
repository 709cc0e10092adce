"""A bulk load into PostgreSQL without its secondary indexes and foreign keys, both rebuilt after in one pass each.

Row by row, each COPYed row of the season updates a dozen B-trees (several keyed on random hashes and tokens, so
every insert lands on a different page once the index outgrows memory) and runs an RI trigger per foreign key.
Built after the load, an index is one sort and a foreign key one join; the schema after `restored()` is the
schema before it, names and definitions alike (tests/app/test_migrations.py compares it with the models).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from supply.db import db

INDEXES_SQL = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u', 'x'))
ORDER BY i.tablename, i.indexname
"""
FOREIGN_KEYS_SQL = """
SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND c.conrelid::regclass::text = ANY(%s)
ORDER BY 1, 2
"""
MAINTENANCE_MEMORY = "256MB"


@contextmanager
def without_indexes(tables: list[str]):
    """Drop the secondary indexes and foreign keys of the tables for the block; recreate them after, even on error.

    The block must leave rows that satisfy them (the bulk path writes what the services write); a violation
    fails the rebuild rather than passing unseen.
    """
    indexes = db.execute_sql(INDEXES_SQL, (tables,)).fetchall()
    keys = db.execute_sql(FOREIGN_KEYS_SQL, (tables,)).fetchall()
    with db.atomic():
        for table, name, _ in keys:
            db.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            db.execute_sql(f'DROP INDEX "{name}"')
    try:
        yield {"indexes": len(indexes), "foreign_keys": len(keys)}
    finally:
        db.execute_sql(f"SET maintenance_work_mem = '{MAINTENANCE_MEMORY}'")
        with db.atomic():
            for _, definition in indexes:
                db.execute_sql(definition)
            for table, name, definition in keys:
                db.execute_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        db.execute_sql("RESET maintenance_work_mem")


def backend_cpu_seconds() -> float | None:
    """Return the CPU seconds the bound connection's PostgreSQL backend has used, when the server runs on this
    machine (read from /proc); None otherwise. With the generator's own CPU time it gives a figure that other
    work on a shared machine does not change."""
    pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
