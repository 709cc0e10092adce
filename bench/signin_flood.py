"""The scan page while sign-in is flooded: `python -m bench.signin_flood [--database-url URL] [--seconds S]`.

Serves the app with gunicorn (`-w 2`, sync workers, as `make run`) over a database holding a season (a small one is
generated when there is none: SQLite under bench/out/ by default, `--database-url` for PostgreSQL) and measures, in
one run, the public scan page (`/t/<token>` cycling through many lots, with wrk or bench/load.py): requests per
second and p50/p99 alone, then again while 16 clients post wrong passwords to the login page (with the CSRF token
they fetched first) and to `POST /api/v1/auth/tokens`, from varied accounts (bench/flood.py). Twice:

- (a) throttled: the sign-in throttle as it ships. Every client comes from 127.0.0.1, so the address limit answers
  429 after a few failures and the flood costs a counter read per attempt instead of a scrypt;
- (b) unthrottled: the same flood with the limits raised out of reach (SUPPLY_SIGNIN_DELAY_AFTER,
  SUPPLY_SIGNIN_LOCK_AFTER), every attempt computing a password hash: what the throttle saves.

Reports the ratio flooded/alone of the scan page's p50 (aim: within 2x) and how many flood attempts were answered
401 (the password checked) and 429 (refused before any hash). The throttle's counts live in each worker's memory
unless SUPPLY_RATELIMIT_STORAGE is set in the environment (it is passed on). Scans recorded are deleted after.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peewee import fn

from bench import database
from bench import report
from bench.flood import Flood
from bench.run import backend
from bench.schedule import SeasonSpec
from bench.season import generate
from bench.serve import Gunicorn
from bench.serve import first_visits
from bench.serve import get
from bench.serve import load_figures
from bench.serve import pool_url
from supply.db import db
from supply.models import Batch
from supply.models import Scan
from supply.models import User

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "signin_flood.json"
DEFAULT_URL = f"sqlite:///{ROOT / 'bench' / 'out' / 'signin_flood.sqlite'}"
UNREACHABLE = "1000000000"
CASES = {
    "throttled": {},
    "unthrottled": {"SUPPLY_SIGNIN_DELAY_AFTER": UNREACHABLE, "SUPPLY_SIGNIN_LOCK_AFTER": UNREACHABLE,
                    "SUPPLY_SIGNIN_LOCK_MINUTES": "1"},
}
AIM = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.signin_flood", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--batches", type=int, default=3000, help="season size when the database holds none")
    parser.add_argument("--seconds", type=float, default=10, help="timed load per measure (after a 3 s warm-up)")
    parser.add_argument("--connections", type=int, default=16, help="connections loading the scan page")
    parser.add_argument("--clients", type=int, default=16, help="clients posting wrong sign-ins")
    parser.add_argument("--accounts", type=int, default=40, help="emails the flood cycles through")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--tokens", type=int, default=1000, help="batches whose pages the load cycles through")
    parser.add_argument("--load-tool", choices=("auto", "wrk", "python"), default="auto")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace) -> tuple[list[str], list[str], int]:
    """Bind the database, generating a season when it has none; return scan tokens, flood emails, the last scan id."""
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    database.bind(args.database_url)
    if not database.read_meta().get("season"):
        print(f"Generating a season of about {args.batches:,} batches ...", flush=True)
        generate(SeasonSpec(batches=args.batches))
    tokens = [token for (token,) in Batch.select(Batch.public_token).order_by(fn.Random()).limit(args.tokens)
              .tuples()]
    known = [email for (email,) in User.select(User.email).order_by(User.id).tuples()]
    # Accounts that exist and accounts that do not: both cost a scrypt (a dummy hash for an unknown email) and
    # both are counted per email by the throttle.
    emails = (known + [f"flood-{n:03}@bench.example" for n in range(args.accounts)])[:max(args.accounts, 1)]
    return tokens, emails, Scan.select(fn.MAX(Scan.id)).scalar() or 0


def uptime() -> str:
    """Return the machine's load as `uptime` prints it."""
    if shutil.which("uptime"):
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return "load average: " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def measure_case(args: argparse.Namespace, tool: str, env: dict, paths: list[str], paths_file: Path,
                 emails: list[str]) -> dict:
    """Serve the app with `env`; load the scan page alone, then while the flood runs; return both and the flood."""
    with Gunicorn("wsgi:app", args.workers, env) as server:
        status, _ = get(server.base_url, paths[0])
        if status != 200:
            raise RuntimeError(f"the scan page answered {status}")
        first_visits(server.base_url, paths, args.connections)
        print("  the scan page alone ...", flush=True)
        alone = load_figures(tool, server.base_url, paths, paths, args.connections, args.seconds, paths_file.parent)
        print(f"  the scan page while {args.clients} clients post wrong sign-ins ...", flush=True)
        with Flood(server.base_url, emails, args.clients) as flood:
            time.sleep(1)
            flooded = load_figures(tool, server.base_url, paths, paths, args.connections, args.seconds,
                                   paths_file.parent)
    for figures in (alone, flooded):
        figures.pop("raw", None)
    statuses = flood.figures["statuses"]
    return {
        "alone": alone, "flooded": flooded, "flood": flood.figures,
        "answered_401": sum(n for key, n in statuses.items() if key.endswith(" 401")),
        "answered_429": sum(n for key, n in statuses.items() if key.endswith(" 429")),
        "p50_ratio": round(flooded["p50_ms"] / alone["p50_ms"], 2),
        "rate_ratio": round(flooded["requests_per_s"] / alone["requests_per_s"], 3),
    }


