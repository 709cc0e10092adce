"""Every migration applied to an empty database builds exactly the models' schema, and reverts to nothing.

On PostgreSQL the migrations also build the job queue's schema (procrastinate's tables, functions and types, all
named procrastinate_*): it is no model of ours, so it is set apart by name here, checked to be there after the
migrations and gone after they revert.
"""

from __future__ import annotations

import os
import uuid

import pytest
from peewee import SqliteDatabase
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from supply.db import open_database
from supply.migrate import MIGRATIONS_DIR
from supply.models import MODELS
from tests.builders.live import admin_connection
from tests.builders.live import with_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
HISTORY_TABLE = "schema_migration"
QUEUE_TABLES = {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events", "procrastinate_periodic_defers"}
QUEUE_TYPES = {"procrastinate_job_status", "procrastinate_job_event_type", "procrastinate_job_to_defer_v1"}


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


def _queue_objects(database) -> dict[str, set[str]]:
    """Name the job queue's tables, types and functions in the database (none on SQLite)."""
    if isinstance(database, SqliteDatabase):
        return {"tables": set(), "types": set(), "functions": set()}
    found = {}
    for kind, query in {
        "tables": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
        # Enums and stand-alone composite types (a table's own row type is the table's).
        "types": "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                 " LEFT JOIN pg_class c ON c.oid = t.typrelid WHERE n.nspname = current_schema()"
                 " AND (t.typtype = 'e' OR c.relkind = 'c')",
        "functions": "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                     " WHERE n.nspname = current_schema()",
    }.items():
        names = {name for (name,) in database.execute_sql(query).fetchall()}
        found[kind] = {name for name in names if name.startswith("procrastinate_")}
    return found


def test_empty_database_starts_without_tables(empty_database):
    assert empty_database.get_tables() == []


def test_migrations_build_exactly_the_models(empty_database):
    runner = Runner(empty_database, directory=str(MIGRATIONS_DIR))
    names = [migration.name for migration in runner.migrations()]
    assert names, "no migration found"

    assert runner.up() == names

    diff = diff_models(empty_database, MODELS)
    assert not diff, f"the migrations differ from the models:\n{diff}"
    queue = _queue_objects(empty_database)
    if not isinstance(empty_database, SqliteDatabase):
        assert queue["tables"] == QUEUE_TABLES and queue["types"] == QUEUE_TYPES
        assert {"procrastinate_defer_jobs_v1", "procrastinate_fetch_job_v2", "procrastinate_retry_job_v2",
                "procrastinate_update_heartbeat_v1"} <= queue["functions"]
    tables = set(empty_database.get_tables()) - queue["tables"]
    assert tables == {model._meta.table_name for model in MODELS} | {HISTORY_TABLE}
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
    assert _queue_objects(empty_database) == {"tables": set(), "types": set(), "functions": set()}
    # Nothing is left behind that would stop the migrations from running again.
    assert runner.up() == applied
    assert not diff_models(empty_database, MODELS)
