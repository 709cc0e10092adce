"""Dashboard time on the season: `python -m bench.dashboard_speed [--database-url URL] [--rounds N]`.

First the city's daily totals are counted as the worker counts them every minute (timed: it is off the request
path). Then each role's dashboard (the city's for the admin, an inspector's, the busiest cooperative's and a cold
store's) is built `rounds` times through the same service the page and the API call (`dashboard_for`), interleaved
with the baseline: the first page of the same user's batch list (the home page before dashboards), so both see the same
machine. Reports the median and 90th percentile in milliseconds and the ratio to the baseline. Aim (issue 14):
under 300 ms on the 1,000,000-batch season.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from peewee import fn

from bench import database
from supply.clock import local_today
from supply.db import db
from supply.db.pagination import paginate
from supply.models import Batch
from supply.models import Party
from supply.models import User
from supply.services.custody.batches import list_batches
from supply.services.dashboards import dashboard_for
from supply.services.dashboards import totals

AIM_MS = 300.0


def _users() -> dict[str, User]:
    """The admin, an inspector, the cooperative that made the most lots and the operator holding the most."""
    def busiest(kind: str, column) -> Party:
        return (Party.select(Party).join(Batch, on=(column == Party.id)).where(Party.kind == kind)
                .group_by(Party.id).order_by(fn.COUNT(Batch.id).desc()).first())
    admin = User.get(User.role == "admin")
    inspector = User.get_or_none(User.role == "inspector") or User.create(
        email="bench-inspector@example.com", name="Bench inspector", role="inspector", password_hash="-",
        party=Party.select().where(Party.kind.in_(("inspector", "certifier"))).first())
    users = {"city (admin)": admin, "inspector": inspector}
    for label, kind, column, role in (("cooperative", "cooperative", Batch.origin_party, "producer"),
                                      ("operator", "operator", Batch.holder, "operator")):
        party = busiest(kind, column)
        users[label] = User.get_or_none(User.party == party, User.role == role) or User.create(
            email=f"bench-{party.code.lower()}@example.com", name=party.code, role=role, password_hash="-",
            party=party)
    return users


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(rounds: int) -> dict[str, dict]:
    """Time each role's dashboard against its batch list's first page, interleaved."""
    today = local_today()
    results = {}
    for label, user in _users().items():
        boards, lists = [], []
        for _ in range(rounds):
            boards.append(_time(lambda u=user: dashboard_for(u, today)))
            lists.append(_time(lambda u=user: list(paginate(list_batches(u, {}), 1, 20).items)))
        results[label] = {"dashboard_p50": statistics.median(boards), "dashboard_p90": _p90(boards),
                          "list_p50": statistics.median(lists), "ratio": statistics.median(boards)
                          / statistics.median(lists)}
    return results


def _p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", database.DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    database.bind(args.database_url)
    with db.connection_context():
        batches = Batch.select().count()
        print(f"{batches:,} batches; {args.rounds} rounds; aim under {AIM_MS:.0f} ms")
        counted = _time(lambda: totals.count(local_today()))
        print(f"the worker's count of the city's daily totals (every minute, off the request): {counted:.0f} ms")
        print(f"{'dashboard':<14} {'p50 ms':>8} {'p90 ms':>8} {'list p50 ms':>12} {'ratio':>7}")
        for label, r in measure(args.rounds).items():
            print(f"{label:<14} {r['dashboard_p50']:8.1f} {r['dashboard_p90']:8.1f} {r['list_p50']:12.1f} "
                  f"{r['ratio']:7.1f}")


if __name__ == "__main__":
    main()
