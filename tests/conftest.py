"""Fixtures: a database built by the migrations and an app built once per session, each test rolled back.

Building the app once (not once per test) keeps its compiled templates; what a test may change is put back after
it: the configuration, and the app's kept pages and scan buffer (made anew on first use by the next test).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from supply import create_app
from supply.db import bind
from supply.db import db
from supply.migrate import apply_migrations

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# What a test's requests leave on the app, forgotten after every test.
PER_TEST_EXTENSIONS = ("public_page_cache", "scan_buffer")


def reset_postgres(database) -> None:
    """Empty the PostgreSQL test database so the migrations start from nothing."""
    database.execute_sql("DROP SCHEMA public CASCADE")
    database.execute_sql("CREATE SCHEMA public")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the URL of the test database, migrated from empty once per session."""
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    database = bind(url)
    with db.connection_context():
        if TEST_DATABASE_URL:
            reset_postgres(database)
        apply_migrations()
    return url


@pytest.fixture(scope="session")
def session_app(database_url, tmp_path_factory):
    """Build the app once for the session, with a test configuration and its own instance folder."""
    return create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
         "PUBLIC_BASE_URL": "https://trace.example.cn"},
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )


@pytest.fixture()
def app(session_app):
    """Lend the session's app to a test; put its configuration back and forget its kept pages afterwards."""
    config = dict(session_app.config)
    extensions = dict(session_app.extensions)
    yield session_app
    session_app.config.clear()
    session_app.config.update(config)
    for name in PER_TEST_EXTENSIONS:
        session_app.extensions.pop(name, None)
    for name in set(session_app.extensions) - set(extensions):
        del session_app.extensions[name]
    session_app.extensions.update({name: value for name, value in extensions.items()
                                   if name not in PER_TEST_EXTENSIONS})
    shutil.rmtree(Path(session_app.instance_path) / "page-cache", ignore_errors=True)


@pytest.fixture(autouse=True)
def rollback(request):
    """Run each test inside a transaction that is rolled back at the end."""
    if "database_url" not in request.fixturenames and "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("database_url")
    db.connect(reuse_if_open=True)
    with db.atomic() as transaction:
        yield
        transaction.rollback()
    db.close()


@pytest.fixture()
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture()
def csrf_client(app):
    """A client of the app with CSRF protection on, as in production (switched off again after the test)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


@pytest.fixture()
def bound():
    """Let a test bind the models to databases of its own; put the session's database back afterwards."""
    previous = db.obj
    yield
    if not db.is_closed():
        db.close()
    db.initialize(previous)
