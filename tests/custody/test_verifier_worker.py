"""The queue's worker runs the verifier too (PostgreSQL): a deployment with a worker needs no separate
`verify-chain --watch` for an altered event to be found and recorded within a minute."""

from __future__ import annotations

import time

import pytest

from supply.db import db
from supply.models import Event
from supply.models import EventBatch
from supply.models import LotVerification
from supply.services.custody import verifier_task
from supply.services.jobs import queue as job_queue
from tests.builders.custody import register
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.live import TEST_DATABASE_URL
from tests.builders.live import bound_to
from tests.builders.live import scratch_database_url
from tests.builders.tampering import tampering
from tests.builders.worker import running_worker


def test_the_worker_runs_a_verifier_round_every_ten_seconds():
    periodic = {task.task.name: task for task in job_queue.queue.periodic_registry.periodic_tasks.values()}
    assert periodic["custody.verify_round"].cron == verifier_task.CRON
    first = periodic["custody.verify_round"].croniter.get_next(float)
    assert periodic["custody.verify_round"].croniter.get_next(float) - first == 10


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="the worker's queue lives in PostgreSQL")
def test_a_running_worker_finds_an_altered_event_within_a_minute():
    with scratch_database_url("verifyworker") as url, bound_to(url):
        with db.connection_context():
            producer = make_user(role="producer")
            lot = register(producer, make_site(party=producer.party), make_product(), "500", lot_code="W-TAMPER")
            with db.atomic():
                event = Event.select().join(EventBatch).where(EventBatch.batch == lot.id).get()
                with tampering("event"):
                    Event.update(doc_number="forged").where(Event.id == event.id).execute()
        with running_worker(url):
            deadline = time.monotonic() + 60
            found = None
            while time.monotonic() < deadline:
                with db.connection_context():
                    found = LotVerification.get(LotVerification.batch == lot.id)
                if found.intact is False:
                    break
                time.sleep(1)
        assert found is not None and found.intact is False and found.problem == "content"
