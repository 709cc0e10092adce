"""Read queries compiled to SQL once per backend and run with bound parameters, their rows as named tuples.

Building a peewee query's SQL costs more than running a small indexed query on PostgreSQL, and so does
turning each row into a model or a dict. The hot read paths (a trace, a batch's events) build their queries
with peewee once, keep the text by name and backend, and then only bind values by name. A list of row ids is
bound as one parameter (a PostgreSQL array, a JSON array on SQLite), so the text never changes with the list:
psycopg prepares a statement it runs often, and PostgreSQL plans it once rather than on every call.

Each query's rows are named tuples of one type, built from the cursor's column names on its first run per backend
and kept beside its text, so callers read `row.lot_code`, not `row[3]`, and a column added to a query moves
nothing. A column's name is its own, or the alias the query gives it: two columns of one name (Party.code and
Site.code), or an expression without an alias (SQLite names `SUM(...)` by its text), are refused, never renamed.
"""

from __future__ import annotations

import keyword
import re
from collections import namedtuple
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence

from peewee import SQL
from peewee import Expression
from peewee import Field
from peewee import fn

from supply.db import db
from supply.db import is_sqlite

_MARK = "\x1f"
_compiled: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
_row_types: dict[tuple[str, str], type[tuple]] = {}


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


def _row_type(name: str, columns: Sequence[str]) -> type[tuple]:
    """Return the named tuple type of a cached query's rows, built from its column names on first use.

    A name that is not an identifier, is a keyword, starts with "_" or comes twice is an error naming the
    query: alias the column in the query (`.alias("party_code")`) rather than read a renamed field.
    """
    key = (name, backend())
    found = _row_types.get(key)
    if found is None:
        seen: set[str] = set()
        for column in columns:
            if not column.isidentifier() or keyword.iskeyword(column) or column.startswith("_"):
                raise ValueError(f"query {name!r}: column {column!r} is not a usable name; give it an alias")
            if column in seen:
                raise ValueError(f"query {name!r}: two columns are named {column!r}; alias one of them")
            seen.add(column)
        found = _row_types[key] = namedtuple(re.sub(r"\W", "_", name), columns)
    return found


def fetch(name: str, build: Callable, converters: Mapping[str, Field] | None = None, **values) -> list[tuple]:
    """Run a cached query with the values of its slots; return its rows as named tuples, converted by column name.

    `converters` maps a column's name to the field whose python_value reads the stored value as peewee would
    (quantities, dates and JSON differ between SQLite and PostgreSQL); other columns come as the driver gives them.
    """
    sql, names = compiled(name, build)
    cursor = db.execute_sql(sql, tuple(values[slot_name] for slot_name in names))
    row_class = _row_type(name, [column[0] for column in cursor.description])
    make = row_class._make
    rows = cursor.fetchall()
    if not converters:
        return [make(row) for row in rows]
    columns = row_class._fields
    readers = []
    for column, field in converters.items():
        if column not in columns:
            raise ValueError(f"query {name!r} has no column {column!r} to convert (it has {', '.join(columns)})")
        readers.append((columns.index(column), field.python_value))
    converted = []
    for row in rows:
        row = list(row)
        for index, read in readers:
            if row[index] is not None:
                row[index] = read(row[index])
        converted.append(make(row))
    return converted
