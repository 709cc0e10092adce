"""Record events in the append-only log, each linked into the hash chain of every batch it touches."""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from supply.clock import to_utc_naive
from supply.clock import utcnow
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Party
from supply.models import Site
from supply.models import User
from supply.services.custody import verification
from supply.services.custody.hashing import chain_hash
from supply.services.custody.hashing import content_hash


@dataclass
class Line:
    """A batch touched by an event, in a role, with the quantity involved."""

    batch: Batch
    role: str = "object"
    quantity: Decimal | None = None
    unit: str = ""


def record_event(
    *,
    event_type: str,
    biz_step: str,
    party: Party,
    lines: list[Line],
    action: str | None = None,
    disposition: str | None = None,
    event_time: datetime.datetime | None = None,
    event_tz: str = "+08:00",
    recorded_by: User | None = None,
    site: Site | None = None,
    doc_type: str = "",
    doc_number: str = "",
    data: dict | None = None,
    declares: Event | None = None,
    declaration_reason: str | None = None,
) -> Event:
    """Append an event and move the chain head of every batch it touches; check the chains it extends first and
    record the batches as verified (supply.services.custody.verification).

    Call inside the caller's transaction, with the touched batches locked, so the chain heads read
    here are the latest.
    """
    now = utcnow()
    event = Event(
        event_id=f"urn:uuid:{uuid.uuid4()}",
        event_type=event_type,
        action=action,
        biz_step=biz_step,
        disposition=disposition,
        event_time=to_utc_naive(event_time) if event_time else now,
        event_tz=event_tz,
        record_time=now,
        recorded_by=recorded_by,
        party=party,
        site=site,
        doc_type=doc_type,
        doc_number=doc_number,
        data=json.loads(json.dumps(data or {}, default=str)),
        declares=declares,
        declaration_reason=declaration_reason,
    )
    batch_ids = sorted({line.batch.id for line in lines})
    touched = list(Batch.select(Batch.id, Batch.lot_code, Batch.chain_head).where(Batch.id.in_(batch_ids)))
    heads = {batch.id: batch.chain_head for batch in touched}
    checks = verification.check_before_append(touched)
    spec = [(line.batch.lot_code, line.role, line.quantity, line.unit) for line in lines]
    event.content_hash = content_hash(event, spec)
    event.chain_hash = chain_hash(event.content_hash, [heads[i] for i in batch_ids])
    event.save(force_insert=True)
    EventBatch.insert_many(
        [
            {"event": event.id, "batch": line.batch.id, "role": line.role, "quantity": line.quantity,
             "unit": line.unit, "prev_hash": heads[line.batch.id]}
            for line in lines
        ]
    ).execute()
    Batch.update(chain_head=event.chain_hash).where(Batch.id.in_(batch_ids)).execute()
    for line in lines:
        line.batch.chain_head = event.chain_hash
    verification.record_after_append(checks, now)
    return event