def measure(args: argparse.Namespace, folder: Path) -> dict:
    """Take every figure of the run."""
    tokens, emails, last_scan = prepare(args)
    backend_name, batches = backend(), Batch.select().count()
    db.close()
    tool = args.load_tool if args.load_tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    paths = [f"/t/{token}" for token in tokens]
    paths_file = folder / "scan_paths.txt"
    paths_file.write_text("".join(f"{path}\n" for path in paths))
    base_env = {"DATABASE_URL": pool_url(args.database_url), "SUPPLY_INSTANCE_PATH": str(folder / "app")}
    load_before = uptime()
    cases = {}
    try:
        for name, env in CASES.items():
            print(f"Case {name} ({tool}, {args.connections} connections, {args.seconds:g} s) ...", flush=True)
            cases[name] = measure_case(args, tool, {**base_env, **env}, paths, paths_file, emails)
    finally:
        database.bind(args.database_url)
        scans_made = Scan.delete().where(Scan.id > last_scan).execute()
        db.close()
    return {
        "date": datetime.date.today().isoformat(), "backend": backend_name, "batches": batches,
        "machine": f"{os.cpu_count()} CPUs", "uptime_before": load_before, "uptime_after": uptime(),
        "load": {"tool": tool, "connections": args.connections, "seconds": args.seconds,
                 "gunicorn": f"-w {args.workers} (sync workers)", "tokens": len(tokens)},
        "flood": {"clients": args.clients, "accounts": len(emails), "address": "127.0.0.1"},
        "cases": cases, "scans_recorded_then_deleted": scans_made,
    }


def flood_counts(case: dict) -> str:
    """Describe what the flood's attempts were answered."""
    flood = case["flood"]
    return (f"{flood['requests']:,} attempts ({flood['requests_per_s']:,} per s): {case['answered_401']:,} x 401, "
            f"{case['answered_429']:,} x 429, " + ", ".join(f"{key}: {n:,}" for key, n in flood["statuses"].items()))


def table(result: dict) -> str:
    """Return the terminal table of a run."""
    lines = [f"{result['batches']:,} batches on {result['backend']}, {result['machine']}; {result['uptime_before']}",
             f"{'case':12} {'p50 alone':>9} {'flooded':>8} {'ratio':>6} {'p99 alone':>9} {'flooded':>8} "
             f"{'req/s alone':>11} {'flooded':>8}"]
    for name, case in result["cases"].items():
        alone, flooded = case["alone"], case["flooded"]
        lines.append(f"{name:12} {alone['p50_ms']:>9.2f} {flooded['p50_ms']:>8.2f} {case['p50_ratio']:>5.1f}x "
                     f"{alone['p99_ms']:>9.2f} {flooded['p99_ms']:>8.2f} {alone['requests_per_s']:>11,.0f} "
                     f"{flooded['requests_per_s']:>8,.0f}")
    lines += [f"{name} flood: {flood_counts(case)}" for name, case in result["cases"].items()]
    ratio = result["cases"]["throttled"]["p50_ratio"]
    lines.append(f"Aim: scan page p50 within {AIM}x while sign-in is flooded: {'met' if ratio <= AIM else 'missed'} "
                 f"({ratio:.1f}x)")
    return "\n".join(lines)


def markdown(result: dict) -> str:
    """Return Markdown lines ready to paste into docs/benchmarks.md."""
    load = result["load"]
    lines = [
        f"Measured with `{result['command']}` on {result['backend']}, {result['batches']:,} batches, gunicorn "
        f"{load['gunicorn']}, {load['tool']} with {load['connections']} connections over {load['tokens']:,} lots, "
        f"{load['seconds']:g} s per measure after 3 s of warm-up, {result['flood']['clients']} flooding clients "
        f"cycling through {result['flood']['accounts']} accounts, {result['machine']} ({result['date']}). "
        f"Machine load before: `{result['uptime_before']}`; after: `{result['uptime_after']}`.",
        "",
        "| case | scan p50 alone / flooded (ms) | ratio p50 | p99 alone / flooded (ms) | req/s alone / flooded | "
        "flood attempts | 401 | 429 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, case in result["cases"].items():
        alone, flooded = case["alone"], case["flooded"]
        lines.append(f"| {name} | {alone['p50_ms']:.2f} / {flooded['p50_ms']:.2f} | {case['p50_ratio']:.1f}x | "
                     f"{alone['p99_ms']:.1f} / {flooded['p99_ms']:.1f} | {alone['requests_per_s']:,.0f} / "
                     f"{flooded['requests_per_s']:,.0f} | {case['flood']['requests']:,} | {case['answered_401']:,} | "
                     f"{case['answered_429']:,} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure both cases in one run and report them."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="signin-flood-") as folder:
        result = measure(args, Path(folder))
    result["command"] = "python -m bench.signin_flood " + shlex.join(argv if argv is not None else sys.argv[1:])
    print()
    print(table(result))
    path = report.save(result, OUT)
    print(f"\nWritten to {path.relative_to(ROOT)}. For docs/benchmarks.md:\n")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
