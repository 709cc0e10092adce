"""Read the plan's request bodies into the values the API's schemas would give the services, without marshmallow.

The schemas cost about a millisecond per request, more than the rest of the bulk path; the plan's bodies are
valid by construction, so only the conversions the services rely on are needed: quantities to Decimal, times
to aware datetimes, temperatures to one decimal, and the defaults of the optional fields.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

ONE_DECIMAL = Decimal("0.1")


def quantity(value) -> Decimal | None:
    """Read a quantity as schemas.common.Quantity does."""
    return None if value is None else Decimal(str(value))


def temperature(value) -> Decimal | None:
    """Read a temperature as schemas.common.temperature does (one decimal)."""
    return None if value is None else Decimal(str(value)).quantize(ONE_DECIMAL)


def moment(value: str | None) -> datetime.datetime | None:
    """Read an ISO 8601 time with its offset as schemas.common.EventTime does."""
    return None if value is None else datetime.datetime.fromisoformat(value)


def register(body: dict) -> dict:
    """Read a registration (BatchCreateSchema)."""
    return {"lot_code": body.get("lot_code"), "product": body["product"], "site": body["site"],
            "quantity": quantity(body["quantity"]), "unit": body.get("unit"),
            "produced_on": datetime.date.fromisoformat(body["produced_on"]),
            "produced_at": moment(body.get("produced_at")), "field_name": body.get("field_name", ""),
            "ear_tag": body.get("ear_tag"), "notes": body.get("notes", ""), "source_lots": body.get("source_lots", []),
            "planting": body.get("planting")}


def ship(body: dict) -> dict:
    """Read a shipment (ShipmentCreateSchema)."""
    return {**body, "lines": [{"lot": line["lot"], "quantity": quantity(line["quantity"]), "unit": line.get("unit")}
                              for line in body["lines"]],
            "departed_at": moment(body.get("departed_at")), "set_point": temperature(body.get("set_point")),
            "carrier": body.get("carrier", ""), "vehicle_plate": body.get("vehicle_plate", ""),
            "doc_number": body.get("doc_number", "")}


def receive(body: dict) -> dict:
    """Read a receipt (ReceiveSchema)."""
    return {"site": body["site"], "received_at": moment(body.get("received_at")),
            "lines": [{"lot": line["lot"], "received": quantity(line["received"]),
                       "loss_reason": line.get("loss_reason", "")} for line in body.get("lines", [])],
            "temperature_min": temperature(body.get("temperature_min")),
            "temperature_max": temperature(body.get("temperature_max"))}


def transform(body: dict) -> dict:
    """Read a transformation (TransformationSchema)."""
    return {"kind": body["kind"], "site": body["site"], "time": moment(body.get("time")),
            "inputs": [{"lot": spec["lot"], "quantity": quantity(spec.get("quantity"))} for spec in body["inputs"]],
            "outputs": [{"lot_code": spec.get("lot_code"), "product": spec.get("product"),
                         "quantity": quantity(spec["quantity"]), "unit": spec.get("unit"),
                         "field_name": spec.get("field_name", ""), "notes": spec.get("notes", "")}
                        for spec in body.get("outputs", [])],
            "loss": quantity(body.get("loss")), "loss_reason": body.get("loss_reason", ""),
            "doc_number": body.get("doc_number", "")}


READERS = {"register": register, "ship": ship, "receive": receive, "transform": transform}
