"""Fixtures: a database built by the migrations, an app per test, each test rolled back."""

from __future__ import annotations

import os
import tempfile

import pytest

from supply import create_app
from supply.db import db
from supply.db import open_database
from supply.migrate import apply_migrations

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


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
    database = open_database(url)
    database._supply_url = url
    db.initialize(database)
    with db.connection_context():
        if TEST_DATABASE_URL:
            reset_postgres(database)
        apply_migrations()
    return url


@pytest.fixture()
def app(database_url):
    """Build an app from the factory with a test configuration."""
    instance = tempfile.mkdtemp(prefix="supply-instance-")
    os.environ["SUPPLY_INSTANCE_PATH"] = instance
    try:
        application = create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
             "PUBLIC_BASE_URL": "https://trace.example.cn"}
        )
    finally:
        os.environ.pop("SUPPLY_INSTANCE_PATH", None)
    return application


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
