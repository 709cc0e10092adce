"""Error declarations: an event is never changed; a later event declares it did not occur or was wrong.

The declaration undoes what the declared event did to the derived state (quantities, links), so traces and
balances leave it out, while the history shows both. Only what nothing has built on yet can be declared.
"""

from __future__ import annotations

from supply import permissions
from supply.db import db
from supply.i18n import N_
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import EventBatch
from supply.models import Holding
from supply.models import Planting
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import User
from supply.models.custody import ShipmentStatus
from supply.services.audit.writes import audited
from supply.services.custody import stock
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound


def find_event(event_id: str) -> Event:
    """Return an event by its id, with or without the urn:uuid: prefix."""
    if not event_id.startswith("urn:uuid:"):
        event_id = f"urn:uuid:{event_id}"
    event = Event.get_or_none(Event.event_id == event_id[:45])
    if event is None:
        raise NotFound(N_("No event with this id."))
    return event


def is_declared(event: Event) -> bool:
    """Tell whether an error declaration names this event."""
    return Event.select().where(Event.declares == event.id).exists()


@audited("events.declare_error")
def declare_error(actor: User, event_id: str, reason: str, note: str = "", corrective: str | None = None) -> Event:
    """Declare an event in error and undo its effect on quantities and links; return the declaration."""
    with db.atomic():
        event = find_event(event_id)
        permissions.require_declares(actor, event.party_id)
        if event.declares_id is not None:
            raise Conflict(N_("A declaration cannot itself be declared in error."))
        lines = list(EventBatch.select().where(EventBatch.event == event.id))
        batches = stock.lock_batches(line.batch_id for line in lines)
        if is_declared(event):
            raise Conflict(N_("This event has been declared in error already."))
        corrective_id = find_event(corrective).event_id if corrective else None
        # The declaration is written first: a received shipment's lines may change only once its receipt is
        # declared (the database's triggers check for the declaration).
        declaration = record_event(
            event_type=event.event_type, action=event.action, biz_step=event.biz_step,
            disposition=event.disposition, party=event.party, site=event.site, recorded_by=actor,
            lines=[Line(batches[line.batch_id], line.role, None, line.unit) for line in lines],
            declares=event, declaration_reason=reason,
            data={"note": note, "corrective_event_ids": [corrective_id] if corrective_id else []},
        )
        UNDO.get(event.biz_step, _undo_nothing)(event, lines, batches)
        stock.refresh(batches)
        return declaration


def _require_untouched(event: Event, batch_ids) -> None:
    """Refuse when a later, undeclared event touches these batches: declare that one first."""
    later = (
        EventBatch.select().join(Event)
        .where(EventBatch.batch.in_(list(batch_ids)), Event.id > event.id, Event.declares.is_null(),
               ~Event.id.in_(Event.select(Event.declares).where(Event.declares.is_null(False))))
    )
    if later.exists():
        raise Conflict(N_("Later events build on this one: declare them in error first."))


def _take_all(line: EventBatch, batch: Batch, quantity) -> None:
    holding = Holding.get_or_none(batch=batch.id, site=line.event.site_id, party=line.event.party_id)
    if holding is None or holding.on_hand != quantity:
        raise Conflict(N_("Later events build on this one: declare them in error first."))
    stock.take(batch, holding.party, holding.site, quantity)


def _undo_commissioning(event: Event, lines: list, batches: dict) -> None:
    _require_untouched(event, batches)
    for line in lines:
        _take_all(line, batches[line.batch_id], line.quantity)
    BatchLink.update(retracted=True).where(BatchLink.event == event.id).execute()


def _undo_transformation(event: Event, lines: list, batches: dict) -> None:
    outputs = [line for line in lines if line.role == "output"]
    _require_untouched(event, [line.batch_id for line in outputs])
    for line in outputs:
        _take_all(line, batches[line.batch_id], line.quantity)
    for line in lines:
        if line.role == "input":
            stock.put(batches[line.batch_id], event.party, event.site, line.quantity)
    BatchLink.update(retracted=True).where(BatchLink.event == event.id).execute()
    Planting.update(retracted=True).where(Planting.event == event.id).execute()


def _shipment_of(event: Event) -> Shipment:
    return Shipment.get(Shipment.code == event.data["shipment"])


def _undo_shipping(event: Event, lines: list, batches: dict) -> None:
    shipment = _shipment_of(event)
    if shipment.status != ShipmentStatus.IN_TRANSIT:
        raise Conflict(N_("Only a shipment still in transit can be declared in error."))
    for line in shipment.lines:
        stock.put(batches[line.batch_id], shipment.sender, shipment.from_site, line.quantity)
    Shipment.update(status=ShipmentStatus.CANCELLED).where(Shipment.id == shipment.id).execute()


def _undo_receiving(event: Event, lines: list, batches: dict) -> None:
    """Take back what was booked in, so the shipment is in transit again and can be received correctly.

    The lines' received quantities and losses are the shipment's current receipt; the declared receipt keeps
    its own on its event (its lines and losses), which never change, so resetting the lines loses nothing.
    """
    shipment = _shipment_of(event)
    for line in lines:
        if line.quantity:
            stock.take(batches[line.batch_id], shipment.receiver, event.site, line.quantity)
    ShipmentLine.update(received=None, loss=None, loss_reason="").where(ShipmentLine.shipment == shipment.id).execute()
    Shipment.update(status=ShipmentStatus.IN_TRANSIT, received_at=None, close_event=None).where(
        Shipment.id == shipment.id).execute()


def _undo_nothing(event: Event, lines: list, batches: dict) -> None:
    """Observations (storing) change no quantity."""


def _refuse(event: Event, lines: list, batches: dict) -> None:
    raise Invalid.field("event", N_("This kind of event cannot be declared in error."))


def _refuse_inspection(event: Event, lines: list, batches: dict) -> None:
    raise Invalid.field("event", N_("Test results, holds and recalls are corrected through their own workflow, "
                                    "not by an error declaration."))


UNDO = {
    "commissioning": lambda e, lines, b: (_undo_transformation if e.event_type == "TransformationEvent"
                                          else _undo_commissioning)(e, lines, b),
    "repackaging": _undo_transformation,
    "planting": _undo_transformation,
    "shipping": _undo_shipping,
    "receiving": _undo_receiving,
    "void_shipping": _refuse,
    "inspecting": _refuse_inspection,
    "holding": _refuse_inspection,
}
