"""PostgreSQL stopped for a few seconds under load (a restart, a failover): kept scan pages answer throughout, every
other request answers 503 with Retry-After, no acknowledged write is lost, no scan is lost, and the service resumes
once the database is back. The database is a private cluster of the test's own (tests/builders/cluster.py)."""

from __future__ import annotations

import threading
import time

import pytest

from supply.db import db
from supply.models import Batch
from supply.models import Scan
from tests.builders.cluster import private_cluster
from tests.builders.custody import register
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.factories import token_for
from tests.builders.hosts import call
from tests.builders.hosts import start_host
from tests.builders.hosts import stop
from tests.builders.live import TEST_DATABASE_URL
from tests.builders.live import bound_to

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="stops a PostgreSQL server: runs in the PostgreSQL pass")

OUTAGE_SECONDS = 3


class Load:
    """Threads scanning kept pages and registering batches through the API until stopped, recording each answer."""

    def __init__(self, base: str, pages: list[str], world: dict):
        self.base, self.pages, self.world = base, pages, world
        # Each answer with the times its request was sent and answered.
        self.scans: list[tuple[float, float, int, str]] = []
        self.writes: list[tuple[float, float, int, dict, str]] = []
        self.others: list[tuple[float, float, int, dict]] = []
        self.running = True
        self.threads = [threading.Thread(target=target) for target in (self.scan, self.scan, self.write, self.other)]

    def scan(self) -> None:
        n = 0
        while self.running:
            n += 1
            sent = time.monotonic()
            status, _headers, text = call(self.base + self.pages[n % len(self.pages)])
            self.scans.append((sent, time.monotonic(), status, text))

    def write(self) -> None:
        world = self.world
        n = 0
        while self.running:
            n += 1
            body = {"product": world["product"], "site": world["site"], "quantity": "10",
                    "produced_on": "2026-07-01", "lot_code": f"LOAD-{n:05d}"}
            sent = time.monotonic()
            status, headers, text = call(self.base + "/api/v1/batches", body, world["producer"])
            self.writes.append((sent, time.monotonic(), status, headers, body["lot_code"]))

    def other(self) -> None:
        while self.running:
            sent = time.monotonic()
            status, headers, _text = call(self.base + "/api/v1/batches", token=self.world["producer"])
            self.others.append((sent, time.monotonic(), status, headers))
            time.sleep(0.05)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=30)


def test_a_database_restart_under_load_keeps_scan_pages_and_loses_no_acknowledged_write(tmp_path):
    with private_cluster() as cluster:
        url = cluster.create_database("supply")
        with bound_to(url), db.connection_context():
            producer = make_user(role="producer")
            site, product = make_site(party=producer.party), make_product()
            lots = [register(producer, site, product, "500", lot_code=f"KEPT-{n}") for n in range(3)]
            world = {"producer": token_for(producer), "site": site.code, "product": product.code}
        pages = [f"/t/{lot.public_token}" for lot in lots]
        process, base = start_host(url.replace("postgresql://", "postgres+pool://"), str(tmp_path / "host"))
        try:
            for page in pages:
                for _ in range(4):  # rendered, then kept by both workers
                    assert call(base + page)[0] == 200
            with Load(base, pages, world) as load:
                time.sleep(1)
                cluster.stop()
                stopped = time.monotonic()
                time.sleep(OUTAGE_SECONDS)
                restarting = time.monotonic()  # the server may answer before `start` returns
                cluster.start()
                restarted = time.monotonic()
                time.sleep(5)
        finally:
            stop(process)  # a graceful stop: the workers write the scans they hold

        during = [status for sent, _answered, status, _text in load.scans if stopped < sent < restarted]
        assert during and set(during) == {200}, "kept scan pages answer while the database is down"
        assert {status for _sent, _answered, status, _text in load.scans} == {200}
        assert all(any(f"KEPT-{n}" in text for n in range(3)) for *_times, _status, text in load.scans)

        statuses = {status for _sent, _answered, status, _headers, _lot in load.writes}
        assert statuses <= {201, 503} and 503 in statuses, statuses
        assert all(headers.get("Retry-After") == "5" for *_times, status, headers, _lot in load.writes if status == 503)
        # Reads of the API sent and answered while the database was down (not in the second after the stop).
        others_down = [(status, headers.get("Retry-After")) for sent, answered, status, headers in load.others
                       if stopped + 0.5 < sent and answered < restarting]
        assert others_down and set(others_down) == {(503, "5")}, "a request needing the database answers 503"
        after = [status for sent, _answered, status, _headers, _lot in load.writes if sent > restarted + 2]
        assert after and set(after) == {201}, "writes succeed again once the database is back"

        acknowledged = {lot for _sent, _answered, status, _headers, lot in load.writes if status == 201}
        with bound_to(url), db.connection_context():
            kept = {batch.lot_code for batch in Batch.select().where(Batch.lot_code.startswith("LOAD-"))}
            scans = Scan.select().where(Scan.batch_id.in_([lot.id for lot in lots])).count()
        assert acknowledged <= kept, "every acknowledged registration is in the database"
        assert scans == 12 + len(load.scans), "every scan answered, during the outage too, is recorded"
