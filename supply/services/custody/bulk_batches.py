"""Register many checked batches at once: the rows register_batch writes, inserted a chunk at a time.

For each batch: the `batch` row, its `holding` at the starting site, the commissioning event (ObjectEvent ADD,
hashed with the same canonical content and chain hash as `record_event`) and its `event_batch` line; the batch's
chain, begun by this write, is recorded as verified at it, as `record_event` records a registration. A test
compares every column with a batch registered through `register_batch`, so the two paths cannot drift apart.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from peewee import IntegrityError

from supply.clock import to_utc_naive
from supply.clock import utcnow
from supply.db import db
from supply.db.bulk_insert import existing
from supply.db.bulk_insert import insert_rows
from supply.db.bulk_insert import reserve_ids
from supply.i18n import N_
from supply.identifiers import new_lot_code
from supply.identifiers import new_public_token
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Holding
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.models.batch import BatchStatus
from supply.services.custody import verification
from supply.services.custody.hashing import chain_hash
from supply.services.custody.hashing import content_hash
from supply.services.custody.timeline import offset_text
from supply.services.custody.timeline import production_time
from supply.services.errors import Conflict
from supply.units import LOT_PREFIXES

# Rows per round of inserts, and per progress report.
CHUNK = 1000
LOT_CODE_ROUNDS = 5
NEW_BATCH_HEAD = ""
EVENT_FIELDS = ("event_id", "event_type", "action", "biz_step", "disposition", "event_time", "event_tz",
                "record_time", "recorded_by", "party", "site", "doc_type", "doc_number", "data", "declares",
                "declaration_reason", "content_hash", "chain_hash")
BATCH_FIELDS = ("lot_code", "public_token", "product", "origin_party", "origin_site", "quantity", "unit",
                "produced_on", "field_name", "ear_tag", "notes", "created_by", "created_at", "holder", "site",
                "on_hand", "in_transit", "status", "chain_head")


@dataclass
class NewBatch:
    """A registration that passed every check: what register_batch would have found and decided for it."""

    product: Product
    site: Site
    data: dict
    lot_code: str | None = None


def assign_lot_codes(batches: list[NewBatch]) -> None:
    """Give every batch without a lot code a generated one, free in the database and in the list."""
    used = {b.lot_code for b in batches if b.lot_code}
    waiting = [b for b in batches if not b.lot_code]
    for _ in range(LOT_CODE_ROUNDS):
        for batch in waiting:
            code = new_lot_code(LOT_PREFIXES[batch.product.category], batch.data["produced_on"])
            while code in used:
                code = new_lot_code(LOT_PREFIXES[batch.product.category], batch.data["produced_on"])
            batch.lot_code = code
            used.add(code)
        taken = lot_codes_taken([b.lot_code for b in waiting])
        waiting = [b for b in waiting if b.lot_code in taken]
        if not waiting:
            return
    raise Conflict(N_("Could not assign a free lot code; try again."))


def lot_codes_taken(codes: list[str]) -> set[str]:
    """Return which of the lot codes are registered already."""
    return existing(Batch.lot_code, codes)


@dataclass
class Commissioning:
    """A commissioning event before it is stored: what `canonical_content` reads, as `record_event` fills it."""

    event_id: str
    event_time: datetime.datetime
    record_time: datetime.datetime
    recorded_by_id: int
    party_id: int
    site_id: int
    data: dict
    event_type: str = "ObjectEvent"
    action: str = "ADD"
    biz_step: str = "commissioning"
    disposition: str = "active"
    event_tz: str = "+08:00"
    doc_type: str = ""
    doc_number: str = ""
    declares_id: int | None = None
    declaration_reason: str | None = None
    content_hash: str = ""
    chain_hash: str = ""

    def row(self) -> tuple:
        """Return the event's column values in the order of EVENT_FIELDS."""
        return (self.event_id, self.event_type, self.action, self.biz_step, self.disposition, self.event_time,
                self.event_tz, self.record_time, self.recorded_by_id, self.party_id, self.site_id, self.doc_type,
                self.doc_number, self.data, self.declares_id, self.declaration_reason, self.content_hash,
                self.chain_hash)


def _commissioning(actor: User, item: NewBatch, now: datetime.datetime) -> Commissioning:
    """Build the commissioning event of a new batch as record_commissioning and record_event would."""
    data = item.data
    produced_at = data.get("produced_at")
    event = Commissioning(
        event_id=f"urn:uuid:{uuid.uuid4()}", record_time=now, recorded_by_id=actor.id,
        event_time=to_utc_naive(production_time(data["produced_on"], produced_at)), event_tz=offset_text(produced_at),
        party_id=item.site.party_id, site_id=item.site.id,
        # record_event stores its data through JSON; these values are JSON's own already.
        data={"produced_on": data["produced_on"].isoformat(),
              "produced_at": produced_at.isoformat() if produced_at else None, "field_name": data["field_name"],
              "ear_tag": data["ear_tag"], "sources": []},
    )
    event.content_hash = content_hash(event, [(item.lot_code, "object", data["quantity"], data["unit"])])
    event.chain_hash = chain_hash(event.content_hash, [NEW_BATCH_HEAD])
    return event


def _batch_row(actor: User, item: NewBatch, event: Commissioning, now: datetime.datetime) -> tuple:
    data, site = item.data, item.site
    return (item.lot_code, new_public_token(), item.product.id, site.party_id, site.id, data["quantity"],
            data["unit"], data["produced_on"], data["field_name"], data["ear_tag"], data["notes"], actor.id, now,
            site.party_id, site.id, data["quantity"], 0, BatchStatus.ACTIVE, event.chain_hash)


def _write_chunk(actor: User, chunk: list[NewBatch]) -> None:
    now = utcnow()
    events = [_commissioning(actor, item, now) for item in chunk]
    batch_ids = reserve_ids(Batch, len(chunk))
    event_ids = reserve_ids(Event, len(chunk))
    insert_rows(Batch, ("id", *BATCH_FIELDS), [(batch_id, *_batch_row(actor, item, event, now))
                                               for batch_id, item, event in zip(batch_ids, chunk, events, strict=True)])
    insert_rows(Holding, ("batch", "party", "site", "on_hand"),
                [(batch_id, item.site.party_id, item.site.id, item.data["quantity"])
                 for batch_id, item in zip(batch_ids, chunk, strict=True)])
    insert_rows(Event, ("id", *EVENT_FIELDS), [(event_id, *event.row())
                                               for event_id, event in zip(event_ids, events, strict=True)])
    insert_rows(EventBatch, ("event", "batch", "role", "quantity", "unit", "prev_hash"),
                [(event_id, batch_id, "object", item.data["quantity"], item.data["unit"], NEW_BATCH_HEAD)
                 for event_id, batch_id, item in zip(event_ids, batch_ids, chunk, strict=True)])
    verification.record_registered(batch_ids, now)


def register_many(actor: User, batches: list[NewBatch], progress: Callable[[int], None] | None = None) -> list[str]:
    """Register checked batches in one transaction (all or none) and return their lot codes in order."""
    with db.atomic():
        assign_lot_codes(batches)
        try:
            for start in range(0, len(batches), CHUNK):
                chunk = batches[start:start + CHUNK]
                _write_chunk(actor, chunk)
                if progress is not None:
                    progress(len(chunk))
        except IntegrityError as exc:
            # Another request registered one of the lot codes (or ear tags) after the file was checked.
            raise Conflict(N_("A lot code of the file was registered meanwhile; upload the file again.")) from exc
    return [batch.lot_code for batch in batches]
