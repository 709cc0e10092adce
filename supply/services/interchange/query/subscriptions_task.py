"""Subscriptions as a periodic task of the queue's worker (PostgreSQL): every 2 seconds, enqueue each subscription's
new matching events and send the webhook deliveries that are due (first tries and retries). On the embedded SQLite
default, `flask --app wsgi deliver-webhooks --watch` runs the same round beside the web process."""

from __future__ import annotations

import logging

from supply.config import public_base_url
from supply.services.interchange.query import subscriptions
from supply.services.jobs.queue import periodic
from supply.services.webhooks import settings

logger = logging.getLogger(__name__)

CRON = "* * * * * */2"  # every 2 seconds (the 6th, last cron column counts seconds)


@periodic("interchange.subscriptions_round", cron=CRON)
def subscriptions_round() -> None:
    """Enqueue new events of every subscription and send the due deliveries."""
    enqueued, attempted = subscriptions.run_round(public_base_url(), settings.from_environment())
    if enqueued or attempted:
        logger.info("subscriptions: %d new event(s) enqueued, %d delivery attempt(s)", enqueued, attempted)
