"""Count the database round trips of a block: every statement the driver sends, BEGIN and COMMIT included.

peewee logs the statements it builds, but not the BEGIN, COMMIT and SAVEPOINT of `db.atomic()`, which it
sends through a cursor of its own; each is a round trip all the same. `counting()` wraps the bound database's
cursors for the length of a `with` block and counts every execute, executemany and COPY.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

from supply.db import db


class CountingCursor:
    """A driver cursor that counts what it sends, by the statement's first word."""

    def __init__(self, cursor, counts: Counter):
        self._cursor, self._counts = cursor, counts

    def _count(self, sql) -> None:
        text = sql if isinstance(sql, str) else str(getattr(sql, "as_string", lambda _: sql)(None))
        self._counts[text.split(None, 1)[0].upper() if text.strip() else "?"] += 1

    def execute(self, sql, *args, **kwargs):
        self._count(sql)
        return self._cursor.execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        self._count(sql)
        return self._cursor.executemany(sql, *args, **kwargs)

    def copy(self, sql, *args, **kwargs):
        self._count(sql)
        return self._cursor.copy(sql, *args, **kwargs)

    def __enter__(self):
        self._cursor.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cursor.__exit__(*exc)

    def __iter__(self):
        return iter(self._cursor)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@contextmanager
def counting():
    """Count the round trips of the block on the bound database; yields a Counter by first word."""
    database = db.obj
    counts: Counter = Counter()
    plain = database.cursor

    def cursor(*args, **kwargs):
        return CountingCursor(plain(*args, **kwargs), counts)

    database.cursor = cursor
    try:
        yield counts
    finally:
        del database.cursor
