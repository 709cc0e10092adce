"""A season's size on disk (PostgreSQL): `python -m bench.sizes --database-url URL [--json]`.

Prints pg_database_size, then the biggest tables (rows, heap with TOAST, indexes, total) and their biggest
indexes: the figures docs/benchmarks.md scales up from one season size to the next.
"""

from __future__ import annotations

import argparse
import json
import sys

import psycopg

from bench import database

TABLES_SQL = """
SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r'
ORDER BY pg_total_relation_size(c.oid) DESC LIMIT %s
"""
INDEXES_SQL = """
SELECT t.relname, i.relname, pg_relation_size(i.oid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public' ORDER BY pg_relation_size(i.oid) DESC LIMIT %s
"""


def measure_sizes(url: str, tables: int = 8, indexes: int = 12) -> dict:
    """Return the database's size and its biggest tables and indexes, in bytes."""
    with psycopg.connect(url.replace("+pool", "")) as connection:
        total = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        table_rows = [(name, connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0], *rest)
                      for name, _estimate, *rest in connection.execute(TABLES_SQL, (tables,)).fetchall()]
        index_rows = connection.execute(INDEXES_SQL, (indexes,)).fetchall()
    return {
        "database_bytes": total,
        "tables": [{"table": name, "rows": rows, "heap_bytes": heap, "index_bytes": index, "total_bytes": whole}
                   for name, rows, heap, index, whole in table_rows],
        "indexes": [{"table": table, "index": name, "bytes": size} for table, name, size in index_rows],
    }


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f}"


def markdown(sizes: dict) -> str:
    """Return the sizes as Markdown tables (MB)."""
    lines = [f"pg_database_size: {mb(sizes['database_bytes'])} MB", "",
             "| table | rows | table with TOAST (MB) | indexes (MB) | total (MB) |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {row['table']} | {row['rows']:,} | {mb(row['heap_bytes'])} | {mb(row['index_bytes'])} | "
              f"{mb(row['total_bytes'])} |" for row in sizes["tables"]]
    lines += ["", "| index | table | size (MB) |", "|---|---|---:|"]
    lines += [f"| {row['index']} | {row['table']} | {mb(row['bytes'])} |" for row in sizes["indexes"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the sizes of the database of the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.sizes", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=database.DEFAULT_URL)
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)
    sizes = measure_sizes(args.database_url)
    print(json.dumps(sizes, indent=2) if args.json else markdown(sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
