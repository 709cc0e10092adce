"""Speed and weight of the public scan page and the label sheet: `python -m bench.scan_speed [--database-url URL]`.

Measures in one run, on the season bench/run.py generated (never generating one itself):
- the scan mix (bench/scan_mix.py): `/t/<token>` served by gunicorn (`-w 2`, sync workers) over PostgreSQL,
  uniform over all batches, skewed (80 % of scans on 1 % of the codes) and the steady state of 1,000 kept pages,
  each from a fresh gunicorn and instance folder, against a Flask hello-world (bench/hello.py) served with the
  same settings before and after them: requests per second, the ratio to hello-world, p50/p99 latency at
  16 connections and the load average beside each, with wrk (bench/paths.lua) or, without wrk, bench/load.py.
  Every scan page records a scan; those rows are deleted after the run so the season stays as it was.
- the weight of the scan page of the deep and the wide lots (HTML without the QR image) and any external URL
  it references;
- a 500-label A4 sheet (`/labels?format=sheet`, signed in as the bench's admin) cold (fresh QR cache folder),
  from the disk cache alone (a restarted worker) and warm.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import re
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import database
from bench import scan_mix
from bench.label_speed import SHEET_LABELS
from bench.label_speed import time_sheet
from bench.scan_report import markdown
from bench.scan_report import table
from bench.serve import Gunicorn
from bench.serve import first_visits
from bench.serve import get
from bench.serve import load_average
from bench.serve import load_figures
from bench.serve import pool_url
from supply.db import db
from supply.models import Batch
from supply.models import Scan

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "scan_latest.json"
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*|url\(\s*["']?|@import\s+["'])"""
                      r"""((?:https?:)?//[^"'\s)>]+)""", re.IGNORECASE)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.scan_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", database.DEFAULT_URL))
    parser.add_argument("--seconds", type=float, default=15, help="timed load per server (after a 3 s warm-up)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--tokens", type=int, default=1000, help="pages of the steady state")
    parser.add_argument("--pool", type=int, default=20_000,
                        help="distinct cold batches of the uniform and of the skewed timed load")
    parser.add_argument("--mixes", default="uniform,skewed,steady", help="which mixes to load, by name")
    parser.add_argument("--no-labels", action="store_true", help="leave out the label sheet")
    parser.add_argument("--kept-facts", action="store_true",
                        help="draw only lots whose public facts are kept (a deployment whose worker has filled them: "
                             "flask --app wsgi public-facts)")
    parser.add_argument("--load-tool", choices=("auto", "wrk", "python"), default="auto")
    return parser.parse_args(argv)


def external_urls(html: str) -> list[str]:
    """Return the absolute URLs (http:, https:, //) the page loads or links to, in order, once each."""
    return list(dict.fromkeys(EXTERNAL.findall(html)))


def page_weight(base_url: str, lot: str, token: str) -> dict:
    """Fetch the scan page of a lot; return its size raw and gzipped, and the external URLs it names."""
    status, body = get(base_url, f"/t/{token}")
    if status != 200:
        raise RuntimeError(f"/t/{token} ({lot}) answered {status}")
    return {"lot": lot, "bytes": len(body), "gzip_bytes": len(gzip.compress(body, 6)),
            "external_urls": external_urls(body.decode())}


def heaviest(pages: list[dict]) -> dict:
    """Return the heaviest of some pages, counting how many were weighed."""
    return {**max(pages, key=lambda page: page["bytes"]), "pages_weighed": len(pages),
            "external_urls": sorted({url for page in pages for url in page["external_urls"]})}


def season_lots(season: dict) -> dict[str, list[str]]:
    """Return the deep chains' leaves (the most upstream lots to show) and the wide lots."""
    return {"deep": [deep["leaf"] for deep in season["deep"]], "wide": [wide["lot"] for wide in season["wide"]]}


def machine() -> str:
    """Describe the machine the figures come from."""
    return f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"


def run_mix(args: argparse.Namespace, tool: str, env: dict, mix: scan_mix.Load, folder: Path) -> dict:
    """Load one mix against a fresh gunicorn with an empty instance folder; return its figures."""
    folder.mkdir()
    with Gunicorn("wsgi:app", args.workers, {**env, "SUPPLY_INSTANCE_PATH": str(folder / "app")}) as server:
        figures = {}
        if mix.first:
            print(f"  visiting each of the {len(mix.first):,} pages once ...", flush=True)
            figures["first_visits"] = {"load_before": load_average(), "pages": len(mix.first),
                                       **first_visits(server.base_url, mix.first, args.connections)}
        figures["load"] = load_figures(tool, server.base_url, mix.warmup, mix.timed, args.connections,
                                       args.seconds, folder)
    return {"name": mix.name, **mix.info, **figures}


