"""Speed and weight of the public scan page and the label sheet: `python -m bench.scan_speed [--database-url URL]`.

Measures in one run, on the season bench/run.py generated (never generating one itself):
- `/t/<token>` served by gunicorn (`-w 2`, sync workers) over PostgreSQL, against a Flask hello-world
  (bench/hello.py) served with the same settings: requests per second and p50/p99 latency at 16 connections,
  with wrk (bench/paths.lua cycling through the tokens of 1,000 random batches) or, without wrk, bench/load.py.
  The scan page is measured twice: first visits (each of the 1,000 pages fetched once by 16 threads, every one
  rendered through Flask, as after a deployment) and then steady state (the load after those visits, pages kept
  and answered by the WSGI fast path, supply/public_fastpath.py: the figure the aims are judged on). Every scan
  page records a scan; those rows are deleted after the run so the season stays as it was.
- the weight of the scan page of the deep and the wide lots (HTML without the QR image) and any external URL
  it references;
- a 500-label A4 sheet (`/labels?format=sheet`, signed in as the bench's admin) cold (fresh QR cache folder),
  from the disk cache alone (a restarted worker) and warm.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import database
from bench import load
from bench.label_speed import SHEET_LABELS
from bench.label_speed import time_sheet
from bench.scan_report import markdown
from bench.scan_report import table
from supply.db import db
from supply.models import Batch
from supply.models import Scan

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "scan_latest.json"
LUA = ROOT / "bench" / "paths.lua"
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*|url\(\s*["']?|@import\s+["'])"""
                      r"""((?:https?:)?//[^"'\s)>]+)""", re.IGNORECASE)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.scan_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", database.DEFAULT_URL))
    parser.add_argument("--seconds", type=float, default=15, help="timed load per server (after a 3 s warm-up)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--tokens", type=int, default=1000, help="batches whose pages the load cycles through")
    parser.add_argument("--load-tool", choices=("auto", "wrk", "python"), default="auto")
    return parser.parse_args(argv)


def pool_url(url: str) -> str:
    """Return the PostgreSQL URL with the pooled scheme the service runs on (postgres+pool://)."""
    scheme, rest = url.split("://", 1)
    if scheme.startswith("sqlite") or "+pool" in scheme:
        return url
    return f"postgres+pool://{rest}"


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """A gunicorn serving an app on a free port for the length of a `with` block, stopped (and waited for) after."""

    def __init__(self, app: str, workers: int, env: dict | None = None):
        self.app, self.workers, self.env = app, workers, env or {}
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        command = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                   "--log-level", "warning", self.app]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn {self.app} did not listen on {self.port} within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(base_url: str, path: str) -> tuple[int, bytes]:
    """Fetch a path once; return the status and the body."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run_wrk(base_url: str, paths_file: Path, connections: int, seconds: float) -> dict:
    """Run wrk through bench/paths.lua and return its JSON summary line."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
               "-s", str(LUA), base_url, "--", str(paths_file)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(next(line for line in output.splitlines() if line.startswith("{")))


def load_figures(tool: str, base_url: str, paths: list[str], paths_file: Path, connections: int,
                 seconds: float) -> dict:
    """Warm the server up for 3 s, then load it for `seconds`; return requests per second, p50 and p99."""
    measure = (lambda s: run_wrk(base_url, paths_file, connections, s)) if tool == "wrk" else (
        lambda s: load.run(base_url, paths, connections, s))
    measure(3)
    raw = measure(seconds)
    errors = sum(raw[key] for key in raw if key.startswith("errors_"))
    return {
        "requests": raw["requests"], "seconds": round(raw["duration_us"] / 1e6, 2),
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2), "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2), "bytes_per_request": round(raw["bytes"] / max(raw["requests"], 1)),
        "errors": errors, "raw": raw,
    }


