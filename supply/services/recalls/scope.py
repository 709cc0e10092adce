"""What a recall reaches: every lot downstream of a lot and every source lot upstream, complete, in a few queries.

The walk is the trace's own recursive query (supply.services.tracing.trace.walk) with caps far above any real
genealogy; a walk that still hits a cap is refused, never cut short, so a recall cannot silently miss lots.
Used alike by opening a recall and by a mock recall, which writes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from supply.db import for_update
from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import fetch
from supply.db.sqlcache import ids_in
from supply.db.sqlcache import slot
from supply.i18n import N_
from supply.models import Batch
from supply.models import Holding
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.tracing.history import Named
from supply.services.tracing.trace import walk
from supply.units import ZERO_QUANTITY

# Far above any genealogy of produce (a deep chain is about ten steps); reaching a cap refuses the recall.
MAX_DEPTH = 500
MAX_LOTS = 200_000
ZERO = ZERO_QUANTITY


@dataclass
class ScopeLot:
    """A lot the recall reaches: `relation` root, upstream or downstream, `depth` steps from the root."""

    batch_id: int
    lot: str
    relation: str
    depth: int
    product: Named
    origin: Named
    holder_id: int
    site_id: int | None
    quantity: Decimal
    on_hand: Decimal
    in_transit: Decimal
    unit: str
    status: str
    produced_on: datetime.date
    distributed: Decimal = ZERO


@dataclass
class Scope:
    """The root lot and every lot reached, root first, then upstream and downstream by depth."""

    root: ScopeLot
    lots: list[ScopeLot]
    counties: list[str]

    @property
    def ids(self) -> list[int]:
        """Return the ids of every lot of the scope."""
        return [lot.batch_id for lot in self.lots]


def root_of(lot_code: str) -> int:
    """Return the id of the lot to recall; an unknown lot is an error on the field `lot`."""
    rows = fetch("recall.root", lambda: Batch.select(Batch.id).where(Batch.lot_code == slot("lot")), lot=lot_code)
    if not rows:
        raise Invalid.field("lot", N_("No batch with this lot code."))
    return rows[0].id


def reach(root_id: int) -> dict[int, tuple[str, int]]:
    """Walk the live genealogy both ways from a lot: (relation, depth) by batch id, the root included."""
    reached = {root_id: ("root", 0)}
    for upstream, relation in ((True, "upstream"), (False, "downstream")):
        rows = walk(root_id, upstream, MAX_DEPTH, MAX_LOTS)
        if len(rows) > MAX_LOTS or any(row.distance > MAX_DEPTH for row in rows):
            raise Conflict.field("lot", N_("The genealogy of this lot is too large to recall in one go."))
        for row in rows:
            if row.batch_id not in reached:
                reached[row.batch_id] = (relation, row.distance)
    return reached


def lock(ids: list[int]) -> None:
    """Lock the lots of a scope (in id order) until the transaction ends."""
    fetch("recall.lock", lambda: for_update(Batch.select(Batch.id).where(ids_in(Batch.id, "ids")).order_by(Batch.id)),
          ids=bind_ids(ids))


_LOT_COLUMNS = (Batch.id, Batch.lot_code, Batch.origin_party, Batch.holder, Batch.site, Batch.quantity, Batch.on_hand,
                Batch.in_transit, Batch.unit, Batch.status, Batch.produced_on)


def _lots_query():
    return (
        Batch.select(*_LOT_COLUMNS, Product.code.alias("product_code"), Product.name.alias("product_name"),
                     Product.name_en.alias("product_name_en"), Party.code.alias("origin_code"),
                     Party.name.alias("origin_name"), Party.name_en.alias("origin_name_en"))
        .join(Product, on=(Batch.product == Product.id))
        .switch(Batch)
        .join(Party, on=(Batch.origin_party == Party.id))
        .where(ids_in(Batch.id, "ids"))
    )


def _distributed_query():
    # Grouped by sender and receiver, and compared with each lot's producer in Python: joining the batch here
    # lets PostgreSQL misjudge the join and walk every lot of the producer for each line.
    return (
        ShipmentLine.select(ShipmentLine.batch, Shipment.sender, Shipment.receiver,
                            fn.SUM(fn.COALESCE(ShipmentLine.received, ShipmentLine.quantity)).alias("total"))
        .join(Shipment, on=(ShipmentLine.shipment == Shipment.id))
        .where(ids_in(ShipmentLine.batch, "ids"), Shipment.status != slot("cancelled"))
        .group_by(ShipmentLine.batch, Shipment.sender, Shipment.receiver)
    )


def _distributed(ids: str, producers: dict[int, int]) -> dict[int, Decimal]:
    """Sum by lot what left the lot's own producer for another party: received, or sent and still on the road."""
    totals: dict[int, Decimal] = {}
    rows = fetch("recall.distributed", _distributed_query, {"total": ShipmentLine.quantity}, ids=ids,
                 cancelled="cancelled")
    for row in rows:
        if row.sender_id == producers.get(row.batch_id) and row.receiver_id != row.sender_id:
            totals[row.batch_id] = totals.get(row.batch_id, ZERO) + (row.total or ZERO)
    return totals


def _counties_query():
    held = Holding.select(Holding.site).where(ids_in(Holding.batch, "ids"))
    origins = Batch.select(Batch.origin_site).where(ids_in(Batch.id, "ids"))
    return (
        Site.select(Site.county).distinct()
        .where(Site.id.in_(held) | Site.id.in_(origins), Site.county != slot("blank"))
        .order_by(Site.county)
    )


def scope_of(root_id: int, with_lock: bool = False) -> Scope:
    """Return every lot a recall of this lot reaches, with quantities, what was distributed and the counties."""
    reached = reach(root_id)
    if with_lock:
        lock(list(reached))
        # A transformation that held a lock while we walked may have made new lots since: walk again under the locks.
        while True:
            again = reach(root_id)
            more = [batch_id for batch_id in again if batch_id not in reached]
            if not more:
                break
            lock(more)
            reached = {**again, **reached}
    ids = bind_ids(reached)
    converters = {"quantity": Batch.quantity, "on_hand": Batch.on_hand, "in_transit": Batch.in_transit,
                  "produced_on": Batch.produced_on}
    rows = fetch("recall.lots", _lots_query, converters, ids=ids)
    distributed = _distributed(ids, {row.id: row.origin_party_id for row in rows})
    lots = []
    for row in rows:
        relation, depth = reached[row.id]
        lots.append(ScopeLot(
            batch_id=row.id, lot=row.lot_code, relation=relation, depth=depth,
            product=Named(row.product_code, row.product_name, row.product_name_en),
            origin=Named(row.origin_code, row.origin_name, row.origin_name_en), holder_id=row.holder_id,
            site_id=row.site_id, quantity=row.quantity, on_hand=row.on_hand, in_transit=row.in_transit, unit=row.unit,
            status=row.status, produced_on=row.produced_on, distributed=distributed.get(row.id, ZERO),
        ))
    order = {"root": 0, "upstream": 1, "downstream": 2}
    lots.sort(key=lambda item: (order[item.relation], item.depth, item.lot))
    counties = [row.county for row in fetch("recall.counties", _counties_query, ids=ids, blank="")]
    return Scope(root=lots[0], lots=lots, counties=counties)
