"""The dashboard of a producer or operator: its stock, its weeks, its shipments, certificates, holds and recalls,
and the scans of its codes."""

from __future__ import annotations

import datetime
from collections import defaultdict

from peewee import JOIN
from peewee import fn

from supply.i18n import N_
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Hold
from supply.models import HoldBatch
from supply.models import Holding
from supply.models import Party
from supply.models import Product
from supply.models import Recall
from supply.models import RecallLot
from supply.models import Scan
from supply.models import Shipment
from supply.models import Site
from supply.models import User
from supply.models.custody import ShipmentStatus
from supply.services.certification.reads import certificates_of_party
from supply.services.dashboards.charts import Chart
from supply.services.dashboards.charts import Dashboard
from supply.services.dashboards.charts import Named
from supply.services.dashboards.charts import as_date
from supply.services.dashboards.charts import in_units
from supply.services.dashboards.charts import local_day
from supply.services.dashboards.charts import names_of
from supply.services.dashboards.charts import utc_start
from supply.services.dashboards.charts import week_of
from supply.services.dashboards.charts import weeks_back
from supply.services.public.scans import suspicious

WEEKS = 12
SCAN_DAYS = 30
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


def stock(party_id: int) -> Chart:
    """What the party holds, by product and site, in each lot's unit."""
    keys = (Product.code, *names_of(Product), Site.code, *names_of(Site), Batch.unit)
    rows = (Holding.select(*keys, fn.SUM(Holding.on_hand).coerce(False))
            .join(Batch).join(Product).switch(Holding).join(Site)
            .where(Holding.party == party_id, Holding.on_hand > 0)
            .group_by(*keys).order_by(Product.code, Site.code).tuples())
    return Chart("stock", N_("Stock on hand by product and site"), "bars",
                 (N_("Product and site"), N_("On hand"), N_("Unit")), label="product_site",
                 rows=[((Named(*row[1:4]), Named(*row[5:8])), in_units(row[9]), row[8]) for row in rows])


def weekly(party_id: int, today: datetime.date) -> Chart:
    """Lots harvested (registered, not made from other lots) and shipments received, per week."""
    weeks = weeks_back(today, WEEKS)
    registered = (Batch.select(Batch.produced_on, fn.COUNT(Batch.id))
                  .join(BatchLink, JOIN.LEFT_OUTER, on=(BatchLink.child == Batch.id))
                  .where(Batch.origin_party == party_id, BatchLink.id.is_null(), Batch.produced_on >= weeks[0])
                  .group_by(Batch.produced_on).tuples())
    day = local_day(Shipment.received_at)
    received = (Shipment.select(day, fn.COUNT(Shipment.id))
                .where(Shipment.receiver == party_id, Shipment.received_at >= utc_start(weeks[0]))
                .group_by(day).tuples())
    counts: dict = defaultdict(lambda: [0, 0])
    for day, count in registered:
        counts[week_of(as_date(day))][0] += count
    for day, count in received:
        counts[week_of(as_date(day))][1] += count
    return Chart("weeks", N_("Harvests and receipts per week"), "columns",
                 (N_("Week"), N_("Lots harvested"), N_("Shipments received")), drawn=2, label="week",
                 rows=[(week, *counts[week]) for week in weeks])


def shipments(party_id: int) -> list[Chart]:
    """Shipments in transit out of the party, and those waiting for it to receive them."""
    def listed(where) -> list:
        query = (Shipment.select(Shipment, Party).join(Party, on=(Shipment.receiver == Party.id))
                 .where(Shipment.status == ShipmentStatus.IN_TRANSIT, where).order_by(Shipment.departed_at))
        return list(query.limit(50))
    out = [(s.code, s.receiver, s.departed_at) for s in listed(Shipment.sender == party_id)]
    waiting = (Shipment.select(Shipment, Party).join(Party, on=(Shipment.sender == Party.id))
               .where(Shipment.status == ShipmentStatus.IN_TRANSIT, Shipment.receiver == party_id)
               .order_by(Shipment.departed_at).limit(50))
    return [
        Chart("in_transit", N_("Shipments in transit out"), "table", (N_("Shipment"), N_("To"), N_("Departed")),
              rows=out, label="shipment"),
        Chart("awaiting", N_("Shipments awaiting receipt"), "table", (N_("Shipment"), N_("From"), N_("Departed")),
              rows=[(s.code, s.sender, s.departed_at) for s in waiting], label="shipment"),
    ]


