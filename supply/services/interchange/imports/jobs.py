"""Import jobs: run a checked upload in the request, in the job queue or in a thread, recording its progress.

Progress goes into the `import_job` row so that any web process can report it. Large files (over SYNC_ROWS rows)
run in the background unless the app's IMPORT_BACKGROUND setting is False (the tests run every import within the
request, inside their rolled-back transaction):
- on PostgreSQL as a job of the queue (`supply.services.jobs`), deferred in the transaction that records the upload
  (`queue_job`) and run by a worker process. The job checks and writes every row, and marks itself done, in one
  transaction: a worker killed halfway writes nothing, the queue gives the job to another worker, and a run of a job
  that an earlier run finished (killed after its commit) finds the job done and does nothing.
- on SQLite in a thread of the web process (`start_job`); a job whose process stopped is shown as failed once its
  row has not changed for STALE_AFTER (its transaction was rolled back, so nothing of it was written).
While the rows are written, progress is written on a second connection on PostgreSQL, outside the import's
transaction, so pollers see it; SQLite allows one writer at a time, so there the job shows the writing phase
without a running count until it ends.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading
import time

import procrastinate
from peewee import PostgresqlDatabase

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.db import is_sqlite
from supply.i18n import N_
from supply.models import ImportJob
from supply.models import ImportUpload
from supply.models import User
from supply.models.imports import ACTIVE_STATUSES
from supply.services.errors import NotFound
from supply.services.errors import ServiceError
from supply.services.interchange.imports.files import CsvRow
from supply.services.interchange.imports.importers import check_rows
from supply.services.interchange.imports.importers import require_may_import
from supply.services.interchange.imports.importers import write_rows
from supply.services.interchange.imports.rows import RowsRejected
from supply.services.jobs.queue import task

logger = logging.getLogger(__name__)

# Files up to this many rows are imported within the request; larger ones in the background.
SYNC_ROWS = 500
# A thread's job whose row has not changed for this long lost its thread (the process stopped); its transaction
# was rolled back, so nothing of it was written. The queue's jobs are never stale: the queue retries them.
STALE_AFTER = datetime.timedelta(minutes=15)
PROGRESS_SECONDS = 0.5
INTERRUPTED = N_("The import stopped before it finished; nothing was written. Upload the file again.")
UNEXPECTED = N_("Something went wrong on our side; nothing was written.")
# First key of the advisory lock that one run of a queued job holds while it checks and writes (the second: its id).
RUN_LOCK = 11_001


class JobProgress:
    """Record a job's phase and, at most twice a second, how many rows of the phase are done."""

    def __init__(self, job: ImportJob, side=None) -> None:
        self.job = job
        self.side = side
        self.done = 0
        self.saved_at = 0.0

    def phase(self, status: str) -> None:
        """Start a phase (validating, writing): its row count starts again at 0."""
        self.done = 0
        self._save(status=status, rows_done=0)

    def __call__(self, count: int) -> None:
        self.done += count
        if time.monotonic() - self.saved_at >= PROGRESS_SECONDS:
            self._save(rows_done=self.done)

    def _save(self, **changes) -> None:
        self.saved_at = time.monotonic()
        query = ImportJob.update(updated_at=utcnow(), **changes).where(ImportJob.id == self.job.id)
        # Inside the import's transaction the job row is written on the second connection, where there is one.
        query.execute(self.side if self.side is not None and db.in_transaction() else None)


def create_job(actor: User, kind: str, rows: list[CsvRow], filename: str = "") -> ImportJob:
    """Record an upload as a queued job."""
    require_may_import(actor)
    return ImportJob.create(public_id=secrets.token_urlsafe(12), user=actor, kind=kind, filename=filename[:200],
                            total_rows=len(rows))


def _finish(job: ImportJob, status: str, **changes) -> ImportJob:
    now = utcnow()
    if status == "done":
        changes["rows_done"] = job.total_rows
    ImportJob.update(status=status, updated_at=now, finished_at=now, **changes).where(ImportJob.id == job.id).execute()
    ImportUpload.delete().where(ImportUpload.job == job.id).execute()
    return ImportJob.get_by_id(job.id)


