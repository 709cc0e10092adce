"""The notifications as periodic tasks of the queue's worker (PostgreSQL): send what is due every 10 seconds, look
for reminders every minute. Without a worker (the embedded SQLite of `make run`), `flask --app wsgi notify --watch`
does the same."""

from __future__ import annotations

import logging

from supply.services.jobs.queue import periodic
from supply.services.notifications import delivery
from supply.services.notifications import triggers

logger = logging.getLogger(__name__)


@periodic("notifications.deliver", cron="* * * * * */10")
def deliver() -> None:
    """Send the notifications due."""
    tried = delivery.deliver_due()
    if tried:
        logger.info("%d notifications sent or tried", tried)


@periodic("notifications.remind", cron="* * * * *")
def remind() -> None:
    """Keep the reminders due (recall deadlines, certificates ending)."""
    kept = triggers.remind()
    if kept:
        logger.info("%d reminders kept", kept)
