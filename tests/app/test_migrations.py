"""Every migration applied to an empty database builds exactly the models' schema, and reverts to nothing."""

from __future__ import annotations

import os
import uuid

import pytest
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from supply.db import open_database
from supply.migrate import MIGRATIONS_DIR
from supply.models import MODELS
from tests.builders.live import admin_connection
from tests.builders.live import with_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
HISTORY_TABLE = "schema_migration"


@pytest.fixture()
def empty_sqlite(tmp_path):
    """A brand-new SQLite file."""
    database = open_database(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    database.connect()
    yield database
    database.close()


@pytest.fixture()
def empty_postgres():
    """A brand-new PostgreSQL database beside the session's test database, dropped afterwards."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL migration check needs a server")
    name = f"supply_migrate_check_{uuid.uuid4().hex[:12]}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database = open_database(with_database(TEST_DATABASE_URL, name))
    database.connect()
    try:
        yield database
    finally:
        database.close()
        if hasattr(database, "close_all"):
            database.close_all()
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request):
    """An empty database of each backend."""
    return request.getfixturevalue(f"empty_{request.param}")


def _foreign_keys(database, table: str) -> set[tuple[str, str]]:
    return {(fk.column, fk.dest_table) for fk in database.get_foreign_keys(table)}


def test_empty_database_starts_without_tables(empty_database):
    assert empty_database.get_tables() == []


def test_migrations_build_exactly_the_models(empty_database):
    runner = Runner(empty_database, directory=str(MIGRATIONS_DIR))
    names = [migration.name for migration in runner.migrations()]
    assert names, "no migration found"

    assert runner.up() == names

    diff = diff_models(empty_database, MODELS)
    assert not diff, f"the migrations differ from the models:\n{diff}"
    assert set(empty_database.get_tables()) == {model._meta.table_name for model in MODELS} | {HISTORY_TABLE}
    for model in MODELS:
        table = model._meta.table_name
        columns = {column.name: column for column in empty_database.get_columns(table)}
        for field in model._meta.sorted_fields:
            assert columns[field.column_name].null == field.null, f"{table}.{field.column_name} nullability"
        expected_fks = {(fk.column_name, fk.rel_model._meta.table_name) for fk in model._meta.refs}
        assert _foreign_keys(empty_database, table) == expected_fks, f"{table} foreign keys"
    # Applying again is a no-op.
    assert runner.up() == []


def test_every_migration_reverts_to_an_empty_schema(empty_database):
    runner = Runner(empty_database, directory=str(MIGRATIONS_DIR))
    applied = runner.up()

    reverted = []
    for _ in applied:
        reverted.extend(runner.down())

    assert reverted == list(reversed(applied))
    assert runner.applied() == {}
    assert set(empty_database.get_tables()) <= {HISTORY_TABLE}
    # Nothing is left behind that would stop the migrations from running again.
    assert runner.up() == applied
    assert not diff_models(empty_database, MODELS)
