"""Trace latency: supply.services.tracing.trace.trace against its own recursive query run raw through the driver.

The baseline is not written by hand: one trace runs under peewee's query log, and the recursive query it sent
(SQL and parameters) is then executed directly on the driver's cursor, so the ratio measures everything the
service adds (the start lot, nodes, edges, events and building the result) around the same walk.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from playhouse.test_utils import count_queries

from supply.db import db
from supply.models import User
from supply.services.tracing import trace as trace_service


@dataclass
class Case:
    """A lot to trace in one direction, and what it stands for."""

    kind: str
    direction: str
    lot: str


def cases(season: dict) -> list[Case]:
    """Return the traces to time: deep lots from the leaf up and the root down, wide lots both ways."""
    found = []
    for deep in season["deep"]:
        found += [Case("deep", "upstream", deep["leaf"]), Case("deep", "downstream", deep["root"])]
    for wide in season["wide"]:
        found += [Case("wide", "upstream", wide["lot"]), Case("wide", "downstream", wide["lot"])]
    return found


def recursive_query(actor: User, case: Case) -> tuple[str, tuple, int, int]:
    """Trace once; return the recursive query the service sent, the nodes of the trace and its query count."""
    with count_queries() as log:
        result = trace_service.trace(actor, case.lot, direction=case.direction)
    walks = [record.msg for record in log.get_queries() if "RECURSIVE" in record.msg[0].upper()]
    if len(walks) != 1:
        raise RuntimeError(f"expected one recursive query in a {case.direction} trace, found {len(walks)}")
    sql, params = walks[0]
    return sql, tuple(params or ()), len(result.nodes), len(log.get_queries())


def time_service(actor: User, case: Case) -> float:
    """Return the seconds one trace through the service takes."""
    started = time.perf_counter()
    trace_service.trace(actor, case.lot, direction=case.direction)
    return time.perf_counter() - started


def time_raw(sql: str, params: tuple) -> float:
    """Return the seconds the recursive query takes on the driver's cursor, rows fetched."""
    cursor = db.connection().cursor()
    started = time.perf_counter()
    cursor.execute(sql, params)
    cursor.fetchall()
    elapsed = time.perf_counter() - started
    cursor.close()
    return elapsed


def percentile(values: list[float], share: float) -> float:
    """Return a percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(service: list[float], raw: list[float], nodes: list[int], queries: list[int]) -> dict:
    """Return p50 and p99 of both (in milliseconds) and the service/raw ratios."""
    ms = {name: (percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000)
          for name, values in (("service", service), ("raw", raw))}
    return {
        "samples": len(service), "nodes": round(statistics.mean(nodes)), "queries": max(queries),
        "service_p50_ms": round(ms["service"][0], 2), "service_p99_ms": round(ms["service"][1], 2),
        "raw_p50_ms": round(ms["raw"][0], 2), "raw_p99_ms": round(ms["raw"][1], 2),
        "ratio_p50": round(ms["service"][0] / ms["raw"][0], 1), "ratio_p99": round(ms["service"][1] / ms["raw"][1], 1),
    }


def measure_traces(actor: User, season: dict, rounds: int = 40) -> dict:
    """Time every case `rounds` times, service and raw query interleaved so both see the same machine."""
    prepared = [(case, *recursive_query(actor, case)) for case in cases(season)]
    timings: dict[tuple[str, str], tuple[list, list, list, list]] = {}
    for _ in range(rounds):
        for case, sql, params, nodes, queries in prepared:
            service, raw, sizes, counts = timings.setdefault((case.kind, case.direction), ([], [], [], []))
            service.append(time_service(actor, case))
            raw.append(time_raw(sql, params))
            sizes.append(nodes)
            counts.append(queries)
    return {f"{kind}_{direction}": summary(*values) for (kind, direction), values in timings.items()}
