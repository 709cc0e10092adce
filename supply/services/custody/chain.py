"""Check the hash chains of the event log: recompute every hash and every link, and where each chain ends."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.services.custody.events import chain_hash
from supply.services.custody.events import content_hash

CHUNK = 2000


@dataclass
class ChainReport:
    """The outcome of a check: intact, or the first event whose content or link does not match.

    `problem` is "content", "link" or "head"; a head problem names the batch (`lot`) whose stored chain head is
    not where its recomputed chain ends, and `event_id` the event the chain does end at (None when it has none).
    """

    intact: bool
    events_checked: int
    event_id: str | None = None
    problem: str | None = None
    lot: str | None = None

    def as_dict(self) -> dict:
        """Return the report as JSON-ready data."""
        return {"intact": self.intact, "events_checked": self.events_checked, "event_id": self.event_id,
                "problem": self.problem, "lot": self.lot}


def _lines_by_event(event_ids: list[int]) -> dict[int, list]:
    rows = (
        EventBatch.select(EventBatch.event, EventBatch.batch, EventBatch.role, EventBatch.quantity,
                          EventBatch.unit, EventBatch.prev_hash, Batch.id, Batch.lot_code)
        .join(Batch)
        .where(EventBatch.event.in_(event_ids))
    )
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.event_id].append(row)
    return grouped


def _check(events: list[Event], heads: dict[int, str], checked: int, tracked: set[int] | None) -> ChainReport | None:
    lines = _lines_by_event([e.id for e in events])
    for event in events:
        checked += 1
        own = lines.get(event.id, [])
        spec = [(row.batch.lot_code, row.role, row.quantity, row.unit) for row in own]
        if content_hash(event, spec) != event.content_hash:
            return ChainReport(False, checked, event.event_id, "content")
        previous = {row.batch.id: row.prev_hash for row in own}
        for batch_id, prev in previous.items():
            if (tracked is None or batch_id in tracked) and heads.get(batch_id, "") != prev:
                return ChainReport(False, checked, event.event_id, "link")
        if chain_hash(event.content_hash, list(previous.values())) != event.chain_hash:
            return ChainReport(False, checked, event.event_id, "link")
        for batch_id in previous:
            heads[batch_id] = event.chain_hash
    return None


def verify_events(query, tracked: set[int] | None = None, heads: dict[int, str] | None = None) -> ChainReport:
    """Walk the given events in recorded order and check each hash, and the links of the tracked batches.

    `heads` (when given) is filled with the chain hash each batch's recomputed chain ends at.
    """
    heads = {} if heads is None else heads
    checked = 0
    last_id = 0
    while True:
        events = list(query.where(Event.id > last_id).order_by(Event.id).limit(CHUNK))
        if not events:
            break
        failure = _check(events, heads, checked, tracked)
        if failure is not None:
            return failure
        checked += len(events)
        last_id = events[-1].id
    return ChainReport(True, checked)


def _head_mismatch(batch: Batch, head: str, checked: int) -> ChainReport:
    ending = Event.get_or_none(Event.chain_hash == head) if head else None
    return ChainReport(False, checked, ending.event_id if ending else None, "head", batch.lot_code)


def verify_batch(batch: Batch) -> ChainReport:
    """Check the chain of one batch: its events and their links, ending at the batch's chain head."""
    event_ids = EventBatch.select(EventBatch.event).where(EventBatch.batch == batch.id)
    heads: dict[int, str] = {}
    report = verify_events(Event.select().where(Event.id.in_(event_ids)), tracked={batch.id}, heads=heads)
    if report.intact and heads.get(batch.id, "") != batch.chain_head:
        return _head_mismatch(batch, heads.get(batch.id, ""), report.events_checked)
    return report


def verify_all() -> ChainReport:
    """Check every event of the log, then every batch's stored chain head against where its chain ends.

    Deleting a lot's last events leaves a chain that is intact as far as it goes: only the stored head tells.
    Both walks go by pages of CHUNK rows, so the number of queries grows with the pages, never per batch.
    """
    heads: dict[int, str] = {}
    report = verify_events(Event.select(), heads=heads)
    if not report.intact:
        return report
    last_id = 0
    while True:
        batches = list(
            Batch.select(Batch.id, Batch.lot_code, Batch.chain_head)
            .where(Batch.id > last_id)
            .order_by(Batch.id)
            .limit(CHUNK)
        )
        if not batches:
            return report
        for batch in batches:
            if heads.get(batch.id, "") != batch.chain_head:
                return _head_mismatch(batch, heads.get(batch.id, ""), report.events_checked)
        last_id = batches[-1].id
