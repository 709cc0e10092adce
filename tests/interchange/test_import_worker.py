"""A worker killed in the middle of an import leaves the job to another worker, and the import completes once.

The import checks and writes its rows and marks its job done in one transaction, so the killed worker's half-written
rows are rolled back; the queue sees the worker's heartbeat stop and puts the job back; the next worker runs it in
full. A run of a job that an earlier run finished (killed after its commit, before the queue heard of it) finds the
job done and writes nothing. PostgreSQL only: on SQLite there is no queue, imports run in the web process.
"""

from __future__ import annotations

import signal
import time

import pytest

from supply.db import db
from supply.models import Batch
from supply.models import ImportJob
from supply.models import ImportUpload
from supply.services.custody import chain
from supply.services.interchange.imports.files import MAX_ROWS
from supply.services.interchange.imports.jobs import run_queued_job
from tests.builders.factories import auth_header
from tests.builders.imports import good_registration
from tests.builders.imports import import_world
from tests.builders.imports import multipart
from tests.builders.imports import registration_csv
from tests.builders.live import TEST_DATABASE_URL
from tests.builders.live import bound_to
from tests.builders.live import live_app
from tests.builders.live import scratch_database_url
from tests.builders.worker import start_worker
from tests.builders.worker import stop_worker

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="the job queue and its worker run on PostgreSQL only; "
                                                               "on SQLite imports run in the web process")

WAIT_SECONDS = 180


def _job(public_id: str) -> ImportJob:
    with db.connection_context():
        return ImportJob.get(ImportJob.public_id == public_id)


def _wait_for(check, what: str, interval: float = 0.02):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def _batches(world) -> int:
    with db.connection_context():
        return Batch.select().where(Batch.origin_site == world["field"].id).count()


def _queued_runs() -> int:
    """Count the import jobs still in the queue (finished jobs leave it)."""
    with db.connection_context():
        return db.execute_sql("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'imports.run'").fetchone()[0]


@pytest.fixture()
def committed():
    """A migrated scratch database with a producer's world committed in it, and an app over it."""
    with scratch_database_url("worker") as url, bound_to(url):
        with db.connection_context():
            world = import_world()
            world["headers"] = auth_header(world["producer"])
        yield url, live_app(url, TESTING=True), world


def test_a_worker_killed_while_writing_leaves_the_import_to_another_that_completes_it_once(committed):
    url, app, world = committed
    rows = [good_registration(world, quantity=str(n + 1)) for n in range(MAX_ROWS)]
    first = start_worker(url, "first")
    second = None
    try:
        response = app.test_client().post("/api/v1/imports/registrations", **multipart(registration_csv(rows)),
                                          headers=world["headers"])
        assert response.status_code == 202, response.json
        public_id = response.json["id"]

        _wait_for(lambda: _job(public_id).status == "writing", "the first worker to start writing")
        first.send_signal(signal.SIGKILL)
        first.wait()
        # Killed halfway: its transaction is rolled back, the job still says it was writing.
        assert _job(public_id).status == "writing"
        assert _batches(world) == 0

        second = start_worker(url, "second")
        job = _wait_for(lambda: (job := _job(public_id)).status in ("done", "failed") and job, "the import to end")
        assert (job.status, job.rows_done, job.result["batches"]) == ("done", MAX_ROWS, MAX_ROWS), job.message
        assert _batches(world) == MAX_ROWS
        with db.connection_context():
            assert ImportUpload.select().count() == 0
            assert chain.verify_all().intact
        _wait_for(lambda: _queued_runs() == 0, "the queue to let go of the job")

        # A run of the same job after its commit (as when a worker dies between the commit and telling the queue)
        # finds the job done and writes nothing twice.
        with db.connection_context():
            run_queued_job.defer(job_id=job.id)
        _wait_for(lambda: _queued_runs() == 0, "the repeated run to finish")
        assert _batches(world) == MAX_ROWS
        again = _job(public_id)
        assert (again.status, again.finished_at, again.result) == ("done", job.finished_at, job.result)

        api = app.test_client().get(f"/api/v1/imports/{public_id}", headers=world["headers"]).json
        assert (api["status"], api["rows_done"], api["result"]["batches"]) == ("done", MAX_ROWS, MAX_ROWS)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        log = stop_worker(second) if second is not None else ""
    assert "Retrying job" in log and "imports.run" in log, log
