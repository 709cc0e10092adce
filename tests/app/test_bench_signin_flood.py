"""The sign-in flood benchmark's plumbing on a toy season (SQLite): both cases measured, the flood's answers
counted (429 once the address is throttled, only 401 with the limits raised), the scans it recorded deleted."""

from __future__ import annotations

from bench import signin_flood
from supply.models import Scan
from tests.builders.season import build


def test_the_flood_benchmark_measures_both_cases_and_counts_the_answers(tmp_path, bound):
    path = tmp_path / "bulk.sqlite"
    build(path, via_services=False)
    scans = Scan.select().count()
    args = signin_flood.parse_args(["--database-url", f"sqlite:///{path}", "--seconds", "2", "--connections", "2",
                                    "--clients", "2", "--accounts", "3", "--tokens", "20", "--load-tool", "python"])
    result = signin_flood.measure(args, tmp_path)
    throttled, unthrottled = result["cases"]["throttled"], result["cases"]["unthrottled"]
    for case in (throttled, unthrottled):
        assert case["alone"]["requests"] > 0 and case["flooded"]["requests"] > 0
        assert case["alone"]["errors"] == case["flooded"]["errors"] == 0
        assert case["answered_401"] + case["answered_429"] == case["flood"]["requests"]
    # One address, two workers each counting in memory: five failures each, then refused before any hash (two
    # seconds of flood: even a loaded machine answers the eleven requests that take both workers past five).
    assert 0 < throttled["answered_401"] <= 2 * 10 and throttled["answered_429"] > 0
    assert unthrottled["answered_429"] == 0
    assert {"page 401", "api 401"} <= set(unthrottled["flood"]["statuses"])
    assert result["flood"] == {"clients": 2, "accounts": 3, "address": "127.0.0.1"}
    assert result["scans_recorded_then_deleted"] > 0
    signin_flood.database.bind(f"sqlite:///{path}")
    assert Scan.select().count() == scans
    result["command"] = "python -m bench.signin_flood"
    lines = signin_flood.markdown(result).splitlines()
    assert lines[-2].startswith("| throttled |") and lines[-1].startswith("| unthrottled |")
