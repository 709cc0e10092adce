"""App hosts as a deployment runs them: gunicorn processes over one committed database, each with its own instance
folder, and the app's CLI commands as processes beside them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from tests.builders import REPO

SECRET_KEY = "shared"


def free_port() -> int:
    """Return a TCP port free on this machine right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def host_env(database_url: str, instance: str) -> dict:
    """Return the environment of a process of the app over a database, with its own instance folder."""
    return {**os.environ, "DATABASE_URL": database_url, "SUPPLY_INSTANCE_PATH": instance, "SECRET_KEY": SECRET_KEY}


def get(url: str, language: str = "en") -> str:
    """Fetch a page in a language and return its text."""
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def start_host(database_url: str, instance: str) -> tuple[subprocess.Popen, str]:
    """Start one app host: gunicorn with two workers and an instance folder of its own; return it and its URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=REPO, env=host_env(database_url, instance),
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
    """Stop a process started here and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
