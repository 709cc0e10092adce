"""The city's dashboard (admins and the bureau's read-only observers): tonnes registered and shipped per star
product and month, the share shipped out of Qinghai, to the Greater Bay Area and to Hong Kong, compliance
certificates issued, certified sites and their area, and scans per day."""

from __future__ import annotations

import datetime
from collections import defaultdict

from peewee import fn

from supply.i18n import N_
from supply.models import Certificate
from supply.models import CityDay
from supply.models import Scan
from supply.models import Site
from supply.models import User
from supply.models.certification import CertificateStatus
from supply.regions import HONG_KONG
from supply.regions import QINGHAI
from supply.regions import in_bay_area
from supply.services.certification.certificates import evaluated
from supply.services.dashboards.charts import Chart
from supply.services.dashboards.charts import Dashboard
from supply.services.dashboards.charts import as_date
from supply.services.dashboards.charts import in_tonnes
from supply.services.dashboards.charts import local_day
from supply.services.dashboards.charts import month_of
from supply.services.dashboards.charts import months_back
from supply.services.dashboards.charts import percent
from supply.services.dashboards.charts import utc_start
from supply.services.dashboards.totals import counted_at
from supply.services.dashboards.totals import daily_totals

MONTHS = 12
SCAN_DAYS = 30
# The star products that are weighed (seedlings and live yak are counted, not weighed).
STAR_CATEGORIES = ("vegetable", "strawberry", "mushroom", "yak_meat")
CATEGORY_HEADS = tuple(f"category:{category}" for category in STAR_CATEGORIES)


def _per_month(days: list[CityDay], months: list[datetime.date], field: str) -> list[tuple]:
    sums: dict = defaultdict(lambda: defaultdict(int))
    for day in days:
        sums[month_of(day.day)][day.category] += getattr(day, field)
    return [(month, *(in_tonnes(sums[month][c]) for c in STAR_CATEGORIES)) for month in months]


def registered(days: list[CityDay], months: list[datetime.date]) -> Chart:
    """Tonnes harvested or slaughtered (lots registered, not made from other lots) per star product and month."""
    return Chart("registered", N_("Tonnes registered per star product and month"), "columns",
                 (N_("Month"), *CATEGORY_HEADS), drawn=len(STAR_CATEGORIES), label="month", unit="t",
                 rows=_per_month(days, months, "registered_grams"))


def shipped(days: list[CityDay], months: list[datetime.date]) -> list[Chart]:
    """Tonnes shipped per star product and month; and where they went: out of Qinghai, the Bay Area, Hong Kong."""
    per_month = Chart("shipped", N_("Tonnes shipped per star product and month"), "columns",
                      (N_("Month"), *CATEGORY_HEADS), drawn=len(STAR_CATEGORIES), label="month", unit="t",
                      rows=_per_month(days, months, "shipped_grams"))
    total = out = bay = hong_kong = 0
    for day in days:
        total += day.shipped_grams
        out += day.shipped_grams if day.province and day.province != QINGHAI else 0
        bay += day.shipped_grams if in_bay_area(day.province, day.city) else 0
        hong_kong += day.shipped_grams if day.province == HONG_KONG else 0
    rows = [(key, in_tonnes(value), percent(value, total)) for key, value in
            (("all", total), ("out_of_qinghai", out), ("bay_area", bay), ("hong_kong", hong_kong))]
    where = Chart("destinations", N_("Where the shipped tonnes went (12 months)"), "bars",
                  (N_("Destination"), N_("Tonnes"), N_("Share %")), rows=rows, label="destination", unit="t",
                  note=N_("By the receiving party's province and city; a party without a province counts only in all."))
    return [per_month, where]


def compliance(today: datetime.date) -> Chart:
    """Compliance certificates issued per month."""
    months = months_back(today, MONTHS)
    day = local_day(Certificate.created_at)
    found = (Certificate.select(day, fn.COUNT(Certificate.id))
             .where(Certificate.kind == "compliance", Certificate.created_at >= utc_start(months[0]))
             .group_by(day).tuples())
    counts: dict = defaultdict(int)
    for when, count in found:
        counts[month_of(as_date(when))] += count
    return Chart("compliance", N_("Compliance certificates issued per month"), "columns",
                 (N_("Month"), N_("Certificates")), label="month", rows=[(m, counts[m]) for m in months])


def certified_sites(today: datetime.date) -> Chart:
    """Sites covered by a certificate in force today (of the site itself, or of a product grown there), by kind."""
    found = (Certificate.select(Certificate.kind, fn.COUNT(fn.DISTINCT(Site.id)))
             .join(Site, on=(Certificate.site == Site.id))
             .where(evaluated(today) == CertificateStatus.APPROVED).group_by(Certificate.kind).tuples())
    areas = (Site.select(Certificate.kind, Site.id, Site.area_mu).join(Certificate, on=(Certificate.site == Site.id))
             .where(evaluated(today) == CertificateStatus.APPROVED).distinct().tuples())
    area: dict = defaultdict(int)
    for kind, _, mu in areas:
        area[kind] += mu or 0
    rows = sorted(((kind, count, area[kind]) for kind, count in found), key=lambda row: row[0])
    return Chart("certified", N_("Certified sites and their area"), "bars", (N_("Certificate"), N_("Sites"),
                 N_("Area (mu)")), rows=rows, label="certificate_kind")


def scans_per_day(today: datetime.date) -> Chart:
    """Scans of every code per day over 30 days."""
    first = today - datetime.timedelta(days=SCAN_DAYS - 1)
    day = local_day(Scan.scanned_at)
    found = Scan.select(day, fn.COUNT(Scan.id)).where(Scan.scanned_at >= utc_start(first)).group_by(day).tuples()
    counts = {as_date(when): count for when, count in found}
    days = [first + datetime.timedelta(days=n) for n in range(SCAN_DAYS)]
    return Chart("scans", N_("Scans per day"), "columns", (N_("Day"), N_("Scans")), label="day",
                 rows=[(d, counts.get(d, 0)) for d in days])


def city_dashboard(actor: User, today: datetime.date) -> Dashboard:
    """The dashboard of the city."""
    months = months_back(today, MONTHS)
    days = daily_totals(today, months[0])
    charts = [registered(days, months), *shipped(days, months), compliance(today), certified_sites(today),
              scans_per_day(today)]
    destinations = charts[2].rows
    figures = [(N_("Tonnes shipped (12 months)"), destinations[0][1]),
               (N_("Share out of Qinghai %"), destinations[1][2]),
               (N_("Share to the Greater Bay Area %"), destinations[2][2])]
    return Dashboard(actor.role, figures, charts, counted_at())
