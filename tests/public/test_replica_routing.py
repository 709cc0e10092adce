"""With DATABASE_REPLICA_URL the public side (scan page, its fast path, QR images, Digital Link answers) reads from
the replica; writes, scans included, and signed-in visitors use the primary.

The "replica" here is a copy of the primary taken before a recall, so the page shows which database it read: the
copy never learns of the recall. A streaming replica is tested in test_hosts_replica.py (PostgreSQL only).
"""

from __future__ import annotations

import shutil
import threading
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from supply.db import db
from supply.db.replica import reading_replica
from supply.models import Scan
from tests.builders.custody import register
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.factories import token_for
from tests.builders.live import admin_connection
from tests.builders.live import bound_to
from tests.builders.live import live_app
from tests.builders.live import scratch_database_url
from tests.builders.live import with_database

RECALL = "This batch has been recalled."
GTIN = "06901234567892"
EN = {"Accept-Language": "en"}


@contextmanager
def copy_of(url: str):
    """Yield the URL of a copy of a database (closed meanwhile), removed afterwards."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        shutil.copyfile(path, path + ".copy")
        yield f"sqlite:///{path}.copy"
        return
    name, source = f"supply_copy_{uuid.uuid4().hex[:12]}", urlsplit(url).path.lstrip("/")
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield with_database(url, name)
    finally:
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def world(bound):
    """An app over a primary with a lot, whose replica is a copy of the primary taken before anything else."""
    with scratch_database_url("primary") as url:
        with bound_to(url), db.connection_context():
            producer = make_user(role="producer")
            lot = register(producer, make_site(party=producer.party), make_product(gtin=GTIN), "500",
                           lot_code="COPY-LOT")
            world = {"token": lot.public_token, "inspector": token_for(make_user(role="inspector")),
                     "producer": (producer.id, producer.password_hash[-12:])}
        with copy_of(url) as copy:
            app = live_app(url, DATABASE_REPLICA_URL=copy, SCAN_BUFFER_SECONDS=0, PUBLIC_SCAN_COUNT_SECONDS=0)
            yield {**world, "client": app.test_client()}
            if not db.is_closed():
                db.close()
            for database in (db.replica, db.obj):
                database.close()


def _scans() -> tuple[int, int]:
    """Count the scans written to the primary and to the replica."""
    with db.connection_context():
        on_primary = Scan.select().count()
    with reading_replica(), db.connection_context():
        on_replica = Scan.select().count()
    return on_primary, on_replica


def test_public_pages_read_the_replica_and_their_scans_are_written_to_the_primary(world):
    client, page = world["client"], f"/t/{world['token']}"
    for _ in range(3):  # rendered, then kept and served by the fast path
        assert "COPY-LOT" in client.get(page, headers=EN).get_data(as_text=True)
    assert _scans() == (3, 0)

    recall = {"lot": "COPY-LOT", "level": 2, "reason": "农残超标"}
    response = client.post("/api/v1/recalls", json=recall, headers={"Authorization": f"Bearer {world['inspector']}"})
    assert response.status_code == 201  # written to the primary: the copy cannot take writes it never sees
    assert client.get("/api/v1/batches/COPY-LOT", headers={"Authorization": f"Bearer {world['inspector']}"}
                      ).get_json()["status"] == "recalled"

    text = client.get(page, headers=EN).get_data(as_text=True)
    assert "COPY-LOT" in text and RECALL not in text
    status = client.get(f"/01/{GTIN}/10/COPY-LOT?linkType=gs1:recallStatus",
                        base_url="https://trace.example.cn", follow_redirects=True).get_json()
    assert status["recalled"] is False
    assert client.get(f"{page}/qr.svg").status_code == 200
    assert _scans() == (4, 0)


def test_a_signed_in_visitor_reads_the_public_page_from_the_primary(world):
    client, page = world["client"], f"/t/{world['token']}"
    recall = {"lot": "COPY-LOT", "level": 2, "reason": "农残超标"}
    client.post("/api/v1/recalls", json=recall, headers={"Authorization": f"Bearer {world['inspector']}"})
    assert RECALL not in client.get(page, headers=EN).get_data(as_text=True)

    with client.session_transaction() as session:
        session["user_id"], session["pw"] = world["producer"]
    assert RECALL in client.get(page, headers=EN).get_data(as_text=True)


def test_a_thread_started_by_a_request_on_the_replica_writes_to_the_primary(world):
    """The scan buffer writes from a timer thread that a scan page's request starts: it must not inherit the route."""
    seen = []
    with reading_replica():
        assert db.current() is db.replica
        thread = threading.Thread(target=lambda: seen.append(db.current()))
        thread.start()
        thread.join()
    assert seen == [db.obj] and db.current() is db.obj
