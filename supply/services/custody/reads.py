"""Read-only queries of the custody pages: lots a party can pick from, shipments with their parties and lines."""

from __future__ import annotations

from peewee import JOIN
from peewee import Query

from supply.models import Batch
from supply.models import Holding
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.services.custody.stock import STICKY_STATUSES

# A form offers at most this many lots to pick from; more than that is typed in.
MAX_HOLDINGS = 500


def holdings_of(party_id: int | None, site_code: str | None = None, categories: tuple[str, ...] | None = None,
                lot_code: str | None = None, limit: int = MAX_HOLDINGS) -> list[Holding]:
    """Return a party's movable, non-empty holdings (with batch, product and site), by site and lot code.

    Without a party (an admin) only the holdings at the named site are returned, never the whole world.
    """
    if party_id is None and not site_code:
        return []
    query = (
        Holding.select(Holding, Batch, Product, Site)
        .join(Batch)
        .join(Product)
        .switch(Holding)
        .join(Site)
        .where(Holding.on_hand > 0, Batch.status.not_in(STICKY_STATUSES))
        .order_by(Site.code, Batch.lot_code)
        .limit(limit)
    )
    if party_id is not None:
        query = query.where(Holding.party == party_id)
    if site_code:
        query = query.where(Site.code == site_code)
    if categories:
        query = query.where(Product.category.in_(categories))
    if lot_code:
        query = query.where(Batch.lot_code == lot_code)
    return list(query)


def with_parties(query: Query) -> Query:
    """Join a shipment query to its sender, receiver and sites, so a list page reads them without more queries."""
    sender = Party.alias("sender")
    receiver = Party.alias("receiver")
    from_site = Site.alias("from_site")
    to_site = Site.alias("to_site")
    return (
        query
        .select_extend(sender, receiver, from_site, to_site)
        .join_from(Shipment, sender, on=(Shipment.sender == sender.id), attr="sender")
        .join_from(Shipment, receiver, on=(Shipment.receiver == receiver.id), attr="receiver")
        .join_from(Shipment, from_site, on=(Shipment.from_site == from_site.id), attr="from_site")
        .join_from(Shipment, to_site, JOIN.LEFT_OUTER, on=(Shipment.to_site == to_site.id), attr="to_site")
    )


def shipment_lines(shipment: Shipment) -> list[ShipmentLine]:
    """Return a shipment's lines with their batches and products, in the order they were written."""
    return list(
        ShipmentLine.select(ShipmentLine, Batch, Product)
        .join(Batch)
        .join(Product)
        .where(ShipmentLine.shipment == shipment.id)
        .order_by(ShipmentLine.id)
    )
