"""Keeping the public facts of lots nobody scanned yet, as a periodic task of the queue's worker (PostgreSQL):
every 10 seconds the facts of up to 200 lots without any, newest first (supply.services.public.facts.fill), so a
lot's first scan is already a cold page of one read. Writes forget facts; the next rounds gather them again."""

from __future__ import annotations

import logging

from supply.services.jobs.queue import periodic
from supply.services.public import facts

logger = logging.getLogger(__name__)

CRON = "* * * * * */10"
ROUND = 200


@periodic("public.fill_facts", cron=CRON)
def fill_facts() -> None:
    """Keep the facts of the next lots that have none."""
    kept = facts.fill(ROUND)
    if kept:
        logger.info("kept the public facts of %d lot(s)", kept)
