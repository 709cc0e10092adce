"""The in-memory ledger of the bulk path: batches, holdings, the hash chain and the rows waiting to be written.

It mirrors supply.services.custody.events.record_event and supply.services.custody.stock (put, take, refresh)
for the lots of one group at a time, and reuses the services' hashing (canonical_content, content_hash, chain_hash).
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections import defaultdict
from decimal import Decimal

from bench.sink import Ids
from supply.clock import to_utc_naive
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Holding
from supply.models.batch import BatchStatus
from supply.services.custody.hashing import chain_hash
from supply.services.custody.hashing import content_hash
from supply.services.custody.stock import STICKY_STATUSES
from supply.services.custody.stock import moving_status
from supply.units import QUANTITY_STEP


def stored(quantity: Decimal) -> Decimal:
    """Return a quantity as the database gives it back (QuantityField: thousandths)."""
    return Decimal(quantity).quantize(QUANTITY_STEP)


class Ledger:
    """The state of one group's lots while its operations are replayed in memory."""

    def __init__(self, actor_id: int, ids: Ids) -> None:
        self.actor_id = actor_id
        self.ids = ids
        self.now = datetime.datetime(2000, 1, 1)
        self.batches: dict[str, Batch] = {}
        self.by_id: dict[int, Batch] = {}
        self.holdings: dict[tuple[int, int, int], dict] = {}
        self.holdings_of: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        self.transit: dict[int, Decimal] = defaultdict(Decimal)
        self.out: dict[type, list[dict]] = defaultdict(list)

    def add_batch(self, fields: dict) -> Batch:
        """Create a batch (not yet written) with a fresh id."""
        batch = Batch(id=self.ids.take(Batch), created_at=self.now, in_transit=Decimal(0), status=BatchStatus.ACTIVE,
                      chain_head="", **fields)
        self.batches[batch.lot_code] = batch
        self.by_id[batch.id] = batch
        return batch

    def put(self, batch: Batch, party_id: int, site_id: int, quantity: Decimal) -> None:
        """Add to a holding, creating it when needed (stock.put)."""
        key = (batch.id, party_id, site_id)
        if key in self.holdings:
            self.holdings[key]["on_hand"] += quantity
        else:
            self.holdings[key] = {"batch": batch.id, "party": party_id, "site": site_id, "on_hand": quantity}
            self.holdings_of[batch.id].append(key)

    def available(self, batch: Batch, party_id: int, site_id: int) -> Decimal:
        """Return what a party holds of a batch at a site (stock.available)."""
        holding = self.holdings.get((batch.id, party_id, site_id))
        return stored(holding["on_hand"]) if holding else Decimal(0)

    def take(self, batch: Batch, party_id: int, site_id: int, quantity: Decimal) -> None:
        """Remove from a holding; the plan never takes more than is on hand (stock.take)."""
        holding = self.holdings.get((batch.id, party_id, site_id))
        if holding is None or holding["on_hand"] < quantity:
            raise ValueError(f"the plan takes more of {batch.lot_code} than is on hand")
        holding["on_hand"] -= quantity

    def refresh(self, batch_ids) -> None:
        """Recompute on hand, in transit, holder, site and status of batches (stock.refresh)."""
        for batch_id in sorted(set(batch_ids)):
            batch = self.by_id[batch_id]
            rows = [self.holdings[key] for key in self.holdings_of[batch_id]]
            hand = stored(sum((row["on_hand"] for row in rows), Decimal(0)))
            transit = stored(self.transit[batch_id])
            best = None
            for row in rows:
                if row["on_hand"] > 0 and (best is None or row["on_hand"] >= best["on_hand"]):
                    best = row
            batch.on_hand, batch.in_transit = hand, transit
            if best is not None:
                batch.holder, batch.site = best["party"], best["site"]
            if batch.status not in STICKY_STATUSES:
                batch.status = moving_status(hand, transit)

    def record_event(self, lines: list[tuple[Batch, str, Decimal | None, str]], data: dict,
                     event_time: datetime.datetime | None = None, **fields) -> Event:
        """Append an event and move the chain heads of its batches (events.record_event)."""
        row = dict(id=self.ids.take(Event), event_id=f"urn:uuid:{uuid.uuid4()}", action=None, disposition=None,
                   event_time=to_utc_naive(event_time) if event_time else self.now, event_tz="+08:00",
                   record_time=self.now, recorded_by=self.actor_id, site=None, doc_type="", doc_number="",
                   data=json.loads(json.dumps(data, default=str)), declares=None, declaration_reason=None)
        row.update(fields)
        event = Event(**row)
        batch_ids = sorted({batch.id for batch, *_ in lines})
        heads = {batch_id: self.by_id[batch_id].chain_head for batch_id in batch_ids}
        spec = [(batch.lot_code, role, quantity, unit) for batch, role, quantity, unit in lines]
        event.content_hash = content_hash(event, spec)
        event.chain_hash = chain_hash(event.content_hash, [heads[i] for i in batch_ids])
        self.out[Event].append(dict(row, content_hash=event.content_hash, chain_hash=event.chain_hash))
        self.out[EventBatch] += [
            {"event": event.id, "batch": batch.id, "role": role, "quantity": quantity, "unit": unit,
             "prev_hash": heads[batch.id]}
            for batch, role, quantity, unit in lines
        ]
        for batch_id in batch_ids:
            self.by_id[batch_id].chain_head = event.chain_hash
        return event

    def rows(self) -> dict[type, list[dict]]:
        """Return every row of the group, by model, once its operations are all replayed."""
        self.out[Batch] = [dict(batch.__data__) for batch in self.batches.values()]
        self.out[Holding] = list(self.holdings.values())
        return self.out
