"""Harvest registrations per second through the CSV import: `python -m bench.import_speed [--rows N]`.

A producer of its own (a cooperative with one field, created for the run) imports a file of N vegetable harvests,
timed end to end as a request or import job does it: read the bytes (decode, header, rows), check every row with
the API schema and the service rules, write all of them in one transaction through the bulk path. For scale, a
sample of the same rows goes through `register_batch` one by one, and 2,000 of the new lots are shipped by a
second file (five lines a shipment, each dispatched through `create_shipment`).

The whole run, its producer included, is one transaction rolled back at the end (the import's own transactions are
savepoints inside it), so a benchmark season in the same database stays as it was without deleting from the event
log, which its triggers refuse. The figures therefore leave out the final commit: one flush of the write-ahead log.
"""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

from bench.database import create_postgres_database
from supply.db import bind
from supply.db import db
from supply.db import is_sqlite
from supply.identifiers import uscc_check_char
from supply.migrate import apply_migrations
from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.schemas.batch import BatchCreateSchema
from supply.services.custody.batches import register_batch
from supply.services.interchange.imports.files import REGISTRATION_COLUMNS
from supply.services.interchange.imports.files import SHIPMENT_COLUMNS
from supply.services.interchange.imports.files import read_rows
from supply.services.interchange.imports.importers import check_rows
from supply.services.interchange.imports.importers import write_rows

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_imports"
ONE_BY_ONE_SAMPLE = 300
SHIPMENT_LINES = 2000


def _bind(url: str) -> None:
    if not url.startswith("sqlite"):
        create_postgres_database(url)
    bind(url)
    with db.connection_context():
        apply_migrations()


def _party(code: str, name: str, kind: str) -> Party:
    body = "9163" + "0100" + "".join(secrets.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return Party.create(code=code, name=name, kind=kind, credit_code=body + uscc_check_char(body))


def _producer(tag: str) -> tuple[User, Site, Product]:
    """Create the run's cooperative with a field, its producer, the product, and a buyer with a cold store."""
    party = _party(f"BI-{tag}", f"导入测速合作社{tag}", "cooperative")
    site = Site.create(party=party, code=f"BI-{tag}-F1", name="多巴镇试验田", kind="field", county="湟中区")
    buyer = _party(f"BI-{tag}-B", f"导入测速冷链{tag}", "operator")
    Site.create(party=buyer, code=f"BI-{tag}-B1", name="甘河冷库", kind="cold_store", county="湟中区")
    product = Product.get_or_none(Product.code == "BI-BROCCOLI") or Product.create(
        code="BI-BROCCOLI", category="vegetable", name="西兰花", name_en="Broccoli", unit="kg")
    user = User.create(email=f"bench-import-{tag}@example.com", name="Import bench", role="producer", party=party,
                       password_hash="!")
    return user, site, product


def harvest_csv(site: Site, product: Product, rows: int) -> bytes:
    """Write a registration file of `rows` harvests over the summer, every fourth with its own lot code."""
    start = datetime.date(2026, 6, 1)
    lines = [",".join(REGISTRATION_COLUMNS)]
    for n in range(rows):
        lot = f"BI{site.party_id:04d}-{n:06d}" if n % 4 == 0 else ""
        day = start + datetime.timedelta(days=n % 100)
        quantity = Decimal(100 + n % 900) + Decimal(n % 7) / 2
        lines.append(f"{lot},{product.code},{site.code},{quantity},,{day.isoformat()},,{n % 40 + 1}号地,,")
    return ("\r\n".join(lines) + "\r\n").encode()


def shipment_csv(user: User, site: Site, lines: int) -> bytes:
    """Write a shipment file of `lines` rows, five lots a shipment, from the producer's field to the buyer."""
    lots = [lot for (lot,) in Batch.select(Batch.lot_code).where(Batch.created_by == user.id)
            .order_by(Batch.id).limit(lines).tuples()]
    out = [",".join(SHIPMENT_COLUMNS)]
    buyer = site.party.code + "-B"
    for n, lot in enumerate(lots):
        out.append(f"S{n // 5},{site.code},{buyer},{buyer}1,{lot},1,kg,青海高原冷链,青A·12345,,DN-{n // 5},4")
    return ("\r\n".join(out) + "\r\n").encode()


def _one_by_one(user: User, site: Site, product: Product, rows: int) -> float:
    schema = BatchCreateSchema()
    payloads = [schema.load({"product": product.code, "site": site.code, "quantity": str(100 + n),
                             "produced_on": "2026-07-01"}) for n in range(rows)]
    started = time.perf_counter()
    for data in payloads:
        register_batch(user, data)
    return rows / (time.perf_counter() - started)


def _backend_cpu() -> float | None:
    """Return the CPU seconds the PostgreSQL backend of this connection has used (when it runs on this machine)."""
    if is_sqlite():
        return None
    (pid,) = db.execute_sql("SELECT pg_backend_pid()").fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(rows: int, user: User, site: Site, product: Product) -> dict:
    raw = harvest_csv(site, product, rows)
    backend_before, started, cpu_before = _backend_cpu(), time.perf_counter(), time.process_time()
    parsed = read_rows(raw, "registrations")
    read_at = time.perf_counter()
    plan = check_rows(user, "registrations", parsed)
    checked_at = time.perf_counter()
    result = write_rows(user, "registrations", plan)
    written_at, cpu = time.perf_counter(), time.process_time() - cpu_before
    assert result["batches"] == rows, result
    total = written_at - started
    figures = {"rows": rows, "file_bytes": len(raw), "seconds": round(total, 3),
               "read_seconds": round(read_at - started, 3), "check_seconds": round(checked_at - read_at, 3),
               "write_seconds": round(written_at - checked_at, 3), "rows_per_second": round(rows / total),
               "python_cpu_seconds": round(cpu, 3)}
    backend_after = _backend_cpu()
    if backend_before is not None and backend_after is not None:
        # On a busy shared machine wall time includes waiting for a CPU; the CPU seconds of both sides say what
        # the import itself costs, and so the rate it reaches on a machine of its own.
        figures["postgres_cpu_seconds"] = round(backend_after - backend_before, 3)
        figures["rows_per_cpu_second"] = round(rows / (cpu + figures["postgres_cpu_seconds"]))
    return figures


def _timed_shipments(user: User, site: Site, lines: int) -> dict:
    raw = shipment_csv(user, site, lines)
    started = time.perf_counter()
    result = write_rows(user, "shipments", check_rows(user, "shipments", read_rows(raw, "shipments")))
    seconds = time.perf_counter() - started
    return {"shipment_lines": result["lines"], "shipments": result["shipments"],
            "shipment_seconds": round(seconds, 3), "shipment_lines_per_second": round(result["lines"] / seconds)}


def measure_import(database_url: str, rows: int) -> dict:
    """Import `rows` harvest registrations from one CSV file into the database; report rows per second."""
    _bind(database_url)
    with db.connection_context():
        with db.atomic() as run:
            user, site, product = _producer(secrets.token_hex(3).upper())
            try:
                figures = _timed(rows, user, site, product)
                figures.update(_timed_shipments(user, site, min(rows, SHIPMENT_LINES)))
                figures["one_by_one_rows_per_second"] = round(_one_by_one(user, site, product, ONE_BY_ONE_SAMPLE))
            finally:
                run.rollback()
    figures["backend"] = "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"
    figures["load_average"] = round(os.getloadavg()[0], 1)
    figures["aim_rows_per_second"] = 2000
    return figures


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.import_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    figures = measure_import(args.database_url, args.rows)
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
