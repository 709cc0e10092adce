"""The benchmark in one command: `python -m bench.run [--database-url URL] [--batches N] [--regenerate]`.

Generates the season when the database has none (or on --regenerate), then measures in the same run: trace
latency against the trace's own recursive query run raw, service writes against a plain INSERT, and the CSV
import (bench/import_speed.py). Ratios, not timings, are what compare across runs on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import importlib.util
import os
import shlex
import sys

from bench import database
from bench import recall_speed
from bench import report
from bench.masterdata import ADMIN_EMAIL
from bench.schedule import SeasonSpec
from bench.season import generate
from bench.trace_speed import measure_traces
from bench.write_speed import measure_writes
from supply.db import db
from supply.db import is_sqlite
from supply.models import User

DEFAULT_BATCHES = 100_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", database.DEFAULT_URL))
    parser.add_argument("--batches", type=int, help=f"season size when generating (default {DEFAULT_BATCHES:,})")
    parser.add_argument("--regenerate", action="store_true", help="empty the database and generate a new season")
    parser.add_argument("--rounds", type=int, default=40, help="timed traces per lot and direction")
    parser.add_argument("--operations", type=int, default=200, help="rounds of shipment, receipt and split")
    parser.add_argument("--recall-rounds", type=int, default=5, help="timed mock and real recalls")
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows of the CSV import")
    return parser.parse_args(argv)


def season_for(args: argparse.Namespace) -> dict:
    """Return the season in the database, generating it first when there is none or when asked."""
    season = database.read_meta().get("season")
    if season and not args.regenerate:
        if args.batches and abs(season["batches"] - args.batches) > args.batches // 10:
            raise SystemExit(f"The database holds a season of {season['batches']:,} batches; "
                             f"pass --regenerate to generate {args.batches:,}.")
        return season
    print(f"Generating a season of about {args.batches or DEFAULT_BATCHES:,} batches ...", flush=True)
    season = generate(SeasonSpec(batches=args.batches or DEFAULT_BATCHES))
    print(f"  done: {season['batches']:,} batches, {season['events']:,} events in {season['seconds']} s", flush=True)
    return season


def measure_import(url: str, rows: int) -> dict:
    """Run bench/import_speed.py when it exists (it belongs to the CSV import's developer)."""
    if importlib.util.find_spec("bench.import_speed") is None:
        return {"skipped": "bench/import_speed.py does not exist yet"}
    return importlib.import_module("bench.import_speed").measure_import(url, rows)


def machine() -> str:
    """Describe the machine the figures come from."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs, load {load:.1f}"


def backend() -> str:
    """Name the database the figures come from."""
    if is_sqlite():
        return "SQLite " + db.execute_sql("SELECT sqlite_version()").fetchone()[0]
    return "PostgreSQL " + db.execute_sql("SHOW server_version").fetchone()[0].split()[0]


def main(argv: list[str] | None = None) -> int:
    """Measure everything in one run and report it."""
    args = parse_args(argv)
    database.bind(args.database_url, empty=args.regenerate)
    season = season_for(args)
    actor = User.get(User.email == ADMIN_EMAIL)
    backend_name = backend()
    print("Timing traces ...", flush=True)
    traces = measure_traces(actor, season, args.rounds)
    print("Timing writes ...", flush=True)
    writes = measure_writes(actor, args.operations)
    print("Timing recalls ...", flush=True)
    recall = recall_speed.measure_recalls(actor, args.recall_rounds)
    db.close()
    print("Timing the CSV import ...", flush=True)
    imports = measure_import(args.database_url, args.import_rows)
    result = {
        "date": datetime.date.today().isoformat(), "command": "python -m bench.run " + shlex.join(argv or sys.argv[1:]),
        "backend": backend_name, "machine": machine(), "season": season, "trace": traces, "writes": writes,
        "import": imports,
        "recall": recall,
    }
    print()
    print(report.table(result))
    print(recall_speed.table(recall))
    path = report.save(result)
    print(f"\nWritten to {path}. For docs/benchmarks.md:\n")
    print(report.markdown(result))
    print()
    print(recall_speed.markdown(recall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
