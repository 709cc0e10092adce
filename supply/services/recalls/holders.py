"""Who holds or received the lots of a recall: quantities per party and lot, and the party's contacts."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from peewee import fn

from supply import permissions
from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import fetch
from supply.db.sqlcache import ids_in
from supply.db.sqlcache import slot
from supply.models import Holding
from supply.models import Party
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import User
from supply.units import ZERO_QUANTITY

ZERO = ZERO_QUANTITY


@dataclass
class HolderLot:
    """What one party has of one lot: on hand now, received by shipment, and still on the road to it."""

    lot: str
    unit: str
    on_hand: Decimal = ZERO
    received: Decimal = ZERO
    in_transit: Decimal = ZERO


@dataclass
class Holder:
    """A party holding or having received affected lots; contacts only for those allowed to see them."""

    party_id: int
    code: str
    name: str
    name_en: str
    kind: str
    county: str
    phone: str | None
    address: str | None
    lots: list[HolderLot] = field(default_factory=list)

    @property
    def on_hand(self) -> int:
        """Return how many of its lots the party still has on hand."""
        return sum(1 for lot in self.lots if lot.on_hand > 0)


def _holdings_query():
    return (
        Holding.select(Holding.party, Holding.batch, fn.SUM(Holding.on_hand).alias("on_hand"))
        .where(ids_in(Holding.batch, "ids"))
        .group_by(Holding.party, Holding.batch)
    )


def _shipped_query():
    return (
        ShipmentLine.select(Shipment.receiver, ShipmentLine.batch, Shipment.status,
                            fn.SUM(fn.COALESCE(ShipmentLine.received, ShipmentLine.quantity)).alias("total"))
        .join(Shipment, on=(ShipmentLine.shipment == Shipment.id))
        .where(ids_in(ShipmentLine.batch, "ids"), Shipment.status != slot("cancelled"))
        .group_by(Shipment.receiver, ShipmentLine.batch, Shipment.status)
    )


def holders_of(actor: User, lots: dict[int, tuple[str, str]]) -> list[Holder]:
    """List every party that holds, held, received or is being sent the lots (`lots`: lot code and unit by id).

    Three queries however many lots: holdings, shipments by receiver, and the parties.
    """
    ids = bind_ids(lots)
    found: dict[tuple[int, int], HolderLot] = {}

    def entry(party_id: int, batch_id: int) -> HolderLot:
        key = (party_id, batch_id)
        if key not in found:
            found[key] = HolderLot(*lots[batch_id])
        return found[key]

    for row in fetch("recall.holdings", _holdings_query, {"on_hand": Holding.on_hand}, ids=ids):
        entry(row.party_id, row.batch_id).on_hand += row.on_hand or ZERO
    for row in fetch("recall.shipped", _shipped_query, {"total": ShipmentLine.quantity}, ids=ids,
                     cancelled="cancelled"):
        line = entry(row.receiver_id, row.batch_id)
        if row.status == "received":
            line.received += row.total or ZERO
        else:
            line.in_transit += row.total or ZERO
    parties = {p.id: p for p in Party.select().where(Party.id.in_(sorted({key[0] for key in found})))} if found else {}
    holders: dict[int, Holder] = {}
    for (party_id, _), line in sorted(found.items(), key=lambda item: (item[0][0], item[1].lot)):
        party = parties[party_id]
        if party_id not in holders:
            private = permissions.sees_private(actor, party)
            holders[party_id] = Holder(party.id, party.code, party.name, party.name_en, party.kind, party.county,
                                       party.phone if private else None, party.address if private else None)
        holders[party_id].lots.append(line)
    return sorted(holders.values(), key=lambda holder: holder.code)
