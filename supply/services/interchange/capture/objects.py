"""Object and aggregation events captured through the custody services: commissioning registers lots, shipping
and receiving move them between parties, storing with sensor reports records the temperatures of a cold room."""

from __future__ import annotations

from decimal import Decimal

from supply import permissions
from supply.i18n import N_
from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models.custody import ShipmentStatus
from supply.schemas.batch import BatchCreateSchema
from supply.schemas.custody import ReceiveSchema
from supply.schemas.custody import ShipmentCreateSchema
from supply.schemas.events import StoringSchema
from supply.services.custody.batches import register_batch
from supply.services.custody.observations import record_storing
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from supply.services.errors import Invalid
from supply.services.errors import ServiceError
from supply.services.interchange.capture.context import OTHER_PRODUCT
from supply.services.interchange.capture.context import Capture
from supply.services.interchange.capture.context import load
from supply.services.interchange.capture.context import rename
from supply.services.interchange.capture.names import LotName
from supply.services.interchange.capture.names import document_number
from supply.services.interchange.capture.names import lot_name
from supply.services.interchange.capture.names import party_code
from supply.services.interchange.capture.names import planting_code
from supply.services.interchange.capture.names import site_code
from supply.services.interchange.capture.names import unit_of

NO_LOTS = N_("Name the lots in a quantity list (epcClass and quantity): we track lots, not single items.")
NO_QUANTITY = N_("Give the quantity of this lot.")
NO_PLACE = N_("Give the site: a bizLocation or readPoint naming one of our sites.")
NO_RECEIVER = N_("Give the receiving party: a destinationList entry of type owning_party.")
NO_SHIPMENT = N_("No open shipment of these lots to your party.")
NO_SENSOR = N_("A storing event is captured with its temperature readings (a sensorElementList).")
ONE_LOT = N_("Record storing one lot per event.")


def quantity_entries(event: dict, key: str) -> list[tuple[str, dict]]:
    """Return an event's quantity list entries with their field names; instance-level EPC lists are refused."""
    entries = event.get(key) or []
    epcs = {"quantityList": "epcList", "childQuantityList": "childEPCs", "inputQuantityList": "inputEPCList",
            "outputQuantityList": "outputEPCList"}[key]
    if event.get(epcs):
        raise Invalid.field(epcs, NO_LOTS)
    return [(f"{key}.{i}", entry) for i, entry in enumerate(entries)]


def amount(entry: dict, field: str) -> Decimal:
    """Return the quantity of a quantity element as a Decimal."""
    value = entry.get("quantity")
    if value is None:
        raise Invalid.field(f"{field}.quantity", NO_QUANTITY)
    return Decimal(str(value))


def place(event: dict, *keys: str) -> tuple[str, str]:
    """Return the site code of the first of readPoint/bizLocation given, with the field it came from."""
    for key in keys:
        value = event.get(key)
        if isinstance(value, dict) and value.get("id"):
            return site_code(value["id"], f"{key}.id"), key
    raise Invalid.field(keys[0], NO_PLACE)


def _listed(event: dict, key: str, kind: str) -> tuple[str | None, str]:
    item_key = key[:-4]  # sourceList -> source
    for i, item in enumerate(event.get(key) or []):
        if item.get("type") in (kind, f"https://ref.gs1.org/cbv/SDT-{kind}", f"urn:epcglobal:cbv:sdt:{kind}"):
            return item.get(item_key), f"{key}.{i}.{item_key}"
    return None, key


def document_of(event: dict, kind: str) -> str:
    for item in event.get("bizTransactionList") or []:
        if str(item.get("type", "")).split("-")[-1].split(":")[-1] == kind:
            return document_number(item.get("bizTransaction", ""))
    return ""


