"""The recall report after the Chinese recall plan: producer, product, batches and quantities, area, reason, level,
notices and deadlines; as data for the printable page and as a sortable CSV sheet.

The CSV has one header row (Chinese and English) and one row per lot and holder (a lot no party holds or
received has one row with the holder left blank), so it sorts and filters in a spreadsheet like the FDA's
FSMA 204 sheet. UTF-8 with a byte order mark so that Excel reads the Chinese; RFC 4180 quoting; times in
ISO 8601 in Asia/Shanghai so they sort as text; cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from supply.clock import to_local
from supply.models import Party
from supply.models import Recall
from supply.models import RecallLot
from supply.models import RecallNotice
from supply.models import User
from supply.services.recalls import recalls
from supply.services.recalls.holders import Holder

COLUMNS = (
    "召回编号 Recall", "级别 Level", "启动期限 Start by", "完成期限 Finish by", "批次 Lot", "关系 Relation",
    "层级 Depth", "产品代码 Product code", "产品名称 Product", "生产者 Producer", "生产日期 Produced on",
    "数量 Quantity", "单位 Unit", "已分销 Distributed", "已召回 Recovered", "已销毁 Destroyed",
    "持有方代码 Holder code", "持有方 Holder", "持有方库存 Holder on hand", "持有方收货 Holder received",
    "在途 Holder in transit", "联系电话 Phone", "地址 Address", "通知 Notices sent", "原因 Reason", "范围 Area",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class RecallReport:
    """Everything the recall plan names, read once for the page and the sheet."""

    recall: Recall
    producers: list[Party]
    products: list[str]
    lots: list[RecallLot]
    holders: list[Holder]
    notices: list[RecallNotice]

    def holders_of(self, lot: str) -> list[tuple[Holder, object]]:
        """Return the holders of one lot with what each has of it."""
        return [(holder, line) for holder in self.holders for line in holder.lots if line.lot == lot]

    def totals(self) -> dict[str, dict[str, Decimal]]:
        """Sum quantity, distributed, recovered and destroyed by unit."""
        sums: dict[str, dict[str, Decimal]] = {}
        for line in self.lots:
            unit = sums.setdefault(line.unit, dict.fromkeys(("quantity", "distributed", "recovered", "destroyed"),
                                                            Decimal(0)))
            for name in unit:
                unit[name] += getattr(line, name)
        return sums


def recall_report(actor: User, code: str) -> RecallReport:
    """Gather a recall's report (inspectors and admins)."""
    recall = recalls.get_recall(actor, code)
    lots = recalls.recall_lots(recall)
    root_party = recall.batch.origin_party_id
    producer_ids = sorted({line.batch.origin_party_id for line in lots} | {root_party})
    # The root lot's producer first: the one the recall plan names; then the producers of the other lots.
    producers = sorted(Party.select().where(Party.id.in_(producer_ids)),
                       key=lambda party: (party.id != root_party, party.code))
    products = sorted({f"{line.batch.product.name} ({line.batch.product.code})" for line in lots})
    return RecallReport(recall, producers, products, lots, recalls.recall_holders(actor, recall),
                        recalls.recall_notices(recall))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _time(value) -> str:
    return to_local(value).isoformat(timespec="minutes") if value else ""


def report_rows(report: RecallReport) -> list[list[str]]:
    """Return the sheet's rows: one per lot and holder, in the order of the recall's lots."""
    recall = report.recall
    head = [recall.code, recall.level, _time(recall.start_by), _time(recall.finish_by)]
    plan = [recall.reason, recall.area]
    notices: dict[int, list[str]] = {}
    for notice in report.notices:
        notices.setdefault(notice.party_id, []).append(f"{_time(notice.sent_at)} {notice.channel}")
    rows = []
    for line in report.lots:
        batch = line.batch
        lot = [batch.lot_code, line.relation, line.depth, batch.product.code, batch.product.name,
               _producer(report, batch.origin_party_id), batch.produced_on.isoformat(), line.quantity, line.unit,
               line.distributed, line.recovered, line.destroyed]
        holders = report.holders_of(batch.lot_code) or [(None, None)]
        for holder, held in holders:
            tail = ([holder.code, holder.name, held.on_hand, held.received, held.in_transit, holder.phone,
                     holder.address, "; ".join(notices.get(holder.party_id, []))] if holder else [""] * 8)
            rows.append([_cell(value) for value in head + lot + tail + plan])
    return rows


def _producer(report: RecallReport, party_id: int) -> str:
    return next((party.name for party in report.producers if party.id == party_id), "")


def report_csv(actor: User, code: str) -> tuple[bytes, str]:
    """Return the recall report as UTF-8 CSV with a byte order mark, and its file name."""
    report = recall_report(actor, code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(report_rows(report))
    return buffer.getvalue().encode("utf-8-sig"), re.sub(r"[^A-Za-z0-9._-]", "_", f"recall-{code}") + ".csv"
