"""Two app hosts where host B reads its public pages from a streaming replica (deploy/replica.sh): a hold, a recall
and a certificate's revocation written through host A show on host B's kept scan page within 2 seconds."""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid

import psycopg
import pytest

from tests.builders import REPO
from tests.builders.hosts import committed_world
from tests.builders.hosts import free_port
from tests.builders.hosts import get
from tests.builders.hosts import page_on
from tests.builders.hosts import running
from tests.builders.hosts import seen_within
from tests.builders.hosts import start_host
from tests.builders.hosts import warm
from tests.builders.hosts import write_through_a
from tests.builders.hosts import writes
from tests.builders.live import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="a streaming replica is a PostgreSQL feature")


def replica_script(command: str, env: dict) -> dict:
    """Run deploy/replica.sh and return the name=value lines it printed."""
    done = subprocess.run([str(REPO / "deploy" / "replica.sh"), command], env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


@pytest.fixture(scope="module")
def replicated():
    """A private primary cluster and its streaming replica, on ports of their own, removed afterwards.

    Private, so the test never copies the machine's shared cluster (whose pg_hba.conf refuses replication anyway).
    """
    env = {**os.environ, "REPLICA_DIR": tempfile.mkdtemp(prefix="supply-replica-"), "PRIVATE_PRIMARY": "yes",
           "PRIVATE_PRIMARY_PORT": str(free_port()), "REPLICA_PORT": str(free_port())}
    try:
        yield replica_script("start", env)
    finally:
        replica_script("stop", env)


@pytest.fixture(scope="module")
def hosts(replicated, tmp_path_factory):
    """Host A on the primary, host B reading the public side from the replica, a certified lot on both."""
    name = f"supply_replica_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{replicated['primary_url']}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    primary, replica = f"{replicated['primary_url']}/{name}", f"{replicated['replica_url']}/{name}"
    world = committed_world(primary)
    started = [start_host(primary, str(tmp_path_factory.mktemp("host-a"))),
               start_host(primary, str(tmp_path_factory.mktemp("host-b")), replica_url=replica)]
    with running(started) as (world["a"], world["b"]):
        yield {**world, "replica": replica}


def replay(url: str, paused: bool) -> None:
    """Pause or resume the replica's replay of the primary's changes."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SELECT pg_wal_replay_{'pause' if paused else 'resume'}()")


def test_a_hold_a_recall_and_a_revocation_through_one_host_show_on_the_replica_reading_host_within_2_seconds(hosts):
    text = warm(hosts)
    assert "HOST-LOT" in text and "ORG-HOST-1" in text
    (path, body, shown), *others = writes(hosts)
    replay(hosts["replica"], paused=True)  # host B's public pages read the replica: they wait for it
    try:
        write_through_a(hosts, path, body)
        assert shown in get(page_on(hosts, "a")) and shown not in get(page_on(hosts, "b"))
    finally:
        replay(hosts["replica"], paused=False)
    assert seen_within(page_on(hosts, "b"), shown, 2.0)
    for path, body, shown in others:
        text = warm(hosts)
        assert shown not in text
        write_through_a(hosts, path, body)
        assert seen_within(page_on(hosts, "b"), shown, 2.0)
