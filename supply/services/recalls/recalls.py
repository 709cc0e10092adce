"""Recalls: open one on a lot (every lot up- and downstream marked recalled), track it, close it, or rehearse it.

Only inspectors and admins open, track, read and rehearse recalls. Opening a recall marks every lot the genealogy
reaches `recalled` (which the public page and `gs1:recallStatus` read, and which `stock.require_movable`
refuses to ship or transform) and records `holding`/`recalled` events, one per holder and site of the lots.
"""

from __future__ import annotations

import datetime
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from peewee import IntegrityError

from supply import permissions
from supply.clock import to_local
from supply.clock import to_utc_naive
from supply.clock import utcnow
from supply.db import db
from supply.db import for_update
from supply.db import is_sqlite
from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import compiled
from supply.db.sqlcache import ids_in
from supply.db.sqlcache import slot
from supply.i18n import N_
from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Recall
from supply.models import RecallLot
from supply.models import RecallNotice
from supply.models import User
from supply.models.batch import BatchStatus
from supply.services.audit.writes import audited
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.masterdata.lookup import party_by_code
from supply.services.recalls.holders import Holder
from supply.services.recalls.holders import holders_of
from supply.services.recalls.scope import Scope
from supply.services.recalls.scope import root_of
from supply.services.recalls.scope import scope_of
from supply.services.recalls.working_days import add_working_days
from supply.services.tracing.balance import MassBalance
from supply.services.tracing.balance import balance_of

START_HOURS = {1: 24, 2: 48, 3: 72}
FINISH_WORKING_DAYS = {1: 10, 2: 20, 3: 30}
# Lines per recall event: a recall of thousands of lots writes a few events per holder, not one per lot.
EVENT_LINES = 500


