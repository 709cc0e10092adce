"""Check the hash chains of the event log: recompute every hash and every link, and where each chain ends."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.services.custody.hashing import chain_hash
from supply.services.custody.hashing import content_hash

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
    return verify_lots([batch]).reports[batch.id]


@dataclass
class LotChecks:
    """The outcome of checking several lots at once: a report per batch id, and how many events were walked."""

    reports: dict[int, ChainReport]
    events: int


def _faults(event: Event, own: list, heads: dict[int, str], lots: set[int]) -> tuple[str | None, set[int]]:
    """Return the problem an event has for every lot it touches ("content", "link" or None), and the lots among
    `lots` whose own link into it (the head before it) does not match."""
    spec = [(row.batch.lot_code, row.role, row.quantity, row.unit) for row in own]
    if content_hash(event, spec) != event.content_hash:
        return "content", set()
    previous = {row.batch.id: row.prev_hash for row in own}
    if chain_hash(event.content_hash, list(previous.values())) != event.chain_hash:
        return "link", set()
    unlinked = {batch_id for batch_id, prev in previous.items() if batch_id in lots and heads.get(batch_id, "") != prev}
    return None, unlinked


def verify_lots(batches: list[Batch]) -> LotChecks:
    """Check the chains of several batches in one walk of their events, each as `verify_batch` would.

    Each batch (read with its id, lot code and chain head) gets its first mismatch, or intact; an event several
    of them share is hashed once. Two queries a page of CHUNK events, however many batches.
    """
    lots = {batch.id for batch in batches}
    reports: dict[int, ChainReport] = {}
    heads: dict[int, str] = {}
    counted: dict[int, int] = defaultdict(int)
    walked = last_id = 0
    event_ids = EventBatch.select(EventBatch.event).where(EventBatch.batch.in_(sorted(lots)))
    while lots:
        events = list(Event.select().where(Event.id.in_(event_ids), Event.id > last_id).order_by(Event.id)
                      .limit(CHUNK))
        lines = _lines_by_event([e.id for e in events]) if events else {}
        for event in events:
            own = lines.get(event.id, [])
            mine = [row.batch.id for row in own if row.batch.id in lots and row.batch.id not in reports]
            for batch_id in mine:
                counted[batch_id] += 1
            problem, unlinked = _faults(event, own, heads, lots)
            for batch_id in mine:
                if problem is not None or batch_id in unlinked:
                    reports[batch_id] = ChainReport(False, counted[batch_id], event.event_id, problem or "link")
            for row in own:
                heads[row.batch.id] = event.chain_hash
        walked += len(events)
        if len(events) < CHUNK:
            break
        last_id = events[-1].id
    for batch in batches:
        if batch.id not in reports:
            head = heads.get(batch.id, "")
            reports[batch.id] = ChainReport(True, counted[batch.id]) if head == batch.chain_head \
                else _head_mismatch(batch, head, counted[batch.id])
    return LotChecks(reports, walked)


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
