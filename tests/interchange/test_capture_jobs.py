"""Captures run in the background and report their outcome: on PostgreSQL as jobs of the queue, run by a worker
process (`flask --app wsgi worker`); on SQLite in a thread of the web process.

Over a scratch database of the backend under test, committed, so that the worker's or the thread's connection sees
the master data (see tests/builders/live.py).
"""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack

import pytest

from supply.db import db
from supply.models import Batch
from supply.models import CaptureDocument
from supply.models import Shipment
from tests.builders.capture import capture
from tests.builders.capture import capture_world
from tests.builders.capture import commissioning
from tests.builders.capture import document
from tests.builders.capture import lot_uri
from tests.builders.capture import shipping
from tests.builders.live import bound_to
from tests.builders.live import live_app
from tests.builders.live import scratch_database_url
from tests.builders.worker import running_worker

WAIT_SECONDS = 120


@pytest.fixture()
def served():
    """An app over its own migrated database with a capture world committed in it, and a worker on PostgreSQL."""
    with scratch_database_url("capture") as url, bound_to(url), ExitStack() as stack:
        app = live_app(url, TESTING=True, WTF_CSRF_ENABLED=False)
        with db.connection_context():
            world = capture_world(app, in_request=False)
        if not url.startswith("sqlite"):
            stack.enter_context(running_worker(url))
        try:
            yield app, world
        finally:
            for thread in threading.enumerate():
                if thread.name.startswith("capture-"):
                    thread.join(WAIT_SECONDS)


def finished(client, response, headers) -> dict:
    """Follow a capture's Location until the job is done or failed; return it."""
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.json["status"] == "queued"
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job = client.get(response.headers["Location"], headers=headers).json
        if job["status"] in ("done", "failed"):
            return job
        assert job["status"] in ("queued", "running")
        time.sleep(0.05)
    raise AssertionError("the capture did not finish")


def test_a_capture_is_accepted_at_once_and_written_in_the_background(served):
    app, world = served
    client = app.test_client()
    body = document(commissioning(world["packhouse"], "CAP-N", 40, product=world["broccoli"]),
                    shipping(world["packhouse"], world["cold"], [(lot_uri("CAP-N"), 25)]))
    job = finished(client, capture(client, world["coop_h"], body), world["coop_h"])
    assert job["status"] == "done", job
    assert job["result"] == {"lots": 1, "shipments": 1, "events": 2}
    with db.connection_context():
        assert Batch.get(Batch.lot_code == "CAP-N").on_hand == 15
        assert Shipment.select().where(Shipment.sender == world["coop"].party_id).count() == 1
        assert not CaptureDocument.select().exists()


def test_a_refused_capture_in_the_background_fails_with_its_events_and_writes_nothing(served):
    app, world = served
    client = app.test_client()
    body = document(commissioning(world["packhouse"], "CAP-N", 40, product=world["broccoli"]),
                    shipping(world["packhouse"], world["cold"], [(lot_uri("CAP-N"), 41)]))
    job = finished(client, capture(client, world["coop_h"], body), world["coop_h"])
    assert job["status"] == "failed"
    assert [(e["event"], e["field"], e["message"]) for e in job["errors"]] == [
        (1, "quantityList.0.quantity", "More than is on hand.")]
    with db.connection_context():
        assert not Batch.select().where(Batch.lot_code == "CAP-N").exists()
