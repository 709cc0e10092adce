"""Shipments: dispatch from a site of the sender, receipt by the receiving party, cancellation before that."""

from __future__ import annotations

import datetime
import secrets

from supply import permissions
from supply.clock import local_today
from supply.clock import to_utc_naive
from supply.db import db
from supply.db import for_update
from supply.i18n import N_
from supply.identifiers import LOT_ALPHABET
from supply.models import Batch
from supply.models import Party
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.models import User
from supply.models.custody import ShipmentStatus
from supply.services.audit.writes import audited
from supply.services.custody import stock
from supply.services.custody import timeline
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.errors import Conflict
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.masterdata.lookup import party_by_code
from supply.services.masterdata.lookup import site_by_code
from supply.units import quantity_text

BEFORE_DEPARTURE = N_("This is before the shipment's departure.")


def _new_code() -> str:
    return f"SH{local_today():%y%m%d}-" + "".join(secrets.choice(LOT_ALPHABET) for _ in range(6))


def batches_by_lot(lines: list[dict], field: str = "lines") -> dict[str, Batch]:
    """Return the lines' batches by lot code, locked; unknown or repeated lots are field errors."""
    codes = [line["lot"] for line in lines]
    for i, code in enumerate(codes):
        if codes.index(code) != i:
            raise Invalid.field(f"{field}.{i}.lot", N_("This lot is listed twice."))
    found = {b.lot_code: b.id for b in Batch.select(Batch.id, Batch.lot_code).where(Batch.lot_code.in_(codes))}
    for i, code in enumerate(codes):
        if code not in found:
            raise Invalid.field(f"{field}.{i}.lot", N_("No batch with this lot code."))
    locked = stock.lock_batches(found.values())
    return {code: locked[found[code]] for code in codes}


def _check_line(batch: Batch, line: dict, i: int) -> None:
    if line.get("unit") and line["unit"] != batch.unit:
        raise Invalid.field(f"lines.{i}.unit", N_("The unit differs from the batch's unit."))
    stock.require_movable(batch)
    stock.check_whole(batch.unit, line["quantity"], f"lines.{i}.quantity")


@audited("shipments.create")
def create_shipment(actor: User, data: dict) -> Shipment:
    """Send batches from a site of the actor's party to another party; quantities go from on hand to in transit."""
    with db.atomic():
        from_site = site_by_code(data["from_site"], field="from_site")
        permissions.require_acts_at(actor, from_site, "from_site")
        receiver = party_by_code(data["to_party"], field="to_party")
        if receiver.id == from_site.party_id:
            raise Invalid.field("to_party", N_("A shipment goes to another party."))
        to_site = _receiving_site(data.get("to_site"), receiver, "to_site")
        batches = batches_by_lot(data["lines"])
        timeline.require_not_before((b.id for b in batches.values()), data.get("departed_at"), "departed_at")
        lines = []
        for i, line in enumerate(data["lines"]):
            batch = batches[line["lot"]]
            _check_line(batch, line, i)
            stock.take(batch, from_site.party, from_site, line["quantity"], field=f"lines.{i}.quantity")
            lines.append(Line(batch, "object", line["quantity"], batch.unit))
        code = _new_code()
        event = record_event(
            event_type="ObjectEvent", action="OBSERVE", biz_step="shipping", disposition="in_transit",
            party=from_site.party, site=from_site, recorded_by=actor, lines=lines,
            event_time=data.get("departed_at"), doc_type="desadv", doc_number=data.get("doc_number", ""),
            data={"shipment": code, "to_party": receiver.code, "to_site": to_site.code if to_site else None,
                  "carrier": data.get("carrier", ""), "vehicle_plate": data.get("vehicle_plate", ""),
                  "set_point": data.get("set_point")},
        )
        shipment = Shipment.create(
            code=code, sender=from_site.party, from_site=from_site, receiver=receiver, to_site=to_site,
            carrier=data.get("carrier", ""), vehicle_plate=data.get("vehicle_plate", ""),
            departed_at=event.event_time, doc_number=data.get("doc_number", ""), set_point=data.get("set_point"),
            dispatch_event=event, created_by=actor,
        )
        ShipmentLine.insert_many(
            [{"shipment": shipment.id, "batch": line.batch.id, "quantity": line.quantity, "unit": line.unit}
             for line in lines]
        ).execute()
        stock.refresh(b.id for b in batches.values())
        return shipment


def _receiving_site(code: str | None, receiver: Party, field: str) -> Site | None:
    if not code:
        return None
    site = site_by_code(code, field=field)
    if site.party_id != receiver.id:
        raise Invalid.field(field, N_("This site is not the receiving party's."))
    return site


def get_shipment(actor: User, code: str, lock: bool = False) -> Shipment:
    """Return a shipment its sender, its receiver, inspectors or admins may see."""
    query = Shipment.select().where(Shipment.code == code)
    shipment = (for_update(query) if lock else query).get_or_none()
    if shipment is None:
        raise NotFound(N_("No shipment with this code."))
    if not (permissions.reads_everything(actor) or permissions.acts_for(actor, shipment.sender_id)
            or permissions.acts_for(actor, shipment.receiver_id)):
        raise Forbidden(N_("This shipment is between other parties."))
    return shipment


def _require_open(shipment: Shipment) -> None:
    if shipment.status == ShipmentStatus.RECEIVED:
        raise Conflict(N_("This shipment has been received already."))
    if shipment.status == ShipmentStatus.CANCELLED:
        raise Conflict(N_("This shipment has been cancelled."))


