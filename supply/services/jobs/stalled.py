"""Retry the jobs of a worker that stopped without finishing them (killed, its host lost).

Every worker sends a heartbeat; a job still marked as running by a worker whose heartbeat is older than the
worker's `stalled_seconds` setting is put back in the queue, and another worker runs it again. A task must make
that safe: an import checks, in the transaction that would write, whether an earlier run already committed.
"""

from __future__ import annotations

import logging

from procrastinate import JobContext

from supply.services.jobs.queue import queue

logger = logging.getLogger(__name__)

# How often a worker looks for stalled jobs: every 10 seconds (a 6th cron column, after the weekday, counts seconds).
CHECK_CRON = "* * * * * */10"


@queue.periodic(cron=CHECK_CRON)
@queue.task(name="jobs.retry_stalled", queueing_lock="jobs.retry_stalled", pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Put the running jobs of workers gone silent back in the queue."""
    manager = context.app.job_manager
    stalled_seconds = (context.additional_context or {}).get("stalled_seconds", 30)
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds):
        logger.warning("Retrying job %s (%s) of a worker gone silent", job.id, job.task_name)
        await manager.retry_job(job)
