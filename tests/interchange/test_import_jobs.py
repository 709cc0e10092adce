"""Large imports run in the background and report their progress until done: on PostgreSQL as jobs of the queue,
run by a worker process (`flask --app wsgi worker`); on SQLite in a thread of the web process.

These tests need committed data that another connection (the worker's or the thread's) can see, so they run over a
scratch database of the backend under test instead of the rolled-back test transaction (see tests/builders/live.py).
"""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack

import pytest

from supply.db import db
from supply.models import Batch
from supply.models import ImportJob
from supply.models import ImportUpload
from supply.services.custody import chain
from supply.services.interchange.imports.jobs import SYNC_ROWS
from tests.builders.factories import PASSWORD
from tests.builders.factories import auth_header
from tests.builders.imports import good_registration
from tests.builders.imports import import_world
from tests.builders.imports import multipart
from tests.builders.imports import registration_csv
from tests.builders.live import bound_to
from tests.builders.live import live_app
from tests.builders.live import scratch_database_url
from tests.builders.worker import running_worker

ROWS = SYNC_ROWS + 300
WAIT_SECONDS = 120


@pytest.fixture()
def served():
    """An app over its own migrated database, with a producer's world committed in it, and a worker on PostgreSQL."""
    with scratch_database_url("imports") as url, bound_to(url), ExitStack() as stack:
        app = live_app(url, TESTING=True, WTF_CSRF_ENABLED=False)
        with db.connection_context():
            world = import_world()
            world["headers"] = auth_header(world["producer"])
        if not url.startswith("sqlite"):
            stack.enter_context(running_worker(url))
        try:
            yield app, world
        finally:
            for thread in threading.enumerate():
                if thread.name.startswith("import-"):
                    thread.join(WAIT_SECONDS)


def _poll(read) -> list[dict]:
    """Read the job's state until it finishes; return every state seen."""
    seen = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        seen.append(read())
        if seen[-1]["status"] in ("done", "failed"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the import did not finish: {seen[-1]}")


def test_a_large_api_import_is_accepted_and_finished_in_the_background(served):
    app, world = served
    client = app.test_client()
    rows = [good_registration(world, quantity=str(n + 1)) for n in range(ROWS)]
    response = client.post("/api/v1/imports/registrations", **multipart(registration_csv(rows)),
                           headers=world["headers"])
    assert response.status_code == 202, response.json
    assert response.json["status"] == "queued" and response.json["total_rows"] == ROWS
    url = response.headers["Location"]
    assert url == response.json["status_url"]
    seen = _poll(lambda: client.get(url, headers=world["headers"]).json)
    assert seen[-1]["status"] == "done", seen[-1]
    assert (seen[-1]["rows_done"], seen[-1]["result"]["batches"]) == (ROWS, ROWS)
    assert {state["status"] for state in seen} <= {"queued", "validating", "writing", "done"}
    with db.connection_context():
        assert Batch.select().where(Batch.origin_site == world["field"].id).count() == ROWS
        assert chain.verify_all().intact
        assert ImportUpload.select().count() == 0


def test_a_large_page_import_shows_its_progress_then_done(served):
    app, world = served
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.post("/login", data={"email": world["producer"].email, "password": PASSWORD}).status_code == 302
    rows = [good_registration(world, quantity=str(n + 1)) for n in range(ROWS)]
    response = client.post("/imports/", **multipart(registration_csv(rows), kind="registrations"))
    assert response.status_code == 302
    page = response.headers["Location"]
    seen = _poll(lambda: client.get(page + "/status").json)
    assert seen[-1]["status"] == "done", seen[-1]
    assert f"Done: all {ROWS:,} rows were written." in client.get(page).text
    with db.connection_context():
        assert Batch.select().where(Batch.origin_site == world["field"].id).count() == ROWS


def test_a_large_page_import_with_a_bad_row_fails_in_the_background_and_writes_nothing(served):
    app, world = served
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.post("/login", data={"email": world["producer"].email, "password": PASSWORD}).status_code == 302
    rows = [good_registration(world) for _ in range(ROWS)]
    rows[ROWS - 1]["quantity"] = "-1"
    response = client.post("/imports/", **multipart(registration_csv(rows), kind="registrations"))
    assert response.status_code == 302
    page = response.headers["Location"]
    assert "import-progress" in client.get(page).text or "Nothing was written." in client.get(page).text
    seen = _poll(lambda: client.get(page + "/status").json)
    assert seen[-1]["status"] == "failed"
    html = client.get(page).text
    assert f"<td class=\"nowrap\">{ROWS + 1}</td>" in html and "Must be greater than 0." in html
    with db.connection_context():
        assert Batch.select().where(Batch.origin_site == world["field"].id).count() == 0
        job = ImportJob.get(ImportJob.user == world["producer"].id)
        assert job.finished_at is not None and job.errors == [
            {"line": ROWS + 1, "field": "quantity", "message": "Must be greater than 0."}]