def commission(capture: Capture, event: dict, key: str) -> None:
    """Register each lot of a commissioning event (ObjectEvent ADD) at its site."""
    site, site_field = place(event, "bizLocation", "readPoint")
    ilmd = event.get("ilmd") or {}
    entries = quantity_entries(event, key)
    if not entries:
        raise Invalid.field(key, NO_LOTS)
    sources = capture.ext(ilmd, "sourceLots") or []
    source_lots = [capture.ext(s, "lot") for s in sources if capture.ext(s, "kind") != "planting"]
    plantings = [capture.ext(s, "planting") for s in sources if capture.ext(s, "kind") == "planting"]
    planting = plantings[0] if plantings else None
    for field, entry in entries:
        name = lot_name(entry.get("epcClass"), f"{field}.epcClass")
        data = {"lot_code": name.lot_code, "product": capture.product_of(event, name, f"{field}.epcClass"),
                "site": site, "quantity": amount(entry, field), "unit": unit_of(entry.get("uom"), f"{field}.uom"),
                "produced_on": capture.ext(ilmd, "producedOn"),
                "produced_at": capture.ext(ilmd, "producedAt") or (
                    None if capture.ext(ilmd, "producedOn") else event.get("eventTime")),
                "field_name": capture.ext(ilmd, "fieldName") or "", "ear_tag": capture.ext(ilmd, "earTag"),
                "source_lots": [s for s in source_lots if s],
                "planting": capture.plantings.get(planting, planting) if planting else None}
        checked = load(BatchCreateSchema, {k: v for k, v in data.items() if v is not None},
                       {"site": site_field, "lot_code": f"{field}.epcClass", "product": f"{field}.epcClass",
                        "quantity": f"{field}.quantity", "unit": f"{field}.uom", "produced_on": "ilmd",
                        "produced_at": "ilmd", "planting": "ilmd", "source_lots": "ilmd", "ear_tag": "ilmd"})
        batch = call(register_batch, capture, checked, {"site": site_field, "lot_code": f"{field}.epcClass",
                                                "quantity": f"{field}.quantity", "ear_tag": "ilmd",
                                                "source_lots": "ilmd", "planting": "ilmd", "produced_on": "ilmd",
                                                "produced_at": "ilmd", "unit": f"{field}.uom"})
        capture.lots[batch.lot_code] = batch
        capture.count("lots")


def ship(capture: Capture, event: dict, key: str) -> None:
    """Dispatch the lots of a shipping event from a site of the actor's party to the destination party."""
    site, site_field = place(event, "readPoint", "bizLocation")
    receiver, receiver_field = _listed(event, "destinationList", "owning_party")
    if not receiver:
        raise Invalid.field("destinationList", NO_RECEIVER)
    to_site, to_site_field = _listed(event, "destinationList", "location")
    lines, fields = [], {"from_site": site_field, "to_party": receiver_field, "to_site": to_site_field}
    for i, (field, entry) in enumerate(quantity_entries(event, key)):
        batch = capture.known_lot(entry.get("epcClass"), f"{field}.epcClass")
        lines.append({"lot": batch.lot_code, "quantity": amount(entry, field),
                      "unit": unit_of(entry.get("uom"), f"{field}.uom")})
        fields[f"lines.{i}"] = field
    fields["lines"] = fields["lot"] = key
    data = {"from_site": site, "to_party": party_code(receiver, receiver_field),
            "to_site": site_code(to_site, to_site_field) if to_site else None, "lines": lines,
            "departed_at": event.get("eventTime"), "doc_number": document_of(event, "desadv"),
            "carrier": capture.ext(event, "carrier") or "", "vehicle_plate": capture.ext(event, "vehiclePlate") or "",
            "set_point": capture.ext(event, "setPointCelsius")}
    checked = load(ShipmentCreateSchema, {k: v for k, v in data.items() if v is not None}, fields)
    shipment = call(create_shipment, capture, checked, fields)
    sent_as = capture.ext(event, "shipment") or event.get("eventID")
    if sent_as:
        capture.shipments[str(sent_as)] = shipment.code
    capture.count("shipments")


def call(service, capture: Capture, data: dict, fields: dict, *args):
    """Call a service; name the fields of its errors by the event's fields."""
    try:
        return service(capture.actor, *args, data)
    except ServiceError as exc:
        exc.errors = {rename(name, fields): messages for name, messages in exc.errors.items()}
        raise


def _open_shipment(capture: Capture, event: dict, names: dict[str, LotName]) -> str:
    """Find the shipment a receiving event closes, in one query: the one this document sent (`xn:shipment`), else
    the oldest open one to the actor's party carrying exactly these lots (from the source party, when named).

    Finding it is what makes the lots the actor's to name: they are on their way to its party.
    """
    sent_as = capture.ext(event, "shipment")
    code = capture.shipments.get(str(sent_as), str(sent_as)) if sent_as else None
    sender_party = Party.alias("sender")
    carrying = (ShipmentLine.select(ShipmentLine.shipment)
                .join(Batch)
                .where(Batch.lot_code.in_(list(names))))
    query = (ShipmentLine.select(Shipment.code, sender_party.code.alias("sender"), Batch.lot_code, Product.gtin)
             .join(Shipment)
             .join(sender_party, on=(Shipment.sender == sender_party.id))
             .switch(ShipmentLine)
             .join(Batch)
             .join(Product)
             .where(Shipment.status == ShipmentStatus.IN_TRANSIT, ShipmentLine.shipment.in_(carrying))
             .order_by(Shipment.departed_at, Shipment.id)
             .namedtuples())
    if code:
        query = query.where(Shipment.code == code)
    if not permissions.is_admin(capture.actor):
        query = query.where(Shipment.receiver == capture.actor.party_id)
    sender, _ = _listed(event, "sourceList", "owning_party")
    sender = _safe_party(sender) if sender else None
    found: dict[str, dict] = {}
    for row in query:
        found.setdefault(row.code, {"sender": row.sender, "lots": {}})["lots"][row.lot_code] = row.gtin
    for shipment_code, shipment in found.items():
        if set(shipment["lots"]) == set(names) and sender in (None, shipment["sender"]):
            for i, (lot, name) in enumerate(names.items()):
                if name.gtin and (shipment["lots"][lot] or "").zfill(14) != name.gtin:
                    raise Invalid.field(f"quantityList.{i}.epcClass", OTHER_PRODUCT)
            return shipment_code
    return ""


