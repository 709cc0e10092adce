"""Write many rows of one table at once: COPY on PostgreSQL, one prepared INSERT run for every row on SQLite.

Values are given as the model's fields take them (Decimal quantities, dicts for JSON) and stored exactly as
`Model.insert_many` would store them. Ids are reserved before the insert, so no row has to be read back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager

import psycopg
from peewee import BooleanField
from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import IntegrityError
from peewee import JSONField
from peewee import TextField

from supply.db import db
from supply.db import is_sqlite

# Values per IN (...) on SQLite, well under its 32,766 bound variables.
IN_VALUES = 500
# Field types (exactly these, not subclasses such as QuantityField) whose values psycopg sends as they are.
PASSED_AS_IS = (CharField, TextField, IntegerField, ForeignKeyField, DateField, DateTimeField, BooleanField)


def _json_text(value) -> str | None:
    return None if value is None else json.dumps(value)


def _copy_converter(field):
    """Return how a field's value becomes what COPY sends (most values are sent as they are)."""
    if isinstance(field, JSONField):
        # What peewee's JSON wrapper sends (json.dumps); PostgreSQL parses it into the jsonb column.
        return _json_text
    if type(field) in PASSED_AS_IS:
        return None
    return field.db_value


def _copy(model, fields, rows: Iterable[tuple]) -> None:
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    converters = [(i, convert) for i, convert in enumerate(map(_copy_converter, fields)) if convert is not None]
    with db.cursor() as cursor, cursor.copy(f'COPY "{model._meta.table_name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            if converters:
                row = list(row)
                for i, convert in converters:
                    row[i] = convert(row[i])
            copy.write_row(row)


def insert_rows(model, names: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert rows (tuples of values in the order of `names`) into the model's table; COPY streams an iterator."""
    fields = [model._meta.fields[name] for name in names]
    with _as_peewee_errors():
        if is_sqlite():
            _insert_each(model, fields, rows)
        else:
            _copy(model, fields, rows)


@contextmanager
def _as_peewee_errors():
    # The driver's cursor is used directly here: raise its constraint errors as peewee would.
    try:
        yield
    except (sqlite3.IntegrityError, psycopg.IntegrityError) as exc:
        raise IntegrityError(*exc.args) from exc


def _insert_each(model, fields, rows: Iterable[tuple]) -> None:
    # The values go through each field's db_value, as Model.insert_many sends them, without building SQL per row.
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    # JSON goes in as peewee sends it to SQLite: json(<the dumped text>).
    marks = ", ".join("json(?)" if isinstance(field, JSONField) else "?" for field in fields)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    converters = [_json_text if isinstance(field, JSONField) else field.db_value for field in fields]
    with db.atomic():
        db.cursor().executemany(sql, ([convert(value) for convert, value in zip(converters, row, strict=True)]
                                      for row in rows))


def reserve_ids(model, count: int) -> list[int]:
    """Return ids for new rows of the model's table; call inside the transaction that inserts them.

    PostgreSQL hands them out from the table's sequence. SQLite has one writer at a time, and a writing
    transaction here starts with BEGIN IMMEDIATE, so the ids after the largest one stay free until it ends.
    """
    table = model._meta.table_name
    if is_sqlite():
        (top,) = db.execute_sql(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"').fetchone()
        return list(range(top + 1, top + 1 + count))
    cursor = db.execute_sql("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                            (table, count))
    return [row[0] for row in cursor.fetchall()]


def existing(field, values: list[str]) -> set[str]:
    """Return which of the values the field's column holds already (one query on PostgreSQL)."""
    model = field.model
    if not values:
        return set()
    if not is_sqlite():
        sql = f'SELECT "{field.column_name}" FROM "{model._meta.table_name}" WHERE "{field.column_name}" = ANY(%s)'
        return {row[0] for row in db.execute_sql(sql, (list(values),)).fetchall()}
    found: set[str] = set()
    for start in range(0, len(values), IN_VALUES):
        part = values[start:start + IN_VALUES]
        found.update(value for (value,) in model.select(field).where(field.in_(part)).tuples())
    return found
