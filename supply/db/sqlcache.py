"""Read queries compiled to SQL once per backend and run with bound parameters, their rows as plain tuples.

Building a peewee query's SQL costs more than running a small indexed query on PostgreSQL, and so does
turning each row into a model or a dict. The hot read paths (a trace, a batch's events) build their queries
with peewee once, keep the text by name and backend, and then only bind values by name. A list of row ids is
bound as one parameter (a PostgreSQL array, a JSON array on SQLite), so the text never changes with the list:
psycopg prepares a statement it runs often, and PostgreSQL plans it once rather than on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable

from peewee import SQL
from peewee import Expression
from peewee import Field
from peewee import fn

from supply.db import db
from supply.db import is_sqlite

_MARK = "\x1f"
_compiled: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}


def backend() -> str:
    """Name the backend the cached texts are kept for."""
    return "sqlite" if is_sqlite() else "postgresql"


def slot(name: str) -> SQL:
    """Stand for a value bound at run time by `name` (every value of a cached query must be a slot)."""
    return SQL(_MARK + name + _MARK)


def ids_in(column, name: str) -> Expression:
    """Test the column against a list of row ids bound as one parameter by `name` (see `bind_ids`)."""
    if is_sqlite():
        return column.in_(SQL(f"(SELECT value FROM json_each({_MARK}{name}{_MARK}))"))
    return column == fn.ANY(SQL(f"CAST({_MARK}{name}{_MARK} AS BIGINT[])"))


def bind_ids(ids: Iterable[int]) -> str:
    """Return the value to bind for an `ids_in` slot: the ids as a JSON array, or a PostgreSQL array literal.

    Both are one string written here (each id forced to int) and cast by the database, which costs less than
    the driver adapting a list element by element.
    """
    listed = ",".join(str(int(i)) for i in ids)
    return f"[{listed}]" if is_sqlite() else f"{{{listed}}}"


def compiled(name: str, build: Callable) -> tuple[str, tuple[str, ...]]:
    """Return the SQL text of the query `build()` returns, compiled once per backend, and its slots in order.

    `name` keys the cache: each query needs a name of its own.
    """
    key = (name, backend())
    found = _compiled.get(key)
    if found is None:
        sql, params = build().sql()
        if params:
            raise ValueError(f"query {name!r} binds values outside slots: {params!r}")
        pieces = sql.split(_MARK)
        found = ("".join(piece if i % 2 == 0 else db.param for i, piece in enumerate(pieces)), tuple(pieces[1::2]))
        _compiled[key] = found
    return found


def fetch(name: str, build: Callable, converters: tuple[Field | None, ...] = (), **values) -> list[tuple]:
    """Run a cached query with the values of its slots; convert the columns that have a field given.

    `converters` lines up with the selected columns: each field's python_value reads the stored value as
    peewee would (quantities, dates and JSON differ between SQLite and PostgreSQL); None leaves a column as is.
    """
    sql, names = compiled(name, build)
    rows = db.execute_sql(sql, tuple(values[slot_name] for slot_name in names)).fetchall()
    readers = [(index, field.python_value) for index, field in enumerate(converters) if field is not None]
    if not readers or not rows:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for index, read in readers:
            if row[index] is not None:
                row[index] = read(row[index])
        converted.append(tuple(row))
    return converted
