"""App hosts in processes of their own for tests that cross processes: gunicorn over a database URL, each host with
an instance folder of its own, and the plain HTTP calls such tests make."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.builders import REPO


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, body: dict | None = None, token: str | None = None, language: str = "en",
         timeout: float = 10) -> tuple[int, dict, str]:
    """GET (or POST `body` as JSON) and return the status, the headers and the text, whatever the status."""
    headers = {"Accept-Language": language}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def start_host(database_url: str, instance: str, workers: int = 2, **environment: str) -> tuple[subprocess.Popen, str]:
    """Start one app host: gunicorn with `workers` workers and an instance folder of its own; return it and its URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SUPPLY_INSTANCE_PATH": instance, "SECRET_KEY": "shared",
           **environment}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "wsgi:app"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            call(base + "/login", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the app host did not start")


def stop_host(process: subprocess.Popen) -> None:
    """Stop a host gracefully (its workers write the scans they hold)."""
    process.terminate()
    process.wait(timeout=20)
