"""The city's daily totals as a periodic task of the queue's worker (PostgreSQL): recounted every minute, so the
city's dashboard reads them without counting the season (supply.services.dashboards.totals)."""

from __future__ import annotations

from supply.clock import local_today
from supply.services.dashboards import totals
from supply.services.jobs.queue import periodic


@periodic("dashboards.count_city", cron="* * * * *")
def count_city() -> None:
    """Recount the city's daily totals."""
    totals.count(local_today())
