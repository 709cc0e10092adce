"""Holds: a failing test (or an inspector) stops a batch and everything made from it until released with a reason."""

from __future__ import annotations

from peewee import SQL

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Hold
from supply.models import HoldBatch
from supply.models import TestResult
from supply.models import User
from supply.models.batch import BatchStatus
from supply.services.audit.writes import audited
from supply.services.custody import stock
from supply.services.custody.batches import get_batch
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound


def downstream_ids(batch_id: int) -> list[int]:
    """Return the batch and every lot made from it, through live genealogy links, with one recursive query.

    UNION (not UNION ALL) keeps each batch once, so diamonds of merges and splits cost one row per lot and
    the walk ends even on a cycle.
    """
    base = Batch.select(Batch.id.alias("batch_id")).where(Batch.id == batch_id)
    reached = base.cte("held", recursive=True, columns=("batch_id",))
    step = (
        BatchLink.select(BatchLink.child)
        .join(reached, on=(BatchLink.parent == reached.c.batch_id))
        .where(BatchLink.retracted == False)  # noqa: E712
    )
    reached = reached.union(step)
    query = reached.select_from(reached.c.batch_id).order_by(SQL("1"))
    return [row[0] for row in query.tuples()]


def _event_party(actor: User, batch: Batch):
    """Name the party that acts: the actor's own, or (for an admin without one) the batch's holder."""
    return actor.party if actor.party_id is not None else batch.holder


def place_hold(actor: User, batch: Batch, reason: str, test_result: TestResult | None = None) -> Hold:
    """Hold a batch and every lot downstream of it, in the caller's transaction; record one `holding` event."""
    ids = downstream_ids(batch.id)
    locked = stock.lock_batches(ids)
    # A transformation that held a lock while we walked may have made new lots since: walk again under the locks.
    while more := [i for i in downstream_ids(batch.id) if i not in locked]:
        ids += more
        locked.update(stock.lock_batches(more))
    hold = Hold.create(batch=batch, test_result=test_result, reason=reason, opened_by=actor)
    HoldBatch.insert_many([{"hold": hold.id, "batch": batch_id} for batch_id in ids]).execute()
    Batch.update(status=BatchStatus.ON_HOLD).where(Batch.id.in_(ids), Batch.status != BatchStatus.RECALLED).execute()
    record_event(
        event_type="ObjectEvent", action="OBSERVE", biz_step="holding", disposition="non_sellable_other",
        party=_event_party(actor, batch), recorded_by=actor,
        lines=[Line(locked[batch_id], "object", None, locked[batch_id].unit) for batch_id in ids],
        data={"hold": hold.id, "lot": batch.lot_code, "reason": reason,
              "test_result": test_result.id if test_result else None},
    )
    return hold


@audited("hold.place")
def place_manual_hold(actor: User, data: dict) -> Hold:
    """Hold a lot and everything made from it on an inspector's word, with a reason."""
    permissions.require_inspector(actor)
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise Invalid.field("reason", N_("Give a reason for the hold."))
    with db.atomic():
        batch = get_batch(actor, data["lot"])
        return place_hold(actor, batch, reason)


def get_hold(hold_id: int) -> Hold:
    """Return a hold by its id, or 404."""
    hold = Hold.get_or_none(Hold.id == hold_id)
    if hold is None:
        raise NotFound(N_("No hold with this id."))
    return hold


def still_held(batch_ids: list[int], except_hold: int) -> set[int]:
    """Return those of the batches that another open hold still covers."""
    rows = (
        HoldBatch.select(HoldBatch.batch)
        .join(Hold)
        .where(HoldBatch.batch.in_(batch_ids), Hold.id != except_hold, Hold.released_at.is_null())
    )
    return {row.batch_id for row in rows}


@audited("hold.release")
def release_hold(actor: User, hold_id: int, reason: str) -> Hold:
    """Release a hold with a reason; each batch moves again unless another open hold or a recall covers it."""
    permissions.require_inspector(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", N_("Give a reason for the release."))
    with db.atomic():
        hold = get_hold(hold_id)
        ids = [line.batch_id for line in HoldBatch.select(HoldBatch.batch).where(HoldBatch.hold == hold.id)]
        locked = stock.lock_batches(ids)
        hold = get_hold(hold_id)  # read again under the locks: a concurrent release wins once
        if hold.released_at is not None:
            raise Conflict(N_("This hold has been released already."))
        (Hold.update(released_by=actor, released_at=utcnow(), release_reason=reason)
         .where(Hold.id == hold.id).execute())
        covered = still_held(ids, hold.id)
        freed = [i for i in ids if i not in covered and locked[i].status == BatchStatus.ON_HOLD]
        if freed:
            # "active" is not sticky, so refresh derives the real status (active, in transit or consumed).
            Batch.update(status=BatchStatus.ACTIVE).where(Batch.id.in_(freed)).execute()
            stock.refresh(freed)
            record_event(
                event_type="ObjectEvent", action="OBSERVE", biz_step="holding", disposition="active",
                party=_event_party(actor, hold.batch), recorded_by=actor,
                lines=[Line(locked[i], "object", None, locked[i].unit) for i in freed],
                data={"hold": hold.id, "lot": hold.batch.lot_code, "reason": reason, "released": True},
            )
        return Hold.get_by_id(hold.id)


def list_holds(actor: User, status: str = "open"):
    """Return the holds, newest first: open, released or all, for inspectors and admins."""
    permissions.require_inspector(actor)
    query = Hold.select(Hold, Batch).join(Batch, on=(Hold.batch == Batch.id))
    if status == "open":
        query = query.where(Hold.released_at.is_null())
    elif status == "released":
        query = query.where(Hold.released_at.is_null(False))
    return query.order_by(Hold.opened_at.desc(), Hold.id.desc())


def held_lots(hold_ids: list[int]) -> dict[int, list[str]]:
    """Return the lot codes each hold covers, by hold id (one query)."""
    lots: dict[int, list[str]] = {hold_id: [] for hold_id in hold_ids}
    if not hold_ids:
        return lots
    rows = (
        HoldBatch.select(HoldBatch.hold, Batch.lot_code)
        .join(Batch)
        .where(HoldBatch.hold.in_(hold_ids))
        .order_by(HoldBatch.id)
        .tuples()
    )
    for hold_id, lot in rows:
        lots[hold_id].append(lot)
    return lots


def holds_of_batch(batch: Batch):
    """Return the holds covering a batch (open and released), newest first."""
    return (
        Hold.select(Hold, Batch)
        .join(Batch, on=(Hold.batch == Batch.id))
        .switch(Hold)
        .join(HoldBatch, on=(HoldBatch.hold == Hold.id))
        .where(HoldBatch.batch == batch.id)
        .order_by(Hold.opened_at.desc(), Hold.id.desc())
    )
