"""The database proxy, the base model and per-request connection handling."""

from __future__ import annotations

import time
from contextlib import contextmanager

from flask import Flask
from flask import g
from peewee import DatabaseProxy
from peewee import Model
from peewee import SqliteDatabase
from playhouse.db_url import connect

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "busy_timeout": 10000,
    "synchronous": "normal",
}


class BaseModel(Model):
    """Base for every model: bound to the proxy, snake_case table names."""

    class Meta:
        database = db
        legacy_table_names = False


LIVENESS_WINDOW = 1.0


def ping_only_idle_connections(database) -> None:
    """Ping (SELECT 1) a pooled PostgreSQL connection on checkout only when it sat in the pool over a second.

    peewee's pool pings every connection it hands out: one more round trip per request, which halves the
    throughput of a small page on a busy two-core machine. A connection returned less than LIVENESS_WINDOW
    seconds ago, open and idle, is handed out as is (as HikariCP's "alive bypass window" does); older ones are
    still pinged, so a restarted server is noticed before a request uses a dead connection.
    """
    returned: dict[int, float] = {}
    ping, reusable, adapter = database._is_closed, database._can_reuse, database._adapter

    def can_reuse(conn) -> bool:
        ok = reusable(conn)
        if ok:
            returned[database.conn_key(conn)] = time.monotonic()
        return ok

    def is_closed(conn) -> bool:
        at = returned.pop(database.conn_key(conn), None)
        if (at is not None and time.monotonic() - at < LIVENESS_WINDOW and not conn.closed
                and adapter.txn_status(conn) == adapter.txn_idle):
            return False
        return ping(conn)

    database._can_reuse, database._is_closed = can_reuse, is_closed


def open_database(url: str):
    """Connect a peewee database for the given URL (sqlite:///... or postgresql://...)."""
    if url.startswith("sqlite"):
        # BEGIN IMMEDIATE: a writing transaction takes the write lock at its start, so two writers queue
        # (busy_timeout) instead of one failing when it upgrades a read lock.
        database = connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    elif "+pool" in url.split("://", 1)[0]:
        database = connect(url, max_connections=32, stale_timeout=300)
        ping_only_idle_connections(database)
    else:
        database = connect(url)
    return database


@contextmanager
def connection():
    """Use the open connection, or open one for the block and close it after (CLI commands)."""
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


def is_sqlite() -> bool:
    """Tell whether the bound database is SQLite."""
    return isinstance(db.obj, SqliteDatabase)


def for_update(query):
    """Lock the selected rows until the transaction ends (SQLite's IMMEDIATE transaction already serialises)."""
    return query if is_sqlite() else query.for_update()


def init_app(app: Flask) -> None:
    """Bind the proxy from DATABASE_URL and open/close a connection around each request."""
    if db.obj is None or getattr(db.obj, "_supply_url", None) != app.config["DATABASE_URL"]:
        database = open_database(app.config["DATABASE_URL"])
        database._supply_url = app.config["DATABASE_URL"]
        db.initialize(database)

    @app.before_request
    def _connect() -> None:
        g.db_opened = db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if g.pop("db_opened", False) and not db.is_closed():
            db.close()
