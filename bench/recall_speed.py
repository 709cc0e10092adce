"""Recall and mock recall time on the season: `python -m bench.recall_speed [--database-url URL] [--rounds N]`.

The season has no lot whose products reach 1,000 retail packs (a wide lot reaches 250), so a separate,
idempotent step adds one chain to the season once, through the bulk path: three farm lots delivered to a
cooperative and merged, split into five trade lots for a cold store, each packed into 200 carton lots, and the
1,000 carton lots shipped to three retailers. Its lot codes and shipment serials are far past the season's, the
step refuses to write if any of its codes exists, and `bench_meta` key `recall_chain` records it, so a second run
reuses it and the season itself is never regenerated or dropped.

Then a mock recall of the first farm lot (which reaches every pack) runs `rounds` times, and a real recall
(`open_recall`: marks, events, recall lines, audit entry) runs `rounds` times, each inside a transaction rolled
back afterwards, so the season stays as it was. Aim: under 2 seconds each.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from decimal import Decimal

from bench import database
from bench.bulk import BulkReplay
from bench.lines import COLD
from bench.lines import Lines
from bench.masterdata import ADMIN_EMAIL
from bench.masterdata import Coop
from bench.masterdata import Place
from bench.masterdata import World
from bench.plan import Group
from bench.plan import at
from supply.db import db
from supply.db import is_sqlite
from supply.models import Batch
from supply.models import Party
from supply.models import Site
from supply.models import User
from supply.models.batch import BatchStatus
from supply.services.recalls import recalls

META_KEY = "recall_chain"
AIM_SECONDS = 2.0
DAY = datetime.date(2026, 10, 20)
# Serials far past any season's (lot codes use 5 characters of 32 = 33.5 million, shipments 6 = 1.07 billion).
LOT_SERIAL_START = 30_000_000
SHIPMENT_SERIAL_START = 900_000_000
TRADE_LOTS = 5
PACKS_PER_TRADE_LOT = 200


def _world() -> World:
    """Read the master data the chain needs from the season (a cooperative, three farms, a cold store, retailers)."""
    def places(prefix: str, count: int) -> list[Place]:
        rows = (Site.select(Party.code, Site.code).join(Party)
                .where(Party.code.startswith(prefix)).order_by(Party.code, Site.code).limit(count).tuples())
        return [Place(party, site) for party, site in rows]

    coop_site = Site.select(Site.code).join(Party).where(Party.code == "COOP-VEG-001").order_by(Site.code).scalar()
    coop = Coop("COOP-VEG-001", coop_site, farms=places("FARM-VEG", 3))
    retailers = places("RT-", 20)
    cold = places("OP-COLD-", 1)
    if not coop_site or len(coop.farms) < 3 or len(retailers) < 3 or not cold:
        raise SystemExit("The database holds no benchmark season: run `python -m bench.run` first.")
    return World(ADMIN_EMAIL, [coop], [], [], [], cold, [], [], retailers)


def plan_chain(world: World) -> tuple[Group, str]:
    """Plan the chain from three farm lots to 1,000 carton lots at retailers; return it and the first farm lot."""
    lines = Lines(world, random.Random(20261020))
    lines.lots = LOT_SERIAL_START
    group = Group("recall")
    coop = world.veg_coops[0]
    packhouse = Place(coop.party, coop.packhouse)
    harvest = lines.harvest(group, DAY, coop.farms, "B-VEG-POTATO", (1, 1), 2500, 3000)
    root = next(iter(harvest.values()))[0][0]
    arrived = lines.collect(group, DAY, coop.farms, harvest, packhouse)
    lot, quantity = lines.merge(group, at(DAY, 13), coop.packhouse, arrived, "B-VEG-POTATO", 0.01, "分拣修整损耗")
    trade = lines.split(group, at(DAY, 14), coop.packhouse, lot, "B-VEG-POTATO", quantity, TRADE_LOTS)
    store = world.cold_stores[0]
    trade = lines.move(group, at(DAY, 15), at(DAY, 19), packhouse, store, trade, COLD)
    cartons = []
    for i, (trade_lot, kilos) in enumerate(trade):
        cartons += lines.pack(group, at(DAY, 21, 10 * i), store.site, trade_lot, kilos, "B-VEG-POTATO", "carton",
                              Decimal("0.5"), PACKS_PER_TRADE_LOT)
    lines.to_retailers(group, at(DAY, 30), store, cartons, COLD)
    return group, root


def ensure_chain(actor: User) -> dict:
    """Return the chain recorded in bench_meta, adding it to the season first when it is not there."""
    chain = database.read_meta().get(META_KEY)
    if chain and Batch.select().where(Batch.lot_code == chain["root"]).exists():
        return chain
    group, root = plan_chain(_world())
    codes = [op.body["lot_code"] for op in group.ops if op.action == "register"]
    codes += [out["lot_code"] for op in group.ops if op.action == "transform" for out in op.body["outputs"]]
    if Batch.select().where(Batch.lot_code.in_(codes)).exists():
        raise SystemExit("Lot codes of the recall chain exist already; refusing to write over the season.")
    started = time.perf_counter()
    writer = BulkReplay(actor)
    writer.serials["shipment"] = SHIPMENT_SERIAL_START
    writer.group(group)
    writer.finish()
    if not is_sqlite():
        db.execute_sql("ANALYZE batch, batch_link, holding, shipment_line, event_batch")
    chain = {"root": root, "batches": group.batches, "packs": TRADE_LOTS * PACKS_PER_TRADE_LOT,
             "seconds": round(time.perf_counter() - started, 1)}
    database.write_meta({META_KEY: chain})
    return chain


def time_mock(actor: User, lot: str) -> tuple[float, recalls.MockRecall]:
    """Return the seconds one mock recall takes, and its result."""
    started = time.perf_counter()
    result = recalls.mock_recall(actor, lot, 1)
    return time.perf_counter() - started, result


def time_recall(actor: User, lot: str) -> tuple[float, int]:
    """Return the seconds one real recall takes (rolled back afterwards) and how many lots it marked."""
    with db.atomic() as transaction:
        started = time.perf_counter()
        recall = recalls.open_recall(actor, {"lot": lot, "level": 1, "reason": "benchmark: rolled back"})
        elapsed = time.perf_counter() - started
        marked = recall.lots.count()
        transaction.rollback()
    return elapsed, marked


def measure_recalls(actor: User, rounds: int = 5) -> dict:
    """Add the chain when needed, then time mock and real recalls of its first farm lot, interleaved."""
    chain = ensure_chain(actor)
    lot = chain["root"]
    mock, real = [], []
    result = None
    marked = 0
    for _ in range(rounds):
        seconds, result = time_mock(actor, lot)
        mock.append(seconds)
        seconds, marked = time_recall(actor, lot)
        real.append(seconds)
    if Batch.get(Batch.lot_code == lot).status == BatchStatus.RECALLED:
        raise RuntimeError("a benchmark recall was not rolled back")
    packs = sum(1 for item in result.scope.lots if item.unit == "carton")
    return {
        "lot": lot, "rounds": rounds, "lots": len(result.scope.lots), "packs": packs, "marked": marked,
        "holders": len(result.holders), "balance_rows": len(result.balances),
        "mock_p50_s": round(statistics.median(mock), 3), "mock_max_s": round(max(mock), 3),
        "recall_p50_s": round(statistics.median(real), 3), "recall_max_s": round(max(real), 3),
    }


def table(figures: dict) -> str:
    """Return the terminal lines of the recall figures."""
    if "skipped" in figures:
        return f"Recall: skipped ({figures['skipped']})"
    worst = max(figures["mock_max_s"], figures["recall_max_s"])
    return "\n".join([
        f"Recall of {figures['lot']}: {figures['lots']:,} lots ({figures['packs']:,} retail packs), "
        f"{figures['holders']} holders, {figures['rounds']} rounds",
        f"  mock recall  p50 {figures['mock_p50_s']:.3f} s, max {figures['mock_max_s']:.3f} s",
        f"  real recall  p50 {figures['recall_p50_s']:.3f} s, max {figures['recall_max_s']:.3f} s (rolled back)",
        f"Aim: a recall or mock recall under {AIM_SECONDS:g} s: {'met' if worst < AIM_SECONDS else 'missed'} "
        f"(slowest {worst:.3f} s)",
    ])


def markdown(figures: dict) -> str:
    """Return Markdown lines for docs/benchmarks.md."""
    if "skipped" in figures:
        return ""
    return "\n".join([
        "| recall of a farm lot reaching 1,000 retail packs | lots | holders | p50 (s) | max (s) |",
        "|---|---:|---:|---:|---:|",
        f"| mock recall (nothing written) | {figures['lots']:,} | {figures['holders']} | "
        f"{figures['mock_p50_s']:.3f} | {figures['mock_max_s']:.3f} |",
        f"| recall (`open_recall`, rolled back) | {figures['marked']:,} | {figures['holders']} | "
        f"{figures['recall_p50_s']:.3f} | {figures['recall_max_s']:.3f} |",
    ])


def main(argv: list[str] | None = None) -> int:
    """Measure recalls on the season in the database."""
    parser = argparse.ArgumentParser(prog="python -m bench.recall_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=database.DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    database.bind(args.database_url)
    try:
        figures = measure_recalls(User.get(User.email == ADMIN_EMAIL), args.rounds)
    finally:
        db.close()
    print(table(figures))
    print()
    print(markdown(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
