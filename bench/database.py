"""The benchmark's database: created when missing, emptied on request, migrated, bound to supply.db.db."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import psycopg
from peewee import CharField
from peewee import Model
from peewee import TextField
from psycopg import sql

from supply.db import bind as bind_models
from supply.db import db
from supply.db import is_sqlite
from supply.migrate import apply_migrations

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_season"


class BenchMeta(Model):
    """What the generator recorded about the season (size, deep and wide lots), as JSON by key."""

    key = CharField(max_length=40, primary_key=True)
    value = TextField()

    class Meta:
        database = db
        table_name = "bench_meta"


def create_postgres_database(url: str) -> bool:
    """Create the PostgreSQL database of the URL when it does not exist; tell whether it was created."""
    parts = urlsplit(url.replace("+pool", ""))
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_postgres_database(url: str) -> None:
    """Drop a PostgreSQL database (scratch databases of the tests and of development runs)."""
    parts = urlsplit(url.replace("+pool", ""))
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        name = sql.Identifier(parts.path.lstrip("/"))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def bind(url: str, empty: bool = False) -> None:
    """Bind supply.db.db to the URL (creating or emptying the database first) and apply the migrations."""
    if db.obj is not None and not db.is_closed():
        db.close()
    if not url.startswith("sqlite"):
        create_postgres_database(url)
    bind_models(url)
    db.connect(reuse_if_open=True)
    if empty:
        _empty(url)
    apply_migrations()
    db.create_tables([BenchMeta])


def _empty(url: str) -> None:
    """Drop everything in the database, refusing one that holds batches the benchmark did not write."""
    tables = db.get_tables()
    if "batch" in tables and "bench_meta" not in tables:
        raise SystemExit(f"{url} holds batches but no benchmark season: the benchmark will not empty it.")
    if is_sqlite():
        db.close()
        path = Path(url.split("///", 1)[1])
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        db.connect()
    else:
        db.execute_sql("DROP SCHEMA public CASCADE")
        db.execute_sql("CREATE SCHEMA public")


def read_meta() -> dict:
    """Return what the generator recorded, by key."""
    return {row.key: json.loads(row.value) for row in BenchMeta.select()}


def write_meta(values: dict) -> None:
    """Record values by key, replacing earlier ones."""
    with db.atomic():
        BenchMeta.delete().where(BenchMeta.key.in_(list(values))).execute()
        BenchMeta.insert_many([{"key": key, "value": json.dumps(value, ensure_ascii=False)}
                               for key, value in values.items()]).execute()
