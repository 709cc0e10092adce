"""Writes per second through the services (shipment, receipt, transformation) against a plain INSERT.

Every operation is its own transaction, as a request would be. Rounds interleave the four kinds of write, so
a busy moment on the shared machine slows all of them alike; the baseline is one raw INSERT of one row into a
temporary table, committed on its own.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

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


def timed(seconds: dict, kind: str, call, *args):
    """Run a call, add its duration under `kind`, return its result."""
    started = time.perf_counter()
    result = call(*args)
    seconds[kind].append(time.perf_counter() - started)
    return result


def insert_row(number: int) -> None:
    """Insert and commit one plain row (the baseline)."""
    marks = ", ".join([db.param] * 3)
    with db.atomic():
        db.execute_sql(f"INSERT INTO {BASELINE_TABLE} (lot, quantity, note) VALUES ({marks})",
                       (f"BASE-{number:06d}", number, "baseline"))


def one_round(actor: User, stock: Stock, retailer: tuple[str, str], number: int, seconds: dict) -> None:
    """Ship one unit to a retailer, receive it, split two units into one and one, insert one baseline row."""
    shipment = ShipmentCreateSchema().load({"from_site": stock.site, "to_party": retailer[0], "to_site": retailer[1],
                                            "lines": [{"lot": stock.lot, "quantity": "1"}],
                                            "doc_number": f"BENCH-{number:06d}", "set_point": "2.0"})
    receipt = ReceiveSchema().load({"site": retailer[1], "temperature_min": "1.5", "temperature_max": "3.5"})
    split = TransformationSchema().load({"kind": "split", "site": stock.site,
                                         "inputs": [{"lot": stock.lot, "quantity": "2"}],
                                         "outputs": [{"quantity": "1", "unit": stock.unit}] * 2})
    timed(seconds, "baseline_insert", insert_row, number)
    code = timed(seconds, "create_shipment", create_shipment, actor, shipment).code
    timed(seconds, "receive_shipment", receive_shipment, actor, code, receipt)
    timed(seconds, "transform", transform, actor, split)


def measure_writes(actor: User, operations: int = 200) -> dict:
    """Run `operations` rounds; return writes per second of each kind and the ratio to the plain INSERT."""
    db.execute_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {BASELINE_TABLE} "
                   "(lot VARCHAR(20) NOT NULL, quantity BIGINT NOT NULL, note TEXT NOT NULL)")
    stocks = pick_stock(operations)
    retailers = retail_sites()
    seconds: dict[str, list[float]] = defaultdict(list)
    for number, stock in enumerate(stocks):
        retailer = next(r for r in retailers[number % len(retailers):] + retailers if r[0] != stock.party)
        one_round(actor, stock, retailer, number, seconds)
    db.execute_sql(f"DROP TABLE {BASELINE_TABLE}")
    rates = {kind: len(values) / sum(values) for kind, values in seconds.items()}
    baseline = rates["baseline_insert"]
    return {
        "operations": operations,
        **{f"{kind}_per_s": round(rate, 1) for kind, rate in rates.items()},
        **{f"{kind}_vs_insert": round(rate / baseline, 3) for kind, rate in rates.items() if kind != "baseline_insert"},
    }
