"""The job queue: a job exists exactly when the transaction that deferred it commits, and a periodic task takes a
decorator (the worker tests, which run jobs, are in tests/interchange/test_import_worker.py)."""

from __future__ import annotations

import threading

import pytest

from supply.db import db
from supply.services.interchange.imports import jobs as import_jobs
from supply.services.interchange.imports.files import CsvRow
from supply.services.jobs import queue as job_queue
from supply.services.jobs.stalled import CHECK_CRON
from tests.builders.factories import make_user
from tests.builders.live import TEST_DATABASE_URL


def _queued_imports() -> int:
    return db.execute_sql("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'imports.run'").fetchone()[0]


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="the job queue lives in PostgreSQL; on SQLite imports run in the "
                                                  "web process (tests/interchange/test_import_jobs.py)")
def test_an_import_is_queued_with_its_job_and_not_at_all_when_the_transaction_rolls_back(app):
    producer = make_user(role="producer")
    rows = [CsvRow(line=2, values={"product": "BROCCOLI"})]
    before = _queued_imports()
    with db.atomic() as transaction:
        job = import_jobs.queue_job(producer, "registrations", rows, "harvest.csv")
        assert _queued_imports() == before + 1
        assert job.upload.get().rows == [{"line": 2, "values": {"product": "BROCCOLI"}}]
        transaction.rollback()
    assert _queued_imports() == before


def test_the_worker_looks_for_stalled_jobs_every_ten_seconds():
    periodic = {task.task.name: task for task in job_queue.queue.periodic_registry.periodic_tasks.values()}
    assert periodic["jobs.retry_stalled"].cron == CHECK_CRON
    first = periodic["jobs.retry_stalled"].croniter.get_next(float)
    assert periodic["jobs.retry_stalled"].croniter.get_next(float) - first == 10


def test_a_periodic_task_is_one_decorator_and_runs_on_a_connection_of_its_own(app):
    seen = []

    def verify_slice() -> None:
        seen.append(not db.is_closed())

    try:
        assert job_queue.periodic("tests.verify_slice", cron="*/5 * * * *")(verify_slice) is verify_slice
        registered = job_queue.queue.periodic_registry.periodic_tasks[("tests.verify_slice", "")]
        assert registered.cron == "*/5 * * * *"
        # The worker runs a task in a thread of its own, with the schedule's timestamp.
        thread = threading.Thread(target=registered.task.func, args=(1_796_000_000,))
        thread.start()
        thread.join()
        assert seen == [True]
    finally:
        job_queue.queue.periodic_registry.periodic_tasks.pop(("tests.verify_slice", ""), None)
        job_queue.queue.tasks.pop("tests.verify_slice", None)
