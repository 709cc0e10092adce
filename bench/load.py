"""A small load generator for machines without wrk: threads, each with its own keep-alive http.client connection.

`run(base_url, paths, connections, seconds)` cycles through the paths for `seconds` and returns the figures
bench/scan_speed.py takes from wrk (requests, duration, bytes, p50, p99, errors). Python threads share one
interpreter lock, so on a small machine it measures less than wrk would: prefer wrk.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def _worker(host: str, port: int, paths: list[str], start: int, deadline: float, out: dict) -> None:
    """Send requests until the deadline, recording latencies, bytes and failures."""
    connection = http.client.HTTPConnection(host, port, timeout=10)
    index = start
    while time.perf_counter() < deadline:
        path = paths[index % len(paths)]
        index += 1
        began = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            out["errors"] += 1
            connection.close()
            continue
        out["latencies"].append(time.perf_counter() - began)
        out["bytes"] += len(body)
        if response.status >= 400:
            out["status"] += 1
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
    connection.close()


def run(base_url: str, paths: list[str], connections: int, seconds: float) -> dict:
    """Load the server with `connections` threads for `seconds`; return wrk's figures (times in microseconds)."""
    parts = urlsplit(base_url)
    outs = [{"latencies": [], "bytes": 0, "errors": 0, "status": 0} for _ in range(connections)]
    started = time.perf_counter()
    deadline = started + seconds
    threads = [threading.Thread(target=_worker, args=(parts.hostname, parts.port, paths,
                                                      n * len(paths) // connections, deadline, out))
               for n, out in enumerate(outs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    latencies = sorted(value for out in outs for value in out["latencies"])
    if not latencies:
        raise RuntimeError(f"no request to {base_url} succeeded")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies), "duration_us": int(duration * 1e6), "bytes": sum(out["bytes"] for out in outs),
        "p50_us": int(cuts[49] * 1e6), "p99_us": int(cuts[98] * 1e6),
        "mean_us": round(statistics.fmean(latencies) * 1e6, 1), "max_us": int(latencies[-1] * 1e6),
        "errors_connect": 0, "errors_read": sum(out["errors"] for out in outs), "errors_write": 0,
        "errors_status": sum(out["status"] for out in outs), "errors_timeout": 0,
    }
