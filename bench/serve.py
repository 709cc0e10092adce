"""Serving and loading for bench/scan_speed.py: a gunicorn on a free port, wrk or bench/load.py against it.

A load is a 3 s warm-up on its own paths, then the timed load; wrk's threads (and bench/load.py's connections)
start at evenly spread places of the path list, so a list of distinct cold pages is asked for once each.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import load

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "paths.lua"
WRK_THREADS = 2
WARMUP_S = 3


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
    command = ["wrk", "-t", str(WRK_THREADS), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
               "-s", str(LUA), base_url, "--", str(paths_file), str(WRK_THREADS)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(next(line for line in output.splitlines() if line.startswith("{")))


def load_figures(tool: str, base_url: str, warmup: list[str], paths: list[str], connections: int, seconds: float,
                 folder: Path) -> dict:
    """Load the server for 3 s with the warm-up paths, then for `seconds` with the paths; return requests per
    second, p50 and p99 (and the load average before and after)."""

    def measure(chosen: list[str], name: str, span: float) -> dict:
        if tool != "wrk":
            return load.run(base_url, chosen, connections, span)
        listed = folder / f"{name}.txt"
        listed.write_text("".join(f"{path}\n" for path in chosen))
        return run_wrk(base_url, listed, connections, span)

    measure(warmup, "warmup", WARMUP_S)
    drain(base_url)
    load_before = load_average()
    raw = measure(paths, "timed", seconds)
    errors = sum(raw[key] for key in raw if key.startswith("errors_"))
    return {
        "requests": raw["requests"], "seconds": round(raw["duration_us"] / 1e6, 2),
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2), "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2), "bytes_per_request": round(raw["bytes"] / max(raw["requests"], 1)),
        "errors": errors, "distinct_paths": len(set(paths)), "wrapped": raw["requests"] > len(paths),
        "load_before": load_before, "load_after": load_average(), "raw": raw,
    }


def drain(base_url: str) -> None:
    """Wait until the server has answered what the warm-up left queued.

    wrk stops with a request open on every connection; sync workers still answer each (a cold page costs a
    few hundred milliseconds), which would slow the start of the timed load. A cheap request (a 404) queued
    behind them comes back when they are done.
    """
    get(base_url, "/bench-drain")


def load_average() -> float:
    """Return the machine's one-minute load average (the shared machine's other work shows here)."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else float("nan")


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