def hello_world(args: argparse.Namespace, tool: str, folder: Path) -> dict:
    """Load the Flask hello-world under the same gunicorn settings; return its figures."""
    folder.mkdir()
    with Gunicorn("bench.hello:app", args.workers) as server:
        return load_figures(tool, server.base_url, ["/"], ["/"], args.connections, args.seconds, folder)


def measure(args: argparse.Namespace, instance: Path) -> dict:
    """Take every figure of the run."""
    database.bind(args.database_url)
    season = database.read_meta().get("season")
    if not season:
        raise SystemExit(f"{args.database_url} holds no season: generate one first (python -m bench.run).")
    backend = "PostgreSQL " + db.execute_sql("SHOW server_version").fetchone()[0].split()[0]
    warmup = max(1000, args.pool // 4)
    wanted_sample = scan_mix.sample_size(season["batches"], args.tokens, args.pool, warmup)
    drawn = ("SELECT b.public_token FROM batch b JOIN public_lot f ON f.batch_id = b.id ORDER BY random() LIMIT %s"
             if args.kept_facts else "SELECT public_token FROM batch ORDER BY random() LIMIT %s")
    tokens = [token for (token,) in db.execute_sql(drawn, (wanted_sample,)).fetchall()]
    names = args.mixes.split(",")
    mixes = [mix for mix in scan_mix.plan(tokens, season["batches"], args.tokens, args.pool, warmup)
             if mix.name in names]
    wanted = season_lots(season)
    token_of = dict(Batch.select(Batch.lot_code, Batch.public_token)
                    .where(Batch.lot_code.in_([lot for lots in wanted.values() for lot in lots])).tuples())
    last_scan = Scan.select(Scan.id).order_by(Scan.id.desc()).scalar() or 0
    db.close()

    tool = args.load_tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    env = {"DATABASE_URL": pool_url(args.database_url)}
    runs = {}
    try:
        print(f"Loading the hello-world ({tool}, {args.connections} connections, {args.seconds:g} s) ...", flush=True)
        hello_before = hello_world(args, tool, instance / "hello-before")
        for mix in mixes:
            print(f"Loading the scan page, {mix.name} mix ({len(set(mix.timed)):,} distinct pages) ...", flush=True)
            runs[mix.name] = run_mix(args, tool, env, mix, instance / mix.name)
        print("Loading the hello-world again ...", flush=True)
        hello_after = hello_world(args, tool, instance / "hello-after")
        print("Weighing the deep and wide lots' pages ...", flush=True)
        with Gunicorn("wsgi:app", args.workers, {**env, "SUPPLY_INSTANCE_PATH": str(instance / "weigh")}) as server:
            weight = {kind: heaviest([page_weight(server.base_url, lot, token_of[lot]) for lot in lots])
                      for kind, lots in wanted.items()}
    finally:
        database.bind(args.database_url)
        scans_made = Scan.delete().where(Scan.id > last_scan).execute()
    hello_rate = statistics.fmean([hello_before["requests_per_s"], hello_after["requests_per_s"]])
    for run in runs.values():
        run["rate_ratio"] = round(run["load"]["requests_per_s"] / hello_rate, 3)

    sheet = None
    if not args.no_labels:
        print(f"Rendering a {SHEET_LABELS}-label sheet ...", flush=True)
        try:
            sheet = time_sheet(args, instance / "labels")
        finally:
            db.close()
    db.close()
    return {
        "date": datetime.date.today().isoformat(), "backend": backend, "machine": machine(),
        "batches": season["batches"], "events": season["events"], "load": {
            "tool": tool, "connections": args.connections, "gunicorn": f"-w {args.workers} (sync workers)",
            "seconds": args.seconds, "hello_before": hello_before, "hello_after": hello_after,
            "hello_requests_per_s": round(hello_rate, 1), "mixes": runs,
            "scans_recorded_then_deleted": scans_made,
        },
        "weight": weight, "sheet": sheet,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure everything in one run and report it."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scan-speed-") as folder:
        result = measure(args, Path(folder))
    result["command"] = "python -m bench.scan_speed " + shlex.join(argv if argv is not None else sys.argv[1:])
    print()
    print(table(result))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {OUT.relative_to(ROOT)}. For docs/benchmarks.md:\n")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
