"""The verifier as a periodic task of the queue's worker (PostgreSQL): every 10 seconds, one round of the lots
verified longest ago (supply.services.custody.verifier), so a deployment that runs a worker re-checks every
lot's chain without a separate `verify-chain --watch` process. One round runs at a time across all workers."""

from __future__ import annotations

import logging

from supply.services.custody import verifier
from supply.services.jobs.queue import periodic

logger = logging.getLogger(__name__)

CRON = "* * * * * */10"  # every 10 seconds (the 6th, last cron column counts seconds)


@periodic("custody.verify_round", cron=CRON)
def verify_round() -> None:
    """Check the next slice of lots and record what was found."""
    logger.info("%s", verifier.verify_round(verifier.ROUND_SIZE).line())