def first_visits(base_url: str, paths: list[str], connections: int) -> dict:
    """Fetch every path once with `connections` threads (each its own keep-alive connection); return the figures."""
    parts = urlsplit(base_url)
    latencies: list[float] = []
    failures: list[str] = []

    def visit(share: list[str]) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        for path in share:
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{path}: {exc}")
                connection.close()
                continue
            latencies.append(time.perf_counter() - began)
            if response.status != 200:
                failures.append(f"{path}: {response.status}")
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=visit, args=(paths[n::connections],)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    cuts = statistics.quantiles(sorted(latencies), n=100, method="inclusive")
    return {"requests": len(latencies), "seconds": round(seconds, 2),
            "requests_per_s": round(len(latencies) / seconds, 1), "p50_ms": round(cuts[49] * 1000, 2),
            "p99_ms": round(cuts[98] * 1000, 2), "max_ms": round(max(latencies) * 1000, 2),
            "errors": len(failures)}


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


def measure(args: argparse.Namespace, instance: Path) -> dict:
    """Take every figure of the run."""
    database.bind(args.database_url)
    season = database.read_meta().get("season")
    if not season:
        raise SystemExit(f"{args.database_url} holds no season: generate one first (python -m bench.run).")
    backend = "PostgreSQL " + db.execute_sql("SHOW server_version").fetchone()[0].split()[0]
    tokens = [token for (token,) in db.execute_sql("SELECT public_token FROM batch ORDER BY random() LIMIT %s",
                                                   (args.tokens,)).fetchall()]
    wanted = season_lots(season)
    token_of = dict(Batch.select(Batch.lot_code, Batch.public_token)
                    .where(Batch.lot_code.in_([lot for lots in wanted.values() for lot in lots])).tuples())
    last_scan = Scan.select(Scan.id).order_by(Scan.id.desc()).scalar() or 0
    db.close()

    tool = args.load_tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    scan_paths = instance / "scan_paths.txt"
    scan_paths.write_text("".join(f"/t/{token}\n" for token in tokens))
    hello_paths = instance / "hello_paths.txt"
    hello_paths.write_text("/\n")
    env = {"DATABASE_URL": pool_url(args.database_url), "SUPPLY_INSTANCE_PATH": str(instance / "app")}

    try:
        print(f"Loading the hello-world ({tool}, {args.connections} connections, {args.seconds:g} s) ...", flush=True)
        with Gunicorn("bench.hello:app", args.workers) as server:
            hello = load_figures(tool, server.base_url, ["/"], hello_paths, args.connections, args.seconds)
        print(f"Loading the scan page ({len(tokens):,} batches) ...", flush=True)
        with Gunicorn("wsgi:app", args.workers, env) as server:
            status, _ = get(server.base_url, f"/t/{tokens[0]}")
            if status != 200:
                raise RuntimeError(f"the scan page answered {status}")
            print(f"Visiting each of the {len(tokens):,} pages once ...", flush=True)
            first = first_visits(server.base_url, [f"/t/{token}" for token in tokens], args.connections)
            print("Loading the scan page in steady state ...", flush=True)
            scan = load_figures(tool, server.base_url, [f"/t/{token}" for token in tokens], scan_paths,
                                args.connections, args.seconds)
            print("Weighing the deep and wide lots' pages ...", flush=True)
            weight = {kind: heaviest([page_weight(server.base_url, lot, token_of[lot]) for lot in lots])
                      for kind, lots in wanted.items()}
    finally:
        database.bind(args.database_url)
        scans_made = Scan.delete().where(Scan.id > last_scan).execute()

    print(f"Rendering a {SHEET_LABELS}-label sheet ...", flush=True)
    try:
        sheet = time_sheet(args, instance / "labels")
    finally:
        db.close()
    return {
        "date": datetime.date.today().isoformat(), "backend": backend, "machine": machine(),
        "batches": season["batches"], "load": {
            "tool": tool, "connections": args.connections, "gunicorn": f"-w {args.workers} (sync workers)",
            "tokens": len(tokens), "hello": hello, "first_visits": first, "scan": scan,
            "rate_ratio": round(scan["requests_per_s"] / hello["requests_per_s"], 3),
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
