"""A lot made later from held or recalled lots inherits their holds and recalls.

A transformation of a held or recalled lot is refused (409), but a registration may still name one as its source
or harvest a planting of its seedlings (planted before the hold). Such a lot is "made from" the held lot, so it
joins every open hold and open recall of its sources, and is marked held or recalled like them.
"""

from __future__ import annotations

from supply.models import Batch
from supply.models import Hold
from supply.models import HoldBatch
from supply.models import Recall
from supply.models import RecallLot
from supply.models import User
from supply.models.batch import BatchStatus
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.custody.stock import STICKY_STATUSES


def carry_over(actor: User | None, batch: Batch, parent_ids: list[int]) -> None:
    """Put a new lot under the open holds and recalls of the lots it was made from (in the caller's transaction)."""
    if not parent_ids:
        return
    parents = list(Batch.select(Batch.id, Batch.status).where(Batch.id.in_(parent_ids)))
    if not any(parent.status in STICKY_STATUSES for parent in parents):
        return
    hold_ids = sorted({row.hold_id for row in HoldBatch.select(HoldBatch.hold).join(Hold)
                       .where(HoldBatch.batch.in_(parent_ids), Hold.released_at.is_null())})
    if hold_ids:
        HoldBatch.insert_many([{"hold": hold_id, "batch": batch.id} for hold_id in hold_ids]).execute()
    depths: dict[int, int] = {}
    for line in (RecallLot.select(RecallLot.recall, RecallLot.depth, RecallLot.relation).join(Recall)
                 .where(RecallLot.batch.in_(parent_ids), Recall.status == "open")):
        depth = line.depth + 1 if line.relation != "upstream" else 1
        depths[line.recall_id] = min(depths.get(line.recall_id, depth), depth)
    for recall_id, depth in sorted(depths.items()):
        RecallLot.create(recall=recall_id, batch=batch.id, relation="downstream", depth=depth,
                         quantity=batch.quantity, unit=batch.unit)
    recalled = bool(depths) or any(parent.status == BatchStatus.RECALLED for parent in parents)
    status = BatchStatus.RECALLED if recalled else BatchStatus.ON_HOLD if hold_ids else None
    if status is None:
        return
    Batch.update(status=status).where(Batch.id == batch.id).execute()
    record_event(
        event_type="ObjectEvent", action="OBSERVE", biz_step="holding",
        disposition="recalled" if recalled else "non_sellable_other", party=batch.holder, site=batch.site,
        recorded_by=actor, lines=[Line(batch, "object", None, batch.unit)],
        data={"inherited_from": sorted(parent_ids), "holds": hold_ids,
              "recalls": [Recall.get_by_id(recall_id).code for recall_id in sorted(depths)]},
    )
