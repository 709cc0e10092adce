"""The inspector's dashboard: the review queue with ages, open holds, open recalls with the time left, and tests per
month with failure rates by county, product and analyte."""

from __future__ import annotations

import datetime
from collections import defaultdict

from peewee import Case
from peewee import fn

from supply.clock import utcnow
from supply.i18n import N_
from supply.models import Batch
from supply.models import Certificate
from supply.models import Hold
from supply.models import HoldBatch
from supply.models import Party
from supply.models import Product
from supply.models import Recall
from supply.models import Site
from supply.models import TestResult
from supply.models import User
from supply.models.certification import CertificateStatus
from supply.services.dashboards.charts import Chart
from supply.services.dashboards.charts import Dashboard
from supply.services.dashboards.charts import Named
from supply.services.dashboards.charts import as_date
from supply.services.dashboards.charts import local_day
from supply.services.dashboards.charts import month_of
from supply.services.dashboards.charts import months_back
from supply.services.dashboards.charts import names_of
from supply.services.dashboards.charts import percent
from supply.services.dashboards.charts import utc_start

MONTHS = 12
LISTED = 50


def queue(now: datetime.datetime) -> Chart:
    """Certificates waiting for review, oldest first, with their age in days."""
    waiting = (Certificate.select(Certificate.id, Certificate.kind, Certificate.created_at, *names_of(Party))
               .join(Party, on=(Certificate.party == Party.id))
               .where(Certificate.status == CertificateStatus.SUBMITTED)
               .order_by(Certificate.created_at).limit(LISTED).tuples())
    return Chart("queue", N_("Review queue"), "table", (N_("Certificate"), N_("Kind"), N_("Holder"), N_("Age (days)")),
                 rows=[(cid, kind, Named(*names), (now - created).days) for cid, kind, created, *names in waiting],
                 label="certificate")


def holds() -> Chart:
    """Holds not released, newest first."""
    found = (Hold.select(Hold.id, Batch.lot_code, Hold.opened_at, Hold.reason).join(HoldBatch).join(Batch)
             .where(Hold.released_at.is_null()).order_by(Hold.opened_at.desc()).limit(LISTED).tuples())
    return Chart("holds", N_("Open holds"), "table", (N_("Hold"), N_("Lot"), N_("Since"), N_("Reason")),
                 rows=list(found), label="hold")


def recalls(now: datetime.datetime) -> Chart:
    """Open recalls with the hours left to their deadline (negative: overdue)."""
    found = (Recall.select(Recall.code, Batch.lot_code, Recall.level, Recall.finish_by).join(Batch)
             .where(Recall.status == "open").order_by(Recall.finish_by).limit(LISTED).tuples())
    rows = [(code, lot, level, finish_by, int((finish_by - now).total_seconds() // 3600))
            for code, lot, level, finish_by in found]
    return Chart("recalls", N_("Open recalls"), "table",
                 (N_("Recall"), N_("Lot"), N_("Level"), N_("Deadline"), N_("Hours left")), rows=rows, label="recall")


def tests_per_month(today: datetime.date) -> Chart:
    """Tests recorded per month, and how many failed."""
    months = months_back(today, MONTHS)
    day = local_day(TestResult.tested_at)
    failed = fn.SUM(Case(None, ((TestResult.passed == False, 1),), 0))  # noqa: E712 (SQL, not Python)
    found = (TestResult.select(day, fn.COUNT(TestResult.id), failed)
             .where(TestResult.tested_at >= utc_start(months[0])).group_by(day).tuples())
    counts: dict = defaultdict(lambda: [0, 0])
    for when, total, bad in found:
        counts[month_of(as_date(when))][0] += total
        counts[month_of(as_date(when))][1] += int(bad or 0)
    head = (N_("Month"), N_("Tests"), N_("Failed"), N_("Failure rate %"))
    return Chart("tests", N_("Tests per month"), "columns", head, drawn=2, label="month",
                 rows=[(m, counts[m][0], counts[m][1], percent(counts[m][1], counts[m][0])) for m in months])


def failure_rates(today: datetime.date) -> list[Chart]:
    """The share of tests failed over 12 months, by the county of the lot's origin site, by product, by analyte."""
    since = utc_start(months_back(today, MONTHS)[0])
    failed = fn.SUM(Case(None, ((TestResult.passed == False, 1),), 0))  # noqa: E712 (SQL, not Python)
    charts = []
    for key, title, head, column, label in (
        ("by_county", N_("Failure rate by county"), N_("County"), Site.county, "county"),
        ("by_product", N_("Failure rate by product"), N_("Product"), Product.id, "product"),
        ("by_analyte", N_("Failure rate by analyte"), N_("Analyte"), TestResult.analyte, "analyte"),
    ):
        found = (TestResult.select(column, fn.COUNT(TestResult.id), failed)
                 .join(Batch).join(Site, on=(Batch.origin_site == Site.id))
                 .switch(Batch).join(Product, on=(Batch.product == Product.id))
                 .where(TestResult.tested_at >= since).group_by(column).tuples())
        if label == "product":
            named = {row[0]: Named(*row[1:]) for row in Product.select(Product.id, *names_of(Product)).tuples()}
            found = [(named[key], total, bad) for key, total, bad in found]
        rows = sorted(((key or "—", percent(bad, total), total, int(bad or 0)) for key, total, bad in found),
                      key=lambda row: (-row[1], str(row[0])))
        charts.append(Chart(key, title, "bars", (head, N_("Failure rate %"), N_("Tests"), N_("Failed")), rows=rows,
                            label=label, unit="%"))
    return charts


def inspector_dashboard(actor: User, today: datetime.date) -> Dashboard:
    """The dashboard of inspectors."""
    now = utcnow()
    charts = [queue(now), holds(), recalls(now), tests_per_month(today), *failure_rates(today)]
    figures = [(N_("Waiting for review"), len(charts[0].rows)), (N_("Open holds"), len(charts[1].rows)),
               (N_("Open recalls"), len(charts[2].rows))]
    return Dashboard(actor.role, figures, charts)
