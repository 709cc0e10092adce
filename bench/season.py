"""Generate a season of Xining produce into a database: `python -m bench.season --database-url URL`.

Farms to cooperatives to operators to retailers for vegetables, strawberries (seedling lots, plantings, berry
lots) and mushrooms; yak from ranch to abattoir to cuts to packs; plus deep and wide chains whose lot codes are
recorded in the `bench_meta` table for the benchmark. The bulk path (default) writes the same rows as the
services would, with the services' own hashing; `--via-services` sends every operation through the services.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import nullcontext

from bench import database
from bench.bulk import BulkReplay
from bench.masterdata import create_world
from bench.pg_load import backend_cpu_seconds
from bench.pg_load import without_indexes
from bench.replay import ServiceReplay
from bench.schedule import SeasonSpec
from bench.schedule import season_groups
from bench.sink import WRITE_ORDER
from supply.db import db
from supply.db import is_sqlite
from supply.models import Batch
from supply.models import Event
from supply.models import User

PROGRESS_EVERY = 20_000


def generate(spec: SeasonSpec, via_services: bool = False, echo=print, plan=season_groups,
             keep_indexes: bool = False) -> dict:
    """Generate a season into the bound, migrated, empty database; return what was made and how fast.

    `plan(world, spec)` yields the groups to write (the season's calendar unless a test gives its own).
    On PostgreSQL the bulk path loads without secondary indexes and foreign keys unless `keep_indexes`.
    """
    if Batch.select().exists():
        raise SystemExit("The database holds batches already: pass --regenerate to start from empty.")
    started, cpu_started = time.perf_counter(), time.process_time()
    backend_started = None if is_sqlite() else backend_cpu_seconds()
    world = create_world(spec.batches)
    actor = User.get(User.email == world.admin_email)
    writer = ServiceReplay(actor) if via_services else BulkReplay(actor)
    marks: list[dict] = []
    batches = 0
    next_report = PROGRESS_EVERY
    bulk_pg = not via_services and not is_sqlite() and not keep_indexes
    with without_indexes([model._meta.table_name for model in WRITE_ORDER]) if bulk_pg else nullcontext():
        for group in plan(world, spec):
            writer.group(group)
            marks += group.marks
            batches += group.batches
            if batches >= next_report:
                echo(f"  {batches:,} batches, {time.perf_counter() - started:.0f} s")
                next_report += PROGRESS_EVERY
        writer.finish()
        loaded = time.perf_counter() - started
    if not is_sqlite():
        # Planner statistics, as autovacuum would gather them after a load this size: without them PostgreSQL
        # guesses row counts and chooses sequential scans that no running system would see.
        db.execute_sql("ANALYZE")
    seconds = time.perf_counter() - started
    cpu = {"cpu_seconds": round(time.process_time() - cpu_started, 1)}
    if backend_started is not None and (backend := backend_cpu_seconds()) is not None:
        cpu["backend_cpu_seconds"] = round(backend - backend_started, 1)
    echo(f"  rows written in {loaded:.0f} s, indexes, foreign keys and statistics in {seconds - loaded:.0f} s")
    season = {
        "batches": Batch.select().count(), "events": Event.select().count(), "seed": spec.seed,
        "path": "services" if via_services else "bulk", "seconds": round(seconds, 1), **cpu,
        "load_average": round(os.getloadavg()[0], 2),
        "deep": [m for m in marks if m["kind"] == "deep"], "wide": [m for m in marks if m["kind"] == "wide"],
    }
    database.write_meta({"season": season})
    return season


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.season", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=database.DEFAULT_URL)
    parser.add_argument("--batches", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regenerate", action="store_true", help="empty the database first")
    parser.add_argument("--via-services", action="store_true", help="send every operation through the services")
    parser.add_argument("--keep-indexes", action="store_true",
                        help="load with every index and foreign key in place (the bulk path before 2026-12-07)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate a season as the command line asks."""
    args = parse_args(argv)
    database.bind(args.database_url, empty=args.regenerate)
    try:
        season = generate(SeasonSpec(batches=args.batches, seed=args.seed), args.via_services,
                          keep_indexes=args.keep_indexes)
    finally:
        db.close()
    rate = season["batches"] / season["seconds"]
    print(f"{season['batches']:,} batches, {season['events']:,} events in {season['seconds']} s "
          f"({rate:,.0f} batches/s, {season['path']} path); CPU: generator {season['cpu_seconds']} s, "
          f"PostgreSQL backend {season.get('backend_cpu_seconds', '?')} s; load average {season['load_average']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
