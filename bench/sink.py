"""Write the bulk path's rows fast: COPY on PostgreSQL, executemany on SQLite, in foreign-key order.

peewee's insert_many builds its SQL in Python at tens of microseconds a row; here every value still goes
through its field's db_value, so the stored values are the ones peewee would store.
"""

from __future__ import annotations

import json
from collections import defaultdict

from peewee import JSONField
from peewee import fn

from supply.db import db
from supply.db import is_sqlite
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import EventBatch
from supply.models import Holding
from supply.models import Planting
from supply.models import Shipment
from supply.models import ShipmentLine

# Written in this order so that every foreign key points at a row already written.
WRITE_ORDER = (Batch, Event, EventBatch, Holding, BatchLink, Planting, Shipment, ShipmentLine)
# Tables whose ids the bulk path assigns itself (rows of other tables point at them before they are written).
OWN_IDS = (Batch, Event, Shipment)
FLUSH_ROWS = 50_000


class Ids:
    """The next id of each table whose ids the bulk path assigns."""

    def __init__(self) -> None:
        self.next = {model: (model.select(fn.MAX(model.id)).scalar() or 0) + 1 for model in OWN_IDS}

    def take(self, model: type) -> int:
        """Return a fresh id of a model."""
        value = self.next[model]
        self.next[model] = value + 1
        return value


def _converters(model: type) -> list[tuple[str, str, object]]:
    """Return (field name, column name, converter) of the columns the bulk path writes."""
    columns = []
    for field in model._meta.sorted_fields:
        if field.name == "id" and model not in OWN_IDS:
            continue
        convert = json.dumps if isinstance(field, JSONField) else field.db_value
        columns.append((field.name, field.column_name, convert))
    return columns


def _values(rows: list[dict], columns) -> list[tuple]:
    return [tuple(convert(row.get(name)) for name, _, convert in columns) for row in rows]


def _write(model: type, rows: list[dict]) -> None:
    columns = _converters(model)
    table = model._meta.table_name
    names = ", ".join(column for _, column, _ in columns)
    if is_sqlite():
        marks = ", ".join("?" for _ in columns)
        db.cursor().executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", _values(rows, columns))
        return
    with db.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for values in _values(rows, columns):
            copy.write_row(values)


class Sink:
    """Rows waiting to be written, by model, written in foreign-key order in one transaction per flush."""

    def __init__(self) -> None:
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.pending = 0

    def add(self, model: type, rows: list[dict]) -> None:
        """Queue rows of a model."""
        self.rows[model] += rows
        self.pending += len(rows)

    def flush(self, force: bool = False) -> None:
        """Write the queued rows when there are enough of them (or when forced)."""
        if not self.pending or (self.pending < FLUSH_ROWS and not force):
            return
        with db.atomic():
            for model in WRITE_ORDER:
                rows = self.rows.pop(model, [])
                if rows:
                    _write(model, rows)
        self.pending = 0

    def close(self) -> None:
        """Write what is left and move the id sequences past the ids the bulk path assigned (PostgreSQL)."""
        self.flush(force=True)
        if is_sqlite():
            return
        for model in OWN_IDS:
            table = model._meta.table_name
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
