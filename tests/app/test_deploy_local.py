"""deploy/local.sh starts the deployment of docs/deploy.md on this machine and stops it: two app hosts writing
through PgBouncer in transaction mode and reading the public side from a streaming replica."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile

import psycopg
import pytest

from supply.db import open_database
from tests.builders import REPO
from tests.builders.hosts import HOLD
from tests.builders.hosts import committed_world
from tests.builders.hosts import free_port
from tests.builders.hosts import get
from tests.builders.hosts import seen_within
from tests.builders.hosts import wait_for
from tests.builders.hosts import write_through_a
from tests.builders.hosts import writes
from tests.builders.live import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="the deployment runs on PostgreSQL (a replica, "
                                                              "PgBouncer)")


def local(command: str, env: dict) -> subprocess.CompletedProcess:
    """Run deploy/local.sh with a command."""
    return subprocess.run([str(REPO / "deploy" / "local.sh"), command], env=env, capture_output=True, text=True,
                          timeout=300)


def listening(port: int) -> bool:
    """Tell whether something accepts connections on 127.0.0.1:port."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def transactions_through(pgbouncer: str) -> int:
    """Count the transactions PgBouncer has passed to the app's database (its admin console's SHOW STATS)."""
    admin = f"{pgbouncer.rsplit('/', 1)[0]}/pgbouncer"
    with psycopg.connect(admin, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
        rows = conn.execute("SHOW STATS").fetchall()
    return next(row[1] for row in rows if row[0] == "supply")


@pytest.fixture(scope="module")
def deployment():
    """The deployment started on ports of its own with an empty database; stopped, and its ports checked, after."""
    ports = {name: free_port() for name in ("HOST_A_PORT", "HOST_B_PORT", "PGBOUNCER_PORT", "REPLICA_PORT",
                                            "PRIVATE_PRIMARY_PORT")}
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           "DEPLOY_DIR": tempfile.mkdtemp(prefix="supply-deploy-"), "PRIVATE_PRIMARY": "yes", "DEMO": "no"}
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "SECRET_KEY", "SUPPLY_INSTANCE_PATH"):
        env.pop(name, None)
    started = local("start", env)
    try:
        assert started.returncode == 0, started.stderr
        urls = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
        yield {**urls, "env": env, "ports": ports}
    finally:
        stopped = local("stop", env)
    assert stopped.returncode == 0, stopped.stderr
    assert not [name for name, port in ports.items() if listening(port)]
    assert local("status", env).returncode == 3


def test_both_hosts_serve_a_scan_page_and_write_through_pgbouncer(deployment):
    world = committed_world(f"{deployment['primary_url']}/supply")
    world["a"], world["b"] = deployment["host_a"], deployment["host_b"]
    for host in ("a", "b"):
        assert wait_for(world[host])
        assert seen_within(f"{world[host]}/t/{world['token']}", "HOST-LOT", 2.0)  # read from the replica

    before = transactions_through(deployment["pgbouncer_url"])
    path, body, shown = writes(world)[0]
    write_through_a(world, path, body)
    assert transactions_through(deployment["pgbouncer_url"]) > before
    assert seen_within(f"{world['b']}/t/{world['token']}", shown, 2.0)
    assert HOLD in get(f"{world['a']}/t/{world['token']}")


def test_the_hosts_connect_to_pgbouncer_without_prepared_statements(deployment):
    database = open_database(f"{deployment['pgbouncer_url']}?prepare_threshold=none")
    with database.connection_context():
        assert database.connection().prepare_threshold is None
        for _ in range(10):  # past psycopg's default threshold (5), where it would prepare the statement
            assert database.execute_sql("SELECT count(*) FROM batch").fetchone()[0] >= 0
