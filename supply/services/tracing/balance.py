"""Mass balance of one batch: what was produced against what was used, lost, held and on the road."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peewee import SQL
from peewee import fn

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import User
from supply.models.custody import ShipmentStatus
from supply.services.custody.batches import get_batch
from supply.units import ZERO_QUANTITY

ZERO = ZERO_QUANTITY


@dataclass
class MassBalance:
    """The flows of one batch; `balanced` when produced = used + loss + on hand + in transit.

    Shipping between parties moves quantity without consuming it, so `received`, `shipped` and `returned`
    (cancelled shipments) are shown but are not terms of the balance.
    """

    lot: str
    unit: str
    produced: Decimal
    received: Decimal
    shipped: Decimal
    returned: Decimal
    used: Decimal
    loss: Decimal
    on_hand: Decimal
    in_transit: Decimal

    @property
    def accounted(self) -> Decimal:
        """Return what the produced quantity went to: used, lost, on hand and in transit."""
        return self.used + self.loss + self.on_hand + self.in_transit

    @property
    def difference(self) -> Decimal:
        """Return produced minus accounted (zero when the batch balances)."""
        return self.produced - self.accounted

    @property
    def balanced(self) -> bool:
        """Tell whether everything produced is accounted for."""
        return self.difference == 0


def not_declared():
    """Return the condition that an event is not declared in error by another event."""
    declaration = Event.alias("declaration")
    return ~fn.EXISTS(declaration.select(SQL("1")).where(declaration.declares == Event.id))


def _flows(batch_id: int) -> dict[str, Decimal]:
    """Sum the batch's event lines by kind of flow, leaving out declared events and the declarations."""
    rows = (
        EventBatch.select(Event.event_type, Event.action, Event.biz_step, EventBatch.role,
                          fn.SUM(EventBatch.quantity).alias("total"))
        .join(Event, on=(EventBatch.event == Event.id))
        .where(EventBatch.batch == batch_id, Event.declares.is_null(), not_declared())
        .group_by(Event.event_type, Event.action, Event.biz_step, EventBatch.role)
        .tuples()
    )
    flows = dict.fromkeys(("produced", "received", "shipped", "returned", "used"), ZERO)
    for event_type, action, biz_step, role, total in rows:
        name = _flow_name(event_type, action, biz_step, role)
        if name:
            flows[name] += EventBatch.quantity.python_value(total or 0)
    return flows


def _flow_name(event_type: str, action: str | None, biz_step: str, role: str) -> str | None:
    if role == "output" or (event_type == "ObjectEvent" and action == "ADD" and biz_step == "commissioning"):
        return "produced"
    if role == "input":
        return "used"
    return {"receiving": "received", "shipping": "shipped", "void_shipping": "returned"}.get(biz_step)


def _shipment_loss(batch_id: int) -> Decimal:
    """Sum the shortfalls of the batch on received shipments whose receipt is not declared in error."""
    total = (
        ShipmentLine.select(fn.SUM(ShipmentLine.loss))
        .join(Shipment, on=(ShipmentLine.shipment == Shipment.id))
        .join(Event, on=(Shipment.close_event == Event.id))
        .where(ShipmentLine.batch == batch_id, Shipment.status == ShipmentStatus.RECEIVED, not_declared())
        .scalar()
    )
    return ShipmentLine.loss.python_value(total or 0)


def mass_balance(actor: User, lot_code: str) -> MassBalance:
    """Return the mass balance of a batch the actor may see."""
    return balance_of(get_batch(actor, lot_code))


def balance_of(batch: Batch) -> MassBalance:
    """Return the mass balance of a batch already shown to be visible (two queries)."""
    return MassBalance(lot=batch.lot_code, unit=batch.unit, loss=_shipment_loss(batch.id),
                       on_hand=batch.on_hand, in_transit=batch.in_transit, **_flows(batch.id))
