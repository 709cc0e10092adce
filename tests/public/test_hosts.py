"""Two app hosts over one database, each a gunicorn with its own instance folder: a hold, a recall or a certificate's
revocation written through one host shows on the other host's kept scan pages at once (the data version lives in the
database, not a file). The same through a streaming replica: test_hosts_replica.py."""

from __future__ import annotations

import pytest

from tests.builders.hosts import committed_world
from tests.builders.hosts import page_on
from tests.builders.hosts import running
from tests.builders.hosts import seen_within
from tests.builders.hosts import start_host
from tests.builders.hosts import warm
from tests.builders.hosts import write_through_a
from tests.builders.hosts import writes
from tests.builders.live import scratch_database_url


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """Two hosts over one committed database, a producer's certified lot on it and an inspector's API token."""
    with scratch_database_url("hosts") as url:
        world = committed_world(url)
        started = [start_host(url, str(tmp_path_factory.mktemp(f"host-{name}"))) for name in "ab"]
        with running(started) as (world["a"], world["b"]):
            yield world


def test_a_hold_a_recall_and_a_revocation_through_one_host_show_at_once_on_the_others_kept_page(hosts):
    text = warm(hosts)
    assert "HOST-LOT" in text and "ORG-HOST-1" in text
    for path, body, shown in writes(hosts):
        assert shown not in text
        write_through_a(hosts, path, body)
        assert seen_within(page_on(hosts, "b"), shown, 1.0)
        text = warm(hosts)  # kept again, with what it shows now
