"""Capture jobs: run a captured document in the request, in the job queue or in a thread, recording the outcome.

Every capture is a job whose row says its status (queued, running, done, failed), the bad events found and what
was written, so that any web process can report it:
- on PostgreSQL the job is deferred to the queue (`supply.services.jobs`) in the transaction that records the
  document (`queue_job`) and run by a worker process, in one transaction with marking itself finished: a worker
  killed halfway writes nothing and the queue gives the job to another worker, and a run of a job that an earlier
  run finished finds it finished and does nothing;
- on SQLite in a thread of the web process (`start_job`), as CSV imports do;
- within the request when the app's CAPTURE_BACKGROUND setting is False (the tests, inside their rolled-back
  transaction).
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading

import procrastinate

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.db import is_sqlite
from supply.i18n import N_
from supply.models import CaptureDocument
from supply.models import CaptureJob
from supply.models import User
from supply.models.capture import ACTIVE_CAPTURE_STATUSES
from supply.services.errors import Forbidden
from supply.services.errors import NotFound
from supply.services.errors import ServiceError
from supply.services.interchange.capture.document import event_list
from supply.services.interchange.capture.events import EventsRejected
from supply.services.interchange.capture.events import capture_document
from supply.services.jobs.queue import task

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=15)
INTERRUPTED = N_("The capture stopped before it finished; nothing was written. Send the document again.")
UNEXPECTED = N_("Something went wrong on our side; nothing was written.")
NO_CAPTURE = N_("No capture with this id.")
MAY_NOT_CAPTURE = N_("Your role may not capture events.")
# First key of the advisory lock one run of a queued capture holds while it writes (the second: the job's id).
RUN_LOCK = 11_013


def create_job(actor: User, document) -> CaptureJob:
    """Record a captured document as a queued job."""
    if actor.role not in permissions.REGISTERING_ROLES:
        raise Forbidden(MAY_NOT_CAPTURE)
    return CaptureJob.create(public_id=secrets.token_urlsafe(12), user=actor,
                             total_events=len(event_list(document) or []))


def _finish(job: CaptureJob, status: str, **changes) -> CaptureJob:
    now = utcnow()
    CaptureJob.update(status=status, updated_at=now, finished_at=now, **changes).where(
        CaptureJob.id == job.id).execute()
    CaptureDocument.delete().where(CaptureDocument.job == job.id).execute()
    return CaptureJob.get_by_id(job.id)


def run_job(job: CaptureJob, document, background: bool = False) -> CaptureJob:
    """Capture the document's events, all or none; record the bad events or the result and return the job."""
    actor = User.get_by_id(job.user_id)
    try:
        result = capture_document(actor, document)
    except EventsRejected as exc:
        return _finish(job, "failed", errors=exc.events, message=exc.message)
    except ServiceError as exc:
        return _finish(job, "failed", message=exc.message[:300])
    except Exception:
        logger.exception("Capture %s failed", job.public_id)
        finished = _finish(job, "failed", message=UNEXPECTED)
        if not background:
            raise
        return finished
    return _finish(job, "done", result=result)


def uses_queue() -> bool:
    """Tell whether captures go to the job queue (PostgreSQL) rather than to a thread (SQLite)."""
    return not is_sqlite()


def queue_job(actor: User, document) -> CaptureJob:
    """Record a document as a job of the queue: the job, its document and the queue's job commit together."""
    with db.atomic():
        job = create_job(actor, document)
        CaptureDocument.create(job=job.id, document=document)
        run_queued_job.defer(job_id=job.id)
    return job


@task("capture.run", retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=5))
def run_queued_job(job_id: int) -> None:
    """Run a queued capture in one transaction; do nothing when an earlier run of it committed its outcome."""
    try:
        with db.atomic():
            db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (RUN_LOCK, job_id))
            job = CaptureJob.get_or_none(CaptureJob.id == job_id)
            stored = CaptureDocument.get_or_none(CaptureDocument.job == job_id)
            if job is None or stored is None or job.status not in ACTIVE_CAPTURE_STATUSES:
                logger.info("Capture job %s has finished already", job_id)
                return
            CaptureJob.update(status="running", updated_at=utcnow()).where(CaptureJob.id == job_id).execute()
            run_job(job, stored.document)
    except Exception:
        logger.exception("Capture job %s failed", job_id)
        _finish(CaptureJob.get_by_id(job_id), "failed", message=UNEXPECTED)


def _run_in_thread(job_id: int, document) -> None:
    try:
        with db.connection_context():
            CaptureJob.update(status="running", updated_at=utcnow()).where(CaptureJob.id == job_id).execute()
            run_job(CaptureJob.get_by_id(job_id), document, background=True)
    except Exception:
        logger.exception("Capture job %s could not be run", job_id)


def start_job(job: CaptureJob, document) -> threading.Thread:
    """Run a job in a thread of this process, on its own connection (start it after the job is committed)."""
    thread = threading.Thread(target=_run_in_thread, args=(job.id, document), name=f"capture-{job.public_id}",
                              daemon=True)
    thread.start()
    return thread


def get_job(actor: User, public_id: str) -> CaptureJob:
    """Return a capture of the actor (any for an admin), showing one that lost its thread as failed."""
    job = CaptureJob.get_or_none(CaptureJob.public_id == public_id)
    if job is None or not (job.user_id == actor.id or permissions.is_admin(actor)):
        raise NotFound(NO_CAPTURE)
    if (job.status in ACTIVE_CAPTURE_STATUSES and utcnow() - job.updated_at > STALE_AFTER
            and not CaptureDocument.select().where(CaptureDocument.job == job.id).exists()):
        job.status, job.message = "failed", INTERRUPTED
    return job
