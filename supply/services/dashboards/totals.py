"""The city's weighed totals per Beijing day, counted ahead so that the city's dashboard reads a few hundred rows
instead of every lot and shipment line of the season.

`count()` recounts the last 13 months into `city_day` in one transaction: grams registered per category (lots
registered at their origin, not made from other lots) and grams shipped per category and receiver's province and
city (shipments not cancelled). The worker recounts every minute (supply.services.dashboards.tasks); a dashboard
that finds the totals older than CITY_TOTALS_MAX_AGE seconds (default 300) recounts them first, so without a worker
(the embedded SQLite of `make run`) the first viewer after that pays for it. One count runs at a time (a PostgreSQL
advisory lock; a second one waits for nothing and reads what is there)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from flask import current_app
from flask import has_app_context
from peewee import JOIN
from peewee import fn

from supply.clock import utcnow
from supply.db import db
from supply.db import is_sqlite
from supply.models import Batch
from supply.models import BatchLink
from supply.models import CityDay
from supply.models import CityTotalsState
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models.custody import ShipmentStatus
from supply.services.dashboards.charts import as_date
from supply.services.dashboards.charts import grams
from supply.services.dashboards.charts import local_day
from supply.services.dashboards.charts import utc_start

COUNT_LOCK = 7_300_812
DAYS = 400
MAX_AGE_SECONDS = 300


def _counting_alone() -> bool:
    if is_sqlite():
        return True
    return bool(db.execute_sql("SELECT pg_try_advisory_xact_lock(%s)", (COUNT_LOCK,)).fetchone()[0])


def count(today: datetime.date) -> bool:
    """Recount the daily totals of the last 400 days; tell whether this call counted (False: another was)."""
    first = today - datetime.timedelta(days=DAYS)
    weight = fn.SUM(grams(Batch.quantity, Batch.unit)).coerce(False)
    registered = (Batch.select(Batch.produced_on, Product.category, weight).join(Product)
                  .join_from(Batch, BatchLink, JOIN.LEFT_OUTER, on=(BatchLink.child == Batch.id))
                  .where(BatchLink.id.is_null(), Batch.produced_on >= first)
                  .group_by(Batch.produced_on, Product.category).tuples())
    day = local_day(Shipment.departed_at)
    shipped_weight = fn.SUM(grams(ShipmentLine.quantity, Batch.unit)).coerce(False)
    shipped = (ShipmentLine.select(day, Product.category, Party.province, Party.city, shipped_weight)
               .join(Shipment).join(Party, on=(Shipment.receiver == Party.id))
               .switch(ShipmentLine).join(Batch).join(Product)
               .where(Shipment.status != ShipmentStatus.CANCELLED, Shipment.departed_at >= utc_start(first))
               .group_by(day, Product.category, Party.province, Party.city).tuples())
    with db.atomic():
        if not _counting_alone():
            return False
        totals: dict = defaultdict(lambda: [0, 0])
        for when, category, gram_sum in registered:
            totals[(as_date(when), category, "", "")][0] += int(gram_sum or 0)
        for when, category, province, city, gram_sum in shipped:
            totals[(as_date(when), category, province or "", city or "")][1] += int(gram_sum or 0)
        CityDay.delete().execute()
        rows = [{"day": key[0], "category": key[1], "province": key[2], "city": key[3], "registered_grams": reg,
                 "shipped_grams": out} for key, (reg, out) in totals.items() if reg or out]
        for start in range(0, len(rows), 500):
            CityDay.insert_many(rows[start:start + 500]).execute()
        CityTotalsState.insert(id=1, counted_at=utcnow()).on_conflict(
            conflict_target=[CityTotalsState.id], preserve=[CityTotalsState.counted_at]).execute()
    return True


def max_age() -> datetime.timedelta:
    """How old the totals may be before a dashboard recounts them."""
    seconds = current_app.config.get("CITY_TOTALS_MAX_AGE", MAX_AGE_SECONDS) if has_app_context() \
        else MAX_AGE_SECONDS
    return datetime.timedelta(seconds=seconds)


def daily_totals(today: datetime.date, since: datetime.date) -> list[CityDay]:
    """The daily totals from a day on, recounted first when older than the allowed age."""
    state = CityTotalsState.get_or_none(CityTotalsState.id == 1)
    if state is None or state.counted_at is None or utcnow() - state.counted_at >= max_age():
        count(today)
    return list(CityDay.select().where(CityDay.day >= since))


def counted_at() -> datetime.datetime | None:
    """When the totals were last counted (UTC)."""
    state = CityTotalsState.get_or_none(CityTotalsState.id == 1)
    return state.counted_at if state else None
