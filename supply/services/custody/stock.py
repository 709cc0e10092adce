"""Quantities on hand: per holder and site (`Holding`) and the derived totals and status on each batch.

Every change here runs inside the caller's transaction, next to the event that explains it.
"""

from __future__ import annotations

from decimal import Decimal

from peewee import fn

from supply.db import for_update
from supply.i18n import N_
from supply.models import Batch
from supply.models import Holding
from supply.models import Party
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.models.batch import BatchStatus
from supply.models.custody import ShipmentStatus
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import Message
from supply.services.errors import Unit
from supply.services.errors import amount
from supply.units import is_counted

# Statuses an inspector sets; quantities moving do not change them.
STICKY_STATUSES = (BatchStatus.ON_HOLD, BatchStatus.RECALLED)


def lock_batches(batch_ids) -> dict[int, Batch]:
    """Lock the batches (in id order, so two writers never wait on each other crosswise) and return them."""
    query = Batch.select().where(Batch.id.in_(sorted(set(batch_ids)))).order_by(Batch.id)
    return {batch.id: batch for batch in for_update(query)}


def require_movable(batch: Batch) -> None:
    """Refuse to ship or transform a batch that is on hold or recalled."""
    if batch.status in STICKY_STATUSES:
        raise Conflict(N_("This batch is on hold or recalled and may not move."), {"lot": [batch.lot_code]})


def available(batch: Batch, party: Party, site: Site) -> Decimal:
    """Return what a party has of a batch at a site."""
    holding = Holding.get_or_none(batch=batch.id, party=party.id, site=site.id)
    return holding.on_hand if holding else Decimal(0)


def take(batch: Batch, party: Party, site: Site, quantity: Decimal, field: str = "quantity") -> None:
    """Remove a quantity from a party's holding at a site; 409 when that is more than is on hand."""
    taken = (
        Holding.update(on_hand=Holding.on_hand - quantity)
        .where(Holding.batch == batch.id, Holding.party == party.id, Holding.site == site.id,
               Holding.on_hand >= quantity)
        .execute()
    )
    if not taken:
        raise shortfall(batch, party, site, field)


def shortfall(batch: Batch, party: Party, site: Site, field: str = "quantity") -> Conflict:
    """Build the 409 for taking more than is on hand, naming what the party has here and at its other sites."""
    held = {row.site_id: row for row in (
        Holding.select(Holding, Site)
        .join(Site)
        .where(Holding.batch == batch.id, Holding.party == party.id, Holding.on_hand > 0)
        .order_by(Site.code)
    )}
    here = held.pop(site.id, None)
    places = [Message(N_("at %(site)s: %(quantity)s %(unit)s"), site=place.name, quantity=amount(on_hand),
                      unit=Unit(batch.unit))
              for place, on_hand in [(site, here.on_hand if here else Decimal(0))]
              + [(row.site, row.on_hand) for row in held.values()]]
    where = Message(N_("Lot %(lot)s %(places)s."), lot=batch.lot_code, places=places)
    return Conflict(N_("More than is on hand."), {field: [N_("More than is on hand."), where]})


def put(batch: Batch, party: Party, site: Site, quantity: Decimal) -> None:
    """Add a quantity to a party's holding at a site, creating the holding when needed."""
    added = (
        Holding.update(on_hand=Holding.on_hand + quantity)
        .where(Holding.batch == batch.id, Holding.party == party.id, Holding.site == site.id)
        .execute()
    )
    if not added:
        Holding.create(batch=batch.id, party=party.id, site=site.id, on_hand=quantity)


def moving_status(on_hand: Decimal, in_transit: Decimal) -> str:
    """Return the status quantities give a batch that is neither held nor recalled: active, in transit or consumed."""
    if on_hand > 0:
        return BatchStatus.ACTIVE
    return BatchStatus.IN_TRANSIT if in_transit > 0 else BatchStatus.CONSUMED


def refresh(batch_ids) -> None:
    """Recompute each batch's on hand, in transit, holder, site and status from holdings and open shipments."""
    ids = sorted(set(batch_ids))
    on_hand = dict(
        Holding.select(Holding.batch, fn.SUM(Holding.on_hand)).where(Holding.batch.in_(ids))
        .group_by(Holding.batch).tuples()
    )
    in_transit = dict(
        ShipmentLine.select(ShipmentLine.batch, fn.SUM(ShipmentLine.quantity))
        .join(Shipment)
        .where(ShipmentLine.batch.in_(ids), Shipment.status == ShipmentStatus.IN_TRANSIT)
        .group_by(ShipmentLine.batch).tuples()
    )
    main_holding = {}
    for holding in Holding.select().where(Holding.batch.in_(ids), Holding.on_hand > 0).order_by(Holding.id):
        best = main_holding.get(holding.batch_id)
        if best is None or holding.on_hand >= best.on_hand:
            main_holding[holding.batch_id] = holding
    for batch in Batch.select().where(Batch.id.in_(ids)):
        hand = Holding.on_hand.python_value(on_hand.get(batch.id) or 0)
        transit = ShipmentLine.quantity.python_value(in_transit.get(batch.id) or 0)
        changes = {"on_hand": hand, "in_transit": transit}
        holding = main_holding.get(batch.id)
        if holding is not None:
            changes.update(holder=holding.party_id, site=holding.site_id)
        if batch.status not in STICKY_STATUSES:
            changes["status"] = moving_status(hand, transit)
        Batch.update(**changes).where(Batch.id == batch.id).execute()


def check_whole(unit: str, quantity: Decimal, field: str) -> None:
    """Refuse a fraction of a counted unit (heads, plants, cartons); every quantity that comes in passes here."""
    if is_counted(unit) and quantity != quantity.to_integral_value():
        raise Invalid.field(field, N_("This unit is counted in whole pieces."))