def _safe_party(uri: str) -> str | None:
    try:
        return party_code(uri, "sourceList")
    except Invalid:
        return None


def receive(capture: Capture, event: dict, key: str) -> None:
    """Receive the shipment of a receiving event at a site of the actor's party; a shortfall needs its reason."""
    site, site_field = place(event, "bizLocation", "readPoint")
    losses = {capture.ext(loss, "lotCode"): capture.ext(loss, "reason") for loss in capture.ext(event, "losses") or []}
    lines, names, fields = [], {}, {"site": site_field, "lines": key, "lot": key}
    for i, (field, entry) in enumerate(quantity_entries(event, key)):
        name = lot_name(entry.get("epcClass"), f"{field}.epcClass")
        names[name.lot_code] = name
        line = {"lot": name.lot_code, "received": amount(entry, field)}
        if losses.get(name.lot_code):
            line["loss_reason"] = losses[name.lot_code]
        lines.append(line)
        fields[f"lines.{i}"] = field
    code = _open_shipment(capture, event, names) if names else ""
    if not code:
        for field, entry in quantity_entries(event, key):  # say which lot is unknown, else that none is on its way
            capture.known_lot(entry.get("epcClass"), f"{field}.epcClass")
        raise Invalid.field(key, NO_SHIPMENT)
    low, high = _temperatures(event)
    data = {"site": site, "received_at": event.get("eventTime"), "lines": lines,
            "temperature_min": low, "temperature_max": high}
    checked = load(ReceiveSchema, {k: v for k, v in data.items() if v is not None}, fields)
    call(receive_shipment, capture, checked, fields, code)
    capture.count("receipts")


def _temperatures(event: dict) -> tuple:
    for element in event.get("sensorElementList") or []:
        for report in element.get("sensorReport") or []:
            if str(report.get("type", "")).endswith("Temperature"):
                low = report.get("minValue", report.get("value"))
                high = report.get("maxValue", report.get("value"))
                return low, high
    return None, None


def _interval(event: dict) -> tuple:
    for element in event.get("sensorElementList") or []:
        metadata = element.get("sensorMetadata") or {}
        if metadata.get("startTime") or metadata.get("endTime"):
            return metadata.get("startTime"), metadata.get("endTime")
    return None, None


def store(capture: Capture, event: dict, key: str) -> None:
    """Record that a lot was stored at a site of the actor's party, with the temperatures its sensors reported."""
    site, site_field = place(event, "bizLocation", "readPoint")
    entries = quantity_entries(event, key)
    if len(entries) != 1:
        raise Invalid.field(key, ONE_LOT)
    low, high = _temperatures(event)
    if low is None and high is None:
        raise Invalid.field("sensorElementList", NO_SENSOR)
    field, entry = entries[0]
    batch = capture.known_lot(entry.get("epcClass"), f"{field}.epcClass")
    start, end = _interval(event)
    data = {"site": site, "lot": batch.lot_code, "temperature_min": low, "temperature_max": high,
            "interval_start": start, "interval_end": end, "time": None if end else event.get("eventTime"),
            "notes": capture.ext(event, "notes") or ""}
    fields = {"site": site_field, "lot": f"{field}.epcClass", "temperature_min": "sensorElementList",
              "temperature_max": "sensorElementList", "interval_start": "sensorElementList",
              "interval_end": "sensorElementList", "time": "eventTime"}
    checked = load(StoringSchema, {k: v for k, v in data.items() if v is not None}, fields)
    call(record_storing, capture, checked, fields)
    capture.count("observations")


def planting_of(capture: Capture, event: dict) -> str | None:
    """Return the planting code a transformation id names."""
    return planting_code(event.get("transformationID")) or capture.ext(event, "planting")