@audited("shipments.receive")
def receive_shipment(actor: User, code: str, data: dict) -> Shipment:
    """Receive a shipment at a site of the receiving party; shortfalls are recorded as loss with a reason."""
    with db.atomic():
        shipment = get_shipment(actor, code, lock=True)
        permissions.require_receives(actor, shipment.receiver_id)
        _require_open(shipment)
        site = _receiving_site(data["site"], shipment.receiver, "site")
        sent = {line.batch_id: line for line in shipment.lines}
        batches = stock.lock_batches(sent)
        arrived = data.get("received_at") or datetime.datetime.now(datetime.UTC)
        if to_utc_naive(arrived) < shipment.departed_at:
            departed = f"{shipment.code}: {timeline.stamp(shipment.departed_at)}"
            raise Invalid(BEFORE_DEPARTURE, {"received_at": [BEFORE_DEPARTURE, departed]})
        given = {line["lot"]: (i, line) for i, line in enumerate(data.get("lines") or [])}
        by_lot = {batches[bid].lot_code: line for bid, line in sent.items()}
        for lot, (i, _line) in given.items():
            if lot not in by_lot:
                raise Invalid.field(f"lines.{i}.lot", N_("This lot is not on the shipment."))
        lines, losses = [], []
        for lot, line in by_lot.items():
            i, entry = given.get(lot, (None, {}))
            received = entry.get("received", line.quantity)
            field = f"lines.{i}.received" if i is not None else "lines"
            if received > line.quantity:
                raise Invalid.field(field, N_("More than was sent."))
            stock.check_whole(line.unit, received, field)
            loss = line.quantity - received
            if loss and not entry.get("loss_reason"):
                raise Invalid.field(f"lines.{i}.loss_reason", N_("Give the reason for the shortfall."))
            line.received, line.loss, line.loss_reason = received, loss, entry.get("loss_reason", "")
            line.save()
            if received:
                stock.put(batches[line.batch_id], shipment.receiver, site, received)
            lines.append(Line(batches[line.batch_id], "object", received, line.unit))
            if loss:
                losses.append({"lot": lot, "quantity": quantity_text(loss), "reason": line.loss_reason})
        event = record_event(
            event_type="ObjectEvent", action="OBSERVE", biz_step="receiving", disposition="in_progress",
            party=shipment.receiver, site=site, recorded_by=actor, lines=lines,
            event_time=arrived, doc_type="recadv", doc_number=shipment.doc_number,
            data={"shipment": shipment.code, "from_party": shipment.sender.code,
                  "from_site": shipment.from_site.code, "losses": losses,
                  "temperature": _temperatures(data, shipment, arrived)},
        )
        Shipment.update(status=ShipmentStatus.RECEIVED, to_site=site, received_at=event.event_time,
                        close_event=event).where(Shipment.id == shipment.id).execute()
        stock.refresh(batches)
        return Shipment.get_by_id(shipment.id)


def _temperatures(data: dict, shipment: Shipment, arrived: datetime.datetime) -> dict | None:
    """Return the temperatures logged on the way, over the journey: from the departure to the arrival."""
    low, high = data.get("temperature_min"), data.get("temperature_max")
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        raise Invalid.field("temperature_max", N_("The highest temperature is below the lowest."))
    return {"min": quantity_text(low), "max": quantity_text(high),
            "from": timeline.stamp(shipment.departed_at), "to": timeline.stamp(to_utc_naive(arrived))}


@audited("shipments.cancel")
def cancel_shipment(actor: User, code: str, reason: str = "") -> Shipment:
    """Cancel a shipment before receipt: the quantities go back on hand at the sending site."""
    with db.atomic():
        shipment = get_shipment(actor, code, lock=True)
        permissions.require_cancels(actor, shipment.sender_id)
        _require_open(shipment)
        lines = list(shipment.lines)
        batches = stock.lock_batches(line.batch_id for line in lines)
        for line in lines:
            stock.put(batches[line.batch_id], shipment.sender, shipment.from_site, line.quantity)
        event = record_event(
            event_type="ObjectEvent", action="OBSERVE", biz_step="void_shipping", disposition="active",
            party=shipment.sender, site=shipment.from_site, recorded_by=actor,
            lines=[Line(batches[line.batch_id], "object", line.quantity, line.unit) for line in lines],
            doc_type="desadv", doc_number=shipment.doc_number, data={"shipment": shipment.code, "reason": reason},
        )
        Shipment.update(status=ShipmentStatus.CANCELLED, close_event=event).where(Shipment.id == shipment.id).execute()
        stock.refresh(batches)
        return Shipment.get_by_id(shipment.id)


def list_shipments(actor: User, filters: dict):
    """Return the shipments of the actor's party, incoming or outgoing (all parties for inspectors and admins).

    Inspectors and admins list every shipment unless they name a party: a shipment between two other parties is
    one's outgoing and the other's incoming, so a direction means something only for a party.
    """
    query = Shipment.select().order_by(Shipment.departed_at.desc(), Shipment.id.desc())
    direction = filters.get("direction")
    party_id = actor.party_id
    if filters.get("party"):
        party_id = party_by_code(filters["party"], field="party").id
        if not permissions.reads_everything(actor) and party_id != actor.party_id:
            raise Forbidden(N_("You may list only your own party's shipments."))
    elif permissions.reads_everything(actor):
        party_id = None
    if party_id is not None:
        if direction == "incoming":
            query = query.where(Shipment.receiver == party_id)
        elif direction == "outgoing":
            query = query.where(Shipment.sender == party_id)
        else:
            query = query.where((Shipment.receiver == party_id) | (Shipment.sender == party_id))
    if filters.get("status"):
        query = query.where(Shipment.status == filters["status"])
    return query

