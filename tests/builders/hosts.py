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
from collections.abc import Iterator
from contextlib import contextmanager

from supply.db import db
from tests.builders import REPO
from tests.builders.custody import register
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.factories import token_for
from tests.builders.live import bound_to
from tests.builders.validity import certify

SECRET_KEY = "shared"
HOLD = "This batch is on hold until an inspector has checked it."
RECALL = "This batch has been recalled."
REVOKED = "Revoked from 2026-07-01"


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


def wait_for(base: str, seconds: float = 30) -> bool:
    """Tell whether a host answers its sign-in page within the time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            get(base + "/login")
            return True
        except OSError:
            time.sleep(0.2)
    return False


def start_host(database_url: str, instance: str, replica_url: str | None = None, workers: int = 2,
               **environment: str) -> tuple[subprocess.Popen, str]:
    """Start one app host: gunicorn with `workers` workers and an instance folder of its own, reading the public
    side from `replica_url` when given; return it and its URL."""
    port = free_port()
    env = host_env(database_url, instance, **environment)
    env.pop("DATABASE_REPLICA_URL", None)
    if replica_url:
        env["DATABASE_REPLICA_URL"] = replica_url
    # no control socket: gunicorn's default path is one per user, shared with every other gunicorn of the machine
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--no-control-socket", "wsgi:app"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    if wait_for(base):
        return process, base
    process.kill()
    raise RuntimeError("the app host did not start")


def post(url: str, body: dict, token: str) -> int:
    """POST JSON with an API token and return the status."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


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


@contextmanager
def running(hosts: list[tuple[subprocess.Popen, str]]) -> Iterator[list[str]]:
    """Yield the hosts' base URLs and stop them afterwards."""
    try:
        yield [base for _process, base in hosts]
    finally:
        for process, _base in hosts:
            process.terminate()
            process.wait(timeout=10)


def lot_world() -> dict:
    """A producer's lot with an approved organic certificate of its farm, and an inspector's API token."""
    producer = make_user(role="producer")
    lot = register(producer, make_site(party=producer.party), make_product(), "500", lot_code="HOST-LOT")
    certificate = certify(party=producer.party, number="ORG-HOST-1")
    return {"token": lot.public_token, "inspector": token_for(make_user(role="inspector")),
            "certificate": certificate.id}


def seen_within(url: str, text: str, seconds: float) -> bool:
    """Tell whether a page shows the text within the time (asked every 50 ms; an error page shows nothing, as a
    lot not yet on a replica answers 404)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if text in get(url):
                return True
        except urllib.error.HTTPError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def writes(world: dict) -> list[tuple[str, dict, str]]:
    """The writes the tests make through host A, and what each shows on the lot's page: a hold, a recall and the
    revocation of the farm's certificate."""
    return [("/api/v1/holds", {"lot": "HOST-LOT", "reason": "快检可疑"}, HOLD),
            ("/api/v1/recalls", {"lot": "HOST-LOT", "level": 2, "reason": "农残超标"}, RECALL),
            (f"/api/v1/certificates/{world['certificate']}/revoke", {"reason": "伪造", "effective_on": "2026-07-01"},
             REVOKED)]


def write_through_a(world: dict, path: str, body: dict) -> None:
    """Make one of the `writes` through host A, as the inspector."""
    assert post(f"{world['a']}{path}", body, world["inspector"]) in (200, 201)


def warm(world: dict) -> str:
    """Fetch the lot's page from host B until both of its workers keep it; return the page's text."""
    for _ in range(4):
        text = get(page_on(world, "b"))
    return text


def page_on(world: dict, host: str) -> str:
    """The URL of the lot's page on a host ("a" or "b")."""
    return f"{world[host]}/t/{world['token']}"


def committed_world(url: str) -> dict:
    """Build `lot_world` in the database at `url` (bound for the block, committed)."""
    with bound_to(url), db.connection_context():
        return lot_world()
