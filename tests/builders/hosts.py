"""App hosts as a deployment runs them: gunicorn processes over one committed database, each with its own instance
folder, the app's CLI commands as processes beside them, and the plain HTTP calls such tests make."""

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

SECRET_KEY = "shared"


def free_port() -> int:
    """Return a TCP port free on this machine right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def host_env(database_url: str, instance: str, **environment: str) -> dict:
    """Return the environment of a process of the app over a database, with its own instance folder."""
    return {**os.environ, "DATABASE_URL": database_url, "SUPPLY_INSTANCE_PATH": instance, "SECRET_KEY": SECRET_KEY,
            **environment}


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


def get(url: str, language: str = "en") -> str:
    """Fetch a page in a language and return its text (an HTTP error raises)."""
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def start_host(database_url: str, instance: str, workers: int = 2, **environment: str) -> tuple[subprocess.Popen, str]:
    """Start one app host: gunicorn with `workers` workers and an instance folder of its own; return it and its URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "wsgi:app"], cwd=REPO, env=host_env(database_url, instance, **environment),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(base + "/login")
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the app host did not start")


def start_command(database_url: str, instance: str, *args: str) -> subprocess.Popen:
    """Start `flask --app wsgi <args>` over a database, its output (stdout and stderr) read as text."""
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=REPO,
                            env={**host_env(database_url, instance), "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen) -> None:
    """Stop a process started here gracefully (a host's workers write the scans they hold) and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