def deadlines(level: int, opened_at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """Return when a recall of this level must start and finish (naive UTC), opened at a naive UTC time."""
    return (opened_at + datetime.timedelta(hours=START_HOURS[level]),
            add_working_days(opened_at, FINISH_WORKING_DAYS[level]))


def check_level(level) -> int:
    """Return the level if it is 1, 2 or 3; else an error on the field `level`."""
    if isinstance(level, bool) or level not in START_HOURS:
        raise Invalid.field("level", N_("The level is 1, 2 or 3."))
    return level


def _next_code(opened_at: datetime.datetime) -> str:
    prefix = f"RC{to_local(opened_at).year}-"
    last = (Recall.select(Recall.code).where(Recall.code.startswith(prefix))
            .order_by(Recall.code.desc()).limit(1).scalar())
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


def _create(actor: User, root_id: int, level: int, reason: str, area: str) -> Recall:
    """Insert the recall under the next free code (a concurrent recall taking it makes this try the next)."""
    opened_at = utcnow()
    start_by, finish_by = deadlines(level, opened_at)
    for _ in range(5):
        try:
            with db.atomic():
                return Recall.create(code=_next_code(opened_at), batch=root_id, level=level, reason=reason,
                                     area=area, opened_by=actor, opened_at=opened_at, start_by=start_by,
                                     finish_by=finish_by)
        except IntegrityError:
            continue
    raise Conflict(N_("Another recall took the code; try again."))


def _mark(actor: User, recall: Recall, scope: Scope) -> None:
    """Mark every lot recalled and record the recall events, one per holder and site (in chunks of lines)."""
    groups: dict[tuple[int, int | None], list] = defaultdict(list)
    for lot in scope.lots:
        groups[(lot.holder_id, lot.site_id)].append(lot)
    data = {"recall": recall.code, "level": recall.level, "reason": recall.reason}
    for (party_id, site_id), lots in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        for start in range(0, len(lots), EVENT_LINES):
            lines = [Line(Batch(id=lot.batch_id, lot_code=lot.lot), "object", None, lot.unit)
                     for lot in lots[start:start + EVENT_LINES]]
            record_event(event_type="ObjectEvent", action="OBSERVE", biz_step="holding", disposition="recalled",
                         party=party_id, site=site_id, recorded_by=actor, lines=lines, data=data)
    _set_recalled(scope.ids)
    _insert_lots(recall, scope)


def _set_recalled(ids: list[int]) -> None:
    """Mark the lots recalled in one statement, the ids bound as one array (a thousand lots, one parameter)."""
    sql, names = compiled("recall.mark", lambda: Batch.update(status=slot("status")).where(ids_in(Batch.id, "ids")))
    values = {"status": BatchStatus.RECALLED, "ids": bind_ids(ids)}
    db.execute_sql(sql, tuple(values[name] for name in names))


_LOT_ROWS = {
    "postgresql": "SELECT {p}, x.batch_id, x.relation, x.depth, x.quantity, x.distributed, 0, 0, x.unit, {p} "
                  "FROM json_to_recordset(CAST({p} AS json)) AS x(batch_id bigint, relation text, depth int, "
                  "quantity bigint, distributed bigint, unit text)",
    "sqlite": "SELECT {p}, value ->> 'batch_id', value ->> 'relation', value ->> 'depth', value ->> 'quantity', "
              "value ->> 'distributed', 0, 0, value ->> 'unit', {p} FROM json_each({p})",
}


def _insert_lots(recall: Recall, scope: Scope) -> None:
    """Write a recall line per lot in one statement, the rows bound as one JSON array."""
    rows = [{"batch_id": lot.batch_id, "relation": lot.relation, "depth": lot.depth,
             "quantity": RecallLot.quantity.db_value(lot.quantity),
             "distributed": RecallLot.distributed.db_value(lot.distributed), "unit": lot.unit}
            for lot in scope.lots]
    select = _LOT_ROWS["sqlite" if is_sqlite() else "postgresql"].format(p=db.param)
    db.execute_sql(
        "INSERT INTO recall_lot (recall_id, batch_id, relation, depth, quantity, distributed, recovered, destroyed, "
        f"unit, updated_at) {select}", (recall.id, utcnow(), json.dumps(rows)))


def _refuse_second_open(root_id: int) -> None:
    """Refuse a recall of a lot that an open recall already started from (a form sent twice); 409 on `lot`.

    Called with the scope's lots locked, so of two concurrent openings the second sees the first.
    """
    code = (Recall.select(Recall.code).where(Recall.batch == root_id, Recall.status == "open")
            .order_by(Recall.id).limit(1).scalar())
    if code is not None:
        message = N_("An open recall of this lot exists already.")
        raise Conflict(message, {"lot": [message, code]})


@audited("recalls.open")
def open_recall(actor: User, data: dict) -> Recall:
    """Open a recall on a lot: mark it and every lot up- and downstream recalled, with events and recall lines.

    `data`: lot, level (1, 2, 3), reason, area (empty: the counties of the sites where the lots are or were).
    """
    permissions.require_inspector(actor)
    level = check_level(data.get("level"))
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise Invalid.field("reason", N_("Give the reason for the recall."))
    with db.atomic():
        scope = scope_of(root_of(data.get("lot") or ""), with_lock=True)
        _refuse_second_open(scope.root.batch_id)
        area = (data.get("area") or "").strip() or "、".join(scope.counties)
        recall = _create(actor, scope.root.batch_id, level, reason, area)
        _mark(actor, recall, scope)
        return recall


def list_recalls(actor: User, filters: dict | None = None):
    """Return the query of recalls, newest first (open or closed when `status` is given)."""
    permissions.require_inspector(actor)
    query = Recall.select(Recall, Batch).join(Batch).order_by(Recall.opened_at.desc(), Recall.id.desc())
    if (filters or {}).get("status"):
        query = query.where(Recall.status == filters["status"])
    return query


def get_recall(actor: User, code: str, lock: bool = False) -> Recall:
    """Return a recall by its code."""
    permissions.require_inspector(actor)
    query = Recall.select(Recall, Batch).join(Batch).where(Recall.code == code)
    recall = (for_update(query) if lock else query).first()
    if recall is None:
        raise NotFound(N_("No recall with this code."))
    return recall


def recall_lots(recall: Recall) -> list[RecallLot]:
    """Return the recall's lots with their batch and product: the root, then upstream and downstream by depth."""
    order = {"root": 0, "upstream": 1, "downstream": 2}
    rows = list(RecallLot.select(RecallLot, Batch, Product).join(Batch).join(Product)
                .where(RecallLot.recall == recall.id))
    return sorted(rows, key=lambda row: (order.get(row.relation, 3), row.depth, row.batch.lot_code))


def recall_holders(actor: User, recall: Recall) -> list[Holder]:
    """List every party holding or having received the recall's lots, with quantities and (for inspectors) contacts."""
    permissions.require_inspector(actor)
    lots = {batch_id: (lot, unit) for batch_id, lot, unit in
            RecallLot.select(RecallLot.batch, Batch.lot_code, RecallLot.unit).join(Batch)
            .where(RecallLot.recall == recall.id).tuples()}
    return holders_of(actor, lots)


def recall_notices(recall: Recall) -> list[RecallNotice]:
    """Return the notices sent, oldest first."""
    return list(RecallNotice.select(RecallNotice, Party).join(Party)
                .where(RecallNotice.recall == recall.id).order_by(RecallNotice.sent_at, RecallNotice.id))


def _require_open(recall: Recall) -> None:
    if recall.status != "open":
        raise Conflict(N_("This recall is closed."))


@audited("recalls.update_lot")
def update_recall_lot(actor: User, code: str, lot: str, data: dict) -> RecallLot:
    """Set what was recovered and destroyed of one lot of a recall (each at most the lot's quantity)."""
    permissions.require_inspector(actor)
    with db.atomic():
        recall = get_recall(actor, code, lock=True)
        _require_open(recall)
        line = (RecallLot.select(RecallLot, Batch).join(Batch)
                .where(RecallLot.recall == recall.id, Batch.lot_code == lot).first())
        if line is None:
            raise NotFound(N_("This lot is not part of the recall."))
        changes = {name: Decimal(data[name]) for name in ("recovered", "destroyed") if data.get(name) is not None}
        if not changes:
            raise Invalid.field("recovered", N_("Give what was recovered or destroyed."))
        for name, value in changes.items():
            if value < 0:
                raise Invalid.field(name, N_("Must not be negative."))
            if value > line.quantity:
                raise Invalid.field(name, N_("More than the lot's quantity."))
        changes["updated_at"] = utcnow()
        RecallLot.update(**changes).where(RecallLot.id == line.id).execute()
        return RecallLot.select(RecallLot, Batch).join(Batch).where(RecallLot.id == line.id).get()


@audited("recalls.notice")
def record_notice(actor: User, code: str, data: dict) -> RecallNotice:
    """Record a notice sent to a party about a recall (party, channel, time, note)."""
    permissions.require_inspector(actor)
    with db.atomic():
        recall = get_recall(actor, code, lock=True)
        _require_open(recall)
        party = party_by_code(data["party"], field="party")
        sent_at = data.get("sent_at")
        return RecallNotice.create(recall=recall, party=party, channel=data["channel"],
                                   sent_at=to_utc_naive(sent_at) if sent_at else utcnow(),
                                   note=data.get("note") or "", sent_by=actor)


@audited("recalls.close")
def close_recall(actor: User, code: str, note: str) -> Recall:
    """Close a recall with a note (the lots stay recalled)."""
    permissions.require_inspector(actor)
    note = (note or "").strip()
    if not note:
        raise Invalid.field("note", N_("Say how the recall ended."))
    with db.atomic():
        recall = get_recall(actor, code, lock=True)
        _require_open(recall)
        recall.status, recall.closed_by, recall.closed_at, recall.closing_note = "closed", actor, utcnow(), note
        recall.save(only=[Recall.status, Recall.closed_by, Recall.closed_at, Recall.closing_note])
        return recall


@dataclass
class MockRecall:
    """A rehearsed recall: what it would reach, who holds it, the mass balance a step each way, and how long it took."""

    scope: Scope
    holders: list[Holder]
    balances: list[tuple[str, MassBalance]]
    level: int | None
    start_by: datetime.datetime | None
    finish_by: datetime.datetime | None
    milliseconds: float
    opened_at: datetime.datetime = field(default_factory=utcnow)


def mock_recall(actor: User, lot: str, level: int | None = None) -> MockRecall:
    """Run a recall's computation on a lot without writing anything; time it (ms, wall clock)."""
    permissions.require_inspector(actor)
    if level is not None:
        check_level(level)
    started = time.perf_counter()
    scope = scope_of(root_of(lot or ""))
    holders = holders_of(actor, {item.batch_id: (item.lot, item.unit) for item in scope.lots})
    near = [item for item in scope.lots if item.depth <= 1]
    batches = {batch.id: batch for batch in Batch.select().where(Batch.id.in_([item.batch_id for item in near]))}
    balances = [(item.relation, balance_of(batches[item.batch_id])) for item in near]
    milliseconds = (time.perf_counter() - started) * 1000
    now = utcnow()
    start_by, finish_by = deadlines(level, now) if level else (None, None)
    return MockRecall(scope, holders, balances, level, start_by, finish_by, round(milliseconds, 1), now)