def run_job(job: ImportJob, rows: list[CsvRow], side=None, background: bool = False) -> ImportJob:
    """Check every row, then write them all; record the bad rows or the result and return the finished job."""
    progress = JobProgress(job, side)
    actor = User.get_by_id(job.user_id)
    try:
        progress.phase("validating")
        plan = check_rows(actor, job.kind, rows, progress)
        progress.phase("writing")
        result = write_rows(actor, job.kind, plan, progress)
    except RowsRejected as exc:
        return _finish(job, "failed", errors=exc.rows, message=exc.message)
    except ServiceError as exc:
        return _finish(job, "failed", message=exc.message[:300])
    except Exception:
        logger.exception("Import %s failed", job.public_id)
        finished = _finish(job, "failed", message=UNEXPECTED)
        if not background:
            raise
        return finished
    return _finish(job, "done", result=result)


def side_database():
    """Open a second connection for progress on PostgreSQL (None on SQLite, which has one writer at a time)."""
    if is_sqlite():
        return None
    return PostgresqlDatabase(db.obj.database, **db.obj.connect_params)


def _run_in_thread(job_id: int, rows: list[CsvRow]) -> None:
    side = side_database()
    try:
        with db.connection_context():
            run_job(ImportJob.get_by_id(job_id), rows, side=side, background=True)
    except Exception:
        logger.exception("Import job %s could not be run", job_id)
    finally:
        if side is not None:
            side.close()


def uses_queue() -> bool:
    """Tell whether background imports go to the job queue (PostgreSQL) rather than to a thread (SQLite)."""
    return not is_sqlite()


def queue_job(actor: User, kind: str, rows: list[CsvRow], filename: str = "") -> ImportJob:
    """Record an upload as a job of the queue: the job, its rows and the queue's job commit together or not at all."""
    with db.atomic():
        job = create_job(actor, kind, rows, filename)
        ImportUpload.create(job=job.id, rows=[{"line": row.line, "values": row.values} for row in rows])
        run_queued_job.defer(job_id=job.id)
    return job


@task("imports.run", retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=5))
def run_queued_job(job_id: int) -> None:
    """Run a queued job in one transaction; do nothing when an earlier run of it committed its result."""
    side = side_database()
    try:
        with db.atomic():
            # Two runs of one job (a stalled worker's and its retry) take turns; the second sees the first's result.
            db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (RUN_LOCK, job_id))
            job = ImportJob.get_or_none(ImportJob.id == job_id)
            upload = ImportUpload.get_or_none(ImportUpload.job == job_id)
            if job is None or upload is None or job.status not in ACTIVE_STATUSES:
                logger.info("Import job %s has finished already", job_id)
                return
            run_job(job, [CsvRow(**row) for row in upload.rows], side=side)
    except Exception:
        # Rolled back: nothing was written. Say so on the job (if the database answers; else the queue retries).
        logger.exception("Import job %s failed", job_id)
        _finish(ImportJob.get_by_id(job_id), "failed", message=UNEXPECTED)
    finally:
        if side is not None:
            side.close()


def start_job(job: ImportJob, rows: list[CsvRow]) -> threading.Thread:
    """Run a job in a thread of this process, on its own database connection (start it after the job is saved)."""
    thread = threading.Thread(target=_run_in_thread, args=(job.id, rows), name=f"import-{job.public_id}",
                              daemon=True)
    thread.start()
    return thread


def runs_in_background(rows: list[CsvRow]) -> bool:
    """Tell whether a file is large enough to be imported in the background."""
    return len(rows) > SYNC_ROWS


def get_job(actor: User, public_id: str) -> ImportJob:
    """Return a job of the actor (any job for an admin), showing one that lost its thread as failed."""
    job = ImportJob.get_or_none(ImportJob.public_id == public_id)
    if job is None or not (job.user_id == actor.id or permissions.is_admin(actor)):
        raise NotFound(N_("No import with this id."))
    if (job.status in ACTIVE_STATUSES and utcnow() - job.updated_at > STALE_AFTER
            and not ImportUpload.select().where(ImportUpload.job == job.id).exists()):
        job.status, job.message = "failed", INTERRUPTED
    return job


def recent_jobs(actor: User, limit: int = 10) -> list[ImportJob]:
    """Return the actor's latest jobs, without their lists of bad rows."""
    return list(
        ImportJob.select(ImportJob.public_id, ImportJob.kind, ImportJob.filename, ImportJob.status,
                         ImportJob.total_rows, ImportJob.created_at)
        .where(ImportJob.user == actor.id)
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
        .limit(limit)
    )
