"""Reads of the public side from a streaming replica (`DATABASE_REPLICA_URL`); every other read and every write on
the primary.

The models are bound to one proxy, `RoutingProxy`. Its `obj` is always the primary (what `bind` opened from
`DATABASE_URL`); each use of the proxy (a query, `connect`, `atomic`, `execute_sql`) goes to the database of the
current context: the replica inside `reading_replica()`, else the primary. The choice is a context variable, so it
belongs to one request of one thread: a gunicorn worker's other threads, and the scan buffer's timer thread (which
starts in an empty context), stay on the primary. peewee keeps each database's connection per thread, so a request
on the replica holds a replica connection and nothing of the primary's.

A request reads from the replica when its blueprint was marked with `reads_replica` (the scan page, QR images, the
Digital Link resolver) and it carries no session cookie: a signed-in visitor reads what they have just written.
The WSGI fast path enters `reading_replica()` itself. Without a replica every context uses the primary.

A replica lags its primary by the time a commit takes to stream and replay (milliseconds here); a public page
read from it can show the state of that long ago. As on the primary, a kept page is never older than the data
version it carries: the version is read before the page's data, from the same replica.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from contextvars import Token

from flask import Blueprint
from flask import Flask
from flask import Request
from peewee import DatabaseProxy

_on_replica: ContextVar[bool] = ContextVar("supply_db_on_replica", default=False)
EXTENSION = "replica_blueprints"


class RoutingProxy(DatabaseProxy):
    """The models' database: the primary (`obj`), or the replica inside `reading_replica()` when there is one."""

    __slots__ = ("obj", "_callbacks", "_Model", "replica")  # Proxy lets only its slots be set

    def __init__(self):
        self.replica = None
        super().__init__()

    def initialize(self, obj) -> None:
        """Point at a new primary; a replica belongs to its primary, so it is forgotten (see `bind_replica`)."""
        self.replica = None
        super().initialize(obj)

    def current(self):
        """Return the database this context uses."""
        if self.replica is not None and _on_replica.get():
            return self.replica
        return self.obj

    def __getattr__(self, attr):
        database = self.current()
        if database is None:
            raise AttributeError("Cannot use uninitialized Proxy.")
        return getattr(database, attr)

    def __enter__(self):
        return self.current().__enter__()

    def __exit__(self, *exc_info):
        return self.current().__exit__(*exc_info)


def route_to_replica(on: bool = True) -> Token:
    """Send this context's database work to the replica (or, with `on` False, to the primary) until `route_back`."""
    return _on_replica.set(on)


def route_back(token: Token) -> None:
    """Undo the `route_to_replica` that returned the token."""
    _on_replica.reset(token)


@contextmanager
def reading_replica(on: bool = True) -> Iterator[None]:
    """Send the block's database work to the replica (or, with `on` False, to the primary)."""
    token = route_to_replica(on)
    try:
        yield
    finally:
        route_back(token)


def on_primary():
    """Send the block's database work to the primary, even inside a request that reads from the replica."""
    return reading_replica(False)


def reads_replica(bp: Blueprint) -> Blueprint:
    """Mark a blueprint whose views only read: its anonymous requests read from the replica."""
    bp.record_once(lambda state: state.app.extensions.setdefault(EXTENSION, set()).add(bp.name))
    return bp


def wants_replica(app: Flask, request: Request) -> bool:
    """Tell whether a request reads from the replica: a marked blueprint's, from a visitor without a session."""
    return (request.blueprint in app.extensions.get(EXTENSION, ())
            and app.config.get("SESSION_COOKIE_NAME", "session") not in request.cookies)
