"""Apply the numbered migrations in migrations/ with peewee's own runner."""

from __future__ import annotations

from pathlib import Path

from playhouse.migrations import Runner

from supply.db import db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def apply_migrations() -> list[str]:
    """Apply every pending migration and return the names applied."""
    return Runner(db.obj, directory=str(MIGRATIONS_DIR)).up()
