"""Shipments: dispatch, receive, cancel, and the incoming and outgoing lists of a party."""

from __future__ import annotations

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.common import page_schema
from supply.schemas.custody import CancelSchema
from supply.schemas.custody import ReceiveSchema
from supply.schemas.custody import ShipmentCreateSchema
from supply.schemas.custody import ShipmentFilterSchema
from supply.schemas.custody import ShipmentSchema
from supply.services.custody import shipments

ShipmentPage = page_schema(ShipmentSchema, "ShipmentPage")


@route("/shipments", "POST", summary="Send batches from one of your sites to another party", tag="shipments",
       body=ShipmentCreateSchema, response=ShipmentSchema, status=201, errors=(409,))
def create_shipment(actor, data: dict):
    """Dispatch a shipment."""
    return ShipmentSchema().dump(shipments.create_shipment(actor, data))


@route("/shipments", "GET", summary="List your party's incoming and outgoing shipments", tag="shipments",
       query=ShipmentFilterSchema, response=ShipmentPage)
def list_shipments(actor, args: dict):
    """List shipments."""
    page = paginate(shipments.list_shipments(actor, args), args["page"], args["per_page"])
    return page_json(page, ShipmentSchema().dump)


@route("/shipments/<code>", "GET", summary="Read a shipment", tag="shipments", response=ShipmentSchema,
       errors=(404,))
def get_shipment(actor, code: str):
    """Read one shipment."""
    return ShipmentSchema().dump(shipments.get_shipment(actor, code))


@route("/shipments/<code>/receive", "POST", summary="Receive a shipment (receiving party only)",
       tag="shipments", body=ReceiveSchema, response=ShipmentSchema, errors=(404, 409))
def receive_shipment(actor, code: str, data: dict):
    """Receive a shipment."""
    return ShipmentSchema().dump(shipments.receive_shipment(actor, code, data))


@route("/shipments/<code>/cancel", "POST", summary="Cancel a shipment before it is received (sender only)",
       tag="shipments", body=CancelSchema, response=ShipmentSchema, errors=(404, 409))
def cancel_shipment(actor, code: str, data: dict):
    """Cancel a shipment."""
    return ShipmentSchema().dump(shipments.cancel_shipment(actor, code, data.get("reason", "")))
