"""Two app hosts over one database, each a gunicorn with its own instance folder: a hold or a recall written through
one host shows on the other host's kept scan pages at once (the data version lives in the database, not a file)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from supply.db import db
from tests.builders import REPO
from tests.builders.custody import register
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.factories import token_for
from tests.builders.live import bound_to
from tests.builders.live import scratch_database_url

HOLD = "This batch is on hold until an inspector has checked it."
RECALL = "This batch has been recalled."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept-Language": "en"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def _post(url: str, body: dict, token: str) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _start_host(database_url: str, instance: str) -> tuple[subprocess.Popen, str]:
    """Start one app host: gunicorn with two workers and an instance folder of its own."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SUPPLY_INSTANCE_PATH": instance, "SECRET_KEY": "shared"}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(base + "/login")
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the app host did not start")


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """Two hosts over one committed database, a producer's lot on it and an inspector's API token."""
    with scratch_database_url("hosts") as url, bound_to(url):
        with db.connection_context():
            producer = make_user(role="producer")
            lot = register(producer, make_site(party=producer.party), make_product(), "500", lot_code="HOST-LOT")
            world = {"token": lot.public_token, "inspector": token_for(make_user(role="inspector"))}
        started = [_start_host(url, str(tmp_path_factory.mktemp(f"host-{name}"))) for name in "ab"]
        try:
            world["a"], world["b"] = (base for _process, base in started)
            yield world
        finally:
            for process, _base in started:
                process.terminate()
                process.wait(timeout=10)


def _seen_within(url: str, text: str, seconds: float) -> bool:
    """Tell whether a page shows the text within the time (asked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while True:
        if text in _get(url):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_a_hold_and_a_recall_through_one_host_show_at_once_on_the_others_kept_page(hosts):
    page = f"{hosts['b']}/t/{hosts['token']}"
    for _ in range(4):  # rendered once, then kept by both of host B's workers
        text = _get(page)
    assert "HOST-LOT" in text and HOLD not in text and RECALL not in text

    assert _post(f"{hosts['a']}/api/v1/holds", {"lot": "HOST-LOT", "reason": "快检可疑"}, hosts["inspector"]) == 201
    assert _seen_within(page, HOLD, 1.0)
    for _ in range(4):
        _get(page)  # kept again, now on hold

    body = {"lot": "HOST-LOT", "level": 2, "reason": "农残超标"}
    assert _post(f"{hosts['a']}/api/v1/recalls", body, hosts["inspector"]) == 201
    assert _seen_within(page, RECALL, 1.0)