def expiring(actor: User, party: Party, today: datetime.date) -> Chart:
    """Certificates of the party that end within 60 days."""
    found = certificates_of_party(actor, party, {"expiring_within": 60}, today).limit(50)
    return Chart("expiring", N_("Certificates expiring in the next 60 days"), "table",
                 (N_("Certificate"), N_("Kind"), N_("Valid to"), N_("Days left")), label="certificate",
                 rows=[(c.id, c.kind, c.valid_to, (c.valid_to - today).days) for c in found])


def stops(party_id: int) -> Chart:
    """Open holds and recalls on lots the party holds or made."""
    mine = Batch.select(Batch.id).where((Batch.holder == party_id) | (Batch.origin_party == party_id))
    holds = (Hold.select(Hold.id, Batch.lot_code, Hold.opened_at, Hold.reason).join(HoldBatch).join(Batch)
             .where(Hold.released_at.is_null(), HoldBatch.batch.in_(mine)).distinct().limit(50).tuples())
    recalls = (Recall.select(Recall.code, Batch.lot_code, Recall.opened_at, Recall.finish_by)
               .join(RecallLot).join(Batch).where(Recall.status == "open", RecallLot.batch.in_(mine))
               .distinct().limit(50).tuples())
    rows = [("hold", lot, opened, reason) for _, lot, opened, reason in holds]
    rows += [("recall", lot, opened, code) for code, lot, opened, _ in recalls]
    return Chart("stops", N_("Holds and recalls on my lots"), "table", (N_("Kind"), N_("Lot"), N_("Since"),
                 N_("Reason or recall")), rows=sorted(rows, key=lambda row: row[2], reverse=True), label="stop")


def scans(party_id: int, today: datetime.date) -> list[Chart]:
    """Scans of the party's codes per day and page language over 30 days, and its lots scanned suspiciously often."""
    first = today - datetime.timedelta(days=SCAN_DAYS - 1)
    since = utc_start(first)
    day = local_day(Scan.scanned_at)
    found = (Scan.select(day, Scan.language, fn.COUNT(Scan.id)).join(Batch, on=(Scan.batch_id == Batch.id))
             .where(Batch.origin_party == party_id, Scan.scanned_at >= since)
             .group_by(day, Scan.language).tuples())
    counts: dict = defaultdict(lambda: [0, 0, 0])
    for when, language, count in found:
        index = LANGUAGES.index(language) if language in LANGUAGES else 0
        counts[as_date(when)][index] += count
    days = [first + datetime.timedelta(days=n) for n in range(SCAN_DAYS)]
    per_day = Chart("scans", N_("Scans of my codes per day, by page language"), "columns",
                    (N_("Day"), N_("Simplified Chinese"), N_("Traditional Chinese"), N_("English")), drawn=3,
                    label="day", rows=[(d, *counts[d]) for d in days])
    totals = (Batch.select(Batch.lot_code, Batch.unit, Batch.quantity, fn.COUNT(Scan.id))
              .join(Scan, on=(Scan.batch_id == Batch.id))
              .where(Batch.origin_party == party_id)
              .group_by(Batch.lot_code, Batch.unit, Batch.quantity).tuples())
    warned = [(lot, count, quantity, unit) for lot, unit, quantity, count in totals
              if suspicious(count, unit, quantity)]
    warnings = Chart("counterfeit", N_("Counterfeit warnings"), "table",
                     (N_("Lot"), N_("Scans"), N_("Quantity"), N_("Unit")), rows=warned, label="lot",
                     note=N_("Lots scanned far more often than they have packs: a label may have been copied."))
    return [per_day, warnings]


def producer_dashboard(actor: User, today: datetime.date) -> Dashboard:
    """The dashboard of the actor's party."""
    party = Party.get_by_id(actor.party_id)
    charts = [stock(party.id), weekly(party.id, today), *shipments(party.id), expiring(actor, party, today),
              stops(party.id), *scans(party.id, today)]
    figures = [(N_("Shipments awaiting receipt"), len(charts[3].rows)), (N_("Shipments in transit out"),
               len(charts[2].rows)), (N_("Open holds and recalls"), len(charts[5].rows))]
    return Dashboard(actor.role, figures, charts)
