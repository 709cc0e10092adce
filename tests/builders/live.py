"""Helpers for tests that need committed data: a scratch database and the app served from a thread."""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from flask import Flask
from werkzeug.serving import make_server

from supply import create_app
from supply.db import bind
from supply.db import db
from supply.migrate import apply_migrations

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def with_database(url: str, name: str) -> str:
    """Return the URL of another database on the same PostgreSQL server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_connection():
    """Open an autocommit connection to the test server (CREATE/DROP DATABASE refuse a transaction)."""
    import psycopg

    parts = urlsplit(TEST_DATABASE_URL)
    plain = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))
    return psycopg.connect(plain, autocommit=True)


@contextmanager
def scratch_database_url(prefix: str) -> Iterator[str]:
    """Yield the URL of a new empty database of the backend under test, removed afterwards."""
    if not TEST_DATABASE_URL:
        folder = tempfile.mkdtemp(prefix=f"supply-{prefix}-")
        yield f"sqlite:///{folder}/scratch.sqlite"
        return
    name = f"supply_{prefix}_{uuid.uuid4().hex[:12]}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(TEST_DATABASE_URL, name)
    finally:
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def bound_to(url: str) -> Iterator[None]:
    """Point the models at a migrated database for the block, then back at what was bound before."""
    previous = db.obj
    database = bind(url)
    try:
        with db.connection_context():
            apply_migrations()
        yield
    finally:
        if not db.is_closed():
            db.close()
        database.close()
        db.initialize(previous)


def live_app(database_url: str, **config) -> Flask:
    """Build an app over a database URL with its own instance folder."""
    return create_app({"DATABASE_URL": database_url, "PUBLIC_BASE_URL": "https://trace.example.cn", **config},
                      instance_path=tempfile.mkdtemp(prefix="supply-live-"))


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve the app from a thread (one thread per request) and yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
