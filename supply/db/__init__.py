"""The database proxy, the base model and per-request connection handling."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask import g
from flask import request
from peewee import Model
from peewee import SqliteDatabase
from playhouse.db_url import connect
from psycopg import InterfaceError as DriverInterfaceError
from psycopg import OperationalError as DriverOperationalError

from supply.db.replica import RoutingProxy
from supply.db.replica import route_back
from supply.db.replica import route_to_replica
from supply.db.replica import wants_replica

db = RoutingProxy()

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


def open_database(url: str):
    """Connect a peewee database for the given URL (sqlite:///... or postgresql://...).

    Query parameters are the driver's: behind PgBouncer in transaction mode, `?prepare_threshold=none` stops
    psycopg from preparing statements on a server connection the next transaction may not get.
    """
    if url.startswith("sqlite"):
        # BEGIN IMMEDIATE: a writing transaction takes the write lock at its start, so two writers queue
        # (busy_timeout) instead of one failing when it upgrades a read lock.
        database = connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    elif "+pool" in url.split("://", 1)[0]:
        database = connect(url, max_connections=32, stale_timeout=300)
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


def database_unreachable(exc: Exception) -> bool:
    """Tell whether a database error means the server could not be reached (an outage), not a bug of ours."""
    original = exc.__cause__ or exc.__context__
    return isinstance(original, DriverOperationalError | DriverInterfaceError)


def is_sqlite() -> bool:
    """Tell whether the bound database is SQLite."""
    return isinstance(db.obj, SqliteDatabase)


def for_update(query):
    """Lock the selected rows until the transaction ends (SQLite's IMMEDIATE transaction already serialises)."""
    return query if is_sqlite() else query.for_update()


def bind(url: str):
    """Point the models at the database at `url` and return it; keep the bound one if it has that URL already.

    Every app of a process (a test session builds several) then shares one database object, its connection and
    the test's open transaction. `bound_url` is the URL the bound database was opened from.
    """
    if db.obj is None or getattr(db.obj, "bound_url", None) != url:
        database = open_database(url)
        database.bound_url = url
        db.initialize(database)
    return db.obj


def keep_private(database) -> None:
    """Make an embedded SQLite database (and its journal files) readable by its owner only."""
    if isinstance(database, SqliteDatabase) and database.database not in ("", ":memory:"):
        for suffix in ("", "-wal", "-shm"):
            path = Path(database.database + suffix)
            if path.exists():
                path.chmod(0o600)


def bind_replica(url: str | None):
    """Let the public side read from the replica at `url` (None: read everything from the primary); return it.

    Called after `bind`, which forgets the replica of another primary; a replica of that URL already bound is kept.
    """
    if not url:
        db.replica = None
    elif getattr(db.replica, "bound_url", None) != url:
        replica = open_database(url)
        replica.bound_url = url
        db.replica = replica
    return db.replica


def init_app(app: Flask) -> None:
    """Bind the proxy from DATABASE_URL (and DATABASE_REPLICA_URL) and open/close a connection around each request.

    A request of the public side reads from the replica when there is one (supply.db.replica): the choice is made
    before its connection opens and undone after it closes.
    """
    app.extensions["database"] = bind(app.config["DATABASE_URL"])
    keep_private(app.extensions["database"])
    bind_replica(app.config.get("DATABASE_REPLICA_URL"))

    @app.before_request
    def _connect() -> None:
        if db.replica is not None and wants_replica(app, request):
            g.db_route = route_to_replica()
        g.db_opened = db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if g.pop("db_opened", False) and not db.is_closed():
            db.close()
        route = g.pop("db_route", None)
        if route is not None:
            route_back(route)
