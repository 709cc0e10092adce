"""Reading the audit log: the entries admins and inspectors browse, filter and export as a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io
import json

from peewee import JOIN

from supply import permissions
from supply.clock import local_day_bounds
from supply.clock import to_local
from supply.i18n import N_
from supply.models import AuditEntry
from supply.models import User
from supply.services.errors import Invalid

COLUMNS = ("time", "actor", "action", "table", "record", "changes")
# An export larger than this is refused: narrow the filters (a period) instead.
MAX_EXPORT_ROWS = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _actor_condition(value: str):
    """Match the actor by id (digits) or by email (any case)."""
    value = value.strip()
    if value.isdigit() and len(value) <= 18:  # an id fits a 64-bit integer; longer digits match no one
        return AuditEntry.actor == int(value)
    return User.email == value.lower()


def list_entries(actor: User, filters: dict):
    """Return the query of audit entries matching the filters, newest first (admins and inspectors only).

    Filters: `actor` (email or id), `action` (a prefix: "shipments" or "shipments.create"), `table`, `record`
    (a record key; `RC2026-0001` also finds the recall's lines `RC2026-0001#7`), `date_from` and `date_to`
    (days in Asia/Shanghai, both included).
    """
    permissions.require_reads_audit(actor)
    query = (
        AuditEntry.select(AuditEntry, User)
        .join(User, JOIN.LEFT_OUTER, on=(AuditEntry.actor == User.id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if filters.get("actor"):
        query = query.where(_actor_condition(filters["actor"]))
    if filters.get("action"):
        query = query.where(AuditEntry.action.startswith(filters["action"]))
    if filters.get("table"):
        query = query.where(AuditEntry.table == filters["table"])
    if filters.get("record"):
        record = filters["record"]
        query = query.where((AuditEntry.record_key == record) | AuditEntry.record_key.startswith(record + "#"))
    if filters.get("date_from"):
        query = query.where(AuditEntry.at >= local_day_bounds(filters["date_from"], filters["date_from"])[0])
    if filters.get("date_to"):
        query = query.where(AuditEntry.at < local_day_bounds(filters["date_to"], filters["date_to"])[1])
    return query


def known_actions() -> list[str]:
    """Return every action the log holds, for the filter's suggestions."""
    return [row.action for row in AuditEntry.select(AuditEntry.action).distinct().order_by(AuditEntry.action)]


def known_tables() -> list[str]:
    """Return every table the log names, for the filter's choices."""
    rows = AuditEntry.select(AuditEntry.table).where(AuditEntry.table != "").distinct().order_by(AuditEntry.table)
    return [row.table for row in rows]


def local_iso(value: datetime.datetime) -> str:
    """Write a stored UTC time as Asia/Shanghai ISO 8601 with its offset (sorts as text within the zone)."""
    return to_local(value).isoformat(timespec="seconds")


def _cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(entry: AuditEntry) -> list[str]:
    """Return one entry as the cells of a spreadsheet row."""
    email = entry.actor.email if entry.actor_id is not None else ""
    changes = json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)
    return [local_iso(entry.at), _cell(email), entry.action, entry.table, _cell(entry.record_key), changes]


def export_csv(actor: User, filters: dict) -> bytes:
    """Return the matching entries as UTF-8 CSV with a byte order mark (admins and inspectors only)."""
    query = list_entries(actor, filters)
    if query.order_by().count() > MAX_EXPORT_ROWS:
        raise Invalid.field("from", N_("More than 50,000 entries match: choose a shorter period."))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(csv_row(entry) for entry in query.iterator())
    return buffer.getvalue().encode("utf-8-sig")


def file_name(filters: dict) -> str:
    """Name the download after its period, when it has one."""
    days = [filters[name].strftime("%Y%m%d") for name in ("date_from", "date_to") if filters.get(name)]
    return "-".join(["audit", *days]) + ".csv"


def flat_changes(changes, prefix: str = "") -> list[tuple[str, str]]:
    """Spell out an entry's changes as (field, value) pairs, nested fields as dotted names, for a page."""
    if isinstance(changes, dict):
        pairs: list[tuple[str, str]] = []
        for key, value in changes.items():
            pairs.extend(flat_changes(value, f"{prefix}.{key}" if prefix else str(key)))
        return pairs
    if isinstance(changes, list) and any(isinstance(item, dict | list) for item in changes):
        pairs = []
        for i, item in enumerate(changes):
            pairs.extend(flat_changes(item, f"{prefix}.{i}"))
        return pairs
    if isinstance(changes, list):
        return [(prefix, ", ".join("" if item is None else str(item) for item in changes))]
    if changes is None:
        return [(prefix, "—")]
    if isinstance(changes, bool):
        return [(prefix, "✓" if changes else "✗")]
    return [(prefix, str(changes))]
