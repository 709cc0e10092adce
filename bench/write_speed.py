"""Writes per second through the services (shipment, receipt, transformation) against a plain INSERT.

Every operation is its own transaction, as a request would be. Rounds interleave the kinds of write, so a busy
moment on the shared machine slows all of them alike. Two baselines, each one raw INSERT of one row committed on
its own: into a temporary table (the first baseline, kept to compare with earlier runs: a temporary table writes
no WAL, so its commit costs nearly nothing) and into a real table (a durable write, what a service's write pays
at the least). The database round trips of every write (statements, BEGIN and COMMIT included) are counted.
"""

from __future__ import annotations

import time
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass

from bench.round_trips import counting
from supply.db import db
from supply.models import Batch
from supply.models import Holding
from supply.models import Party
from supply.models import Site
from supply.models import User
from supply.models.batch import BatchStatus
from supply.schemas.custody import ReceiveSchema
from supply.schemas.custody import ShipmentCreateSchema
from supply.schemas.custody import TransformationSchema
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from supply.services.custody.transformations import transform

BASELINE_TABLE = "bench_insert_baseline"
DURABLE_TABLE = "bench_insert_durable"
BASELINES = {"baseline_insert": BASELINE_TABLE, "durable_insert": DURABLE_TABLE}


@dataclass
class Stock:
    """A lot some party holds at one of its sites, with enough on hand for a few writes."""

    lot: str
    unit: str
    site: str
    party: str


def pick_stock(count: int) -> list[Stock]:
    """Return lots held by operators with at least three units on hand, spread over the season."""
    rows = (
        Holding.select(Batch.lot_code, Batch.unit, Site.code, Party.code)
        .join(Batch, on=(Holding.batch == Batch.id))
        .switch(Holding)
        .join(Site, on=(Holding.site == Site.id))
        .switch(Holding)
        .join(Party, on=(Holding.party == Party.id))
        .where(Holding.on_hand >= 3, Party.kind == "operator", Batch.status == BatchStatus.ACTIVE)
        .order_by(Holding.id)
        .tuples()
    )
    found = [Stock(*row) for row in rows]
    if len(found) < count:
        raise RuntimeError(f"only {len(found)} lots in stock at operators; generate a bigger season")
    stride = len(found) // count
    return found[::stride][:count]


def retail_sites() -> list[tuple[str, str]]:
    """Return (party, site) codes of the retailers that receive the benchmark's shipments."""
    return list(Site.select(Party.code, Site.code).join(Party).where(Party.kind == "retailer").tuples())


def timed(seconds: dict, trips: dict, kind: str, call, *args):
    """Run a call, add its duration and its round trips under `kind`, return its result."""
    with counting() as counts:
        started = time.perf_counter()
        result = call(*args)
        seconds[kind].append(time.perf_counter() - started)
    trips[kind].update(counts)
    return result


def insert_row(table: str, number: int) -> None:
    """Insert and commit one plain row (a baseline)."""
    marks = ", ".join([db.param] * 3)
    with db.atomic():
        db.execute_sql(f"INSERT INTO {table} (lot, quantity, note) VALUES ({marks})",
                       (f"BASE-{number:06d}", number, "baseline"))


def one_round(actor: User, stock: Stock, retailer: tuple[str, str], number: int, seconds: dict, trips: dict) -> None:
    """Ship one unit to a retailer, receive it, split two units into one and one, insert a row of each baseline."""
    shipment = ShipmentCreateSchema().load({"from_site": stock.site, "to_party": retailer[0], "to_site": retailer[1],
                                            "lines": [{"lot": stock.lot, "quantity": "1"}],
                                            "doc_number": f"BENCH-{number:06d}", "set_point": "2.0"})
    receipt = ReceiveSchema().load({"site": retailer[1], "temperature_min": "1.5", "temperature_max": "3.5"})
    split = TransformationSchema().load({"kind": "split", "site": stock.site,
                                         "inputs": [{"lot": stock.lot, "quantity": "2"}],
                                         "outputs": [{"quantity": "1", "unit": stock.unit}] * 2})
    for kind, table in BASELINES.items():
        timed(seconds, trips, kind, insert_row, table, number)
    code = timed(seconds, trips, "create_shipment", create_shipment, actor, shipment).code
    timed(seconds, trips, "receive_shipment", receive_shipment, actor, code, receipt)
    timed(seconds, trips, "transform", transform, actor, split)


def measure_writes(actor: User, operations: int = 200) -> dict:
    """Run `operations` rounds; return writes per second of each kind, the ratios to both plain INSERTs and the
    round trips of each kind of write."""
    columns = "(lot VARCHAR(20) NOT NULL, quantity BIGINT NOT NULL, note TEXT NOT NULL)"
    db.execute_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {BASELINE_TABLE} {columns}")
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {DURABLE_TABLE} {columns}")
    stocks = pick_stock(operations)
    retailers = retail_sites()
    seconds: dict[str, list[float]] = defaultdict(list)
    trips: dict[str, Counter] = defaultdict(Counter)
    try:
        for number, stock in enumerate(stocks):
            retailer = next(r for r in retailers[number % len(retailers):] + retailers if r[0] != stock.party)
            one_round(actor, stock, retailer, number, seconds, trips)
    finally:
        db.execute_sql(f"DROP TABLE {BASELINE_TABLE}")
        db.execute_sql(f"DROP TABLE {DURABLE_TABLE}")
    rates = {kind: len(values) / sum(values) for kind, values in seconds.items()}
    return {
        "operations": operations,
        **{f"{kind}_per_s": round(rate, 1) for kind, rate in rates.items()},
        **{f"{kind}_vs_insert": round(rate / rates["baseline_insert"], 3)
           for kind, rate in rates.items() if kind not in BASELINES},
        **{f"{kind}_vs_durable": round(rate / rates["durable_insert"], 3)
           for kind, rate in rates.items() if kind not in BASELINES},
        "round_trips": {kind: round(sum(counts.values()) / len(seconds[kind]), 1) for kind, counts in trips.items()},
        "round_trips_by_statement": {kind: {word: round(n / len(seconds[kind]), 1) for word, n in counts.most_common()}
                                     for kind, counts in trips.items()},
    }
