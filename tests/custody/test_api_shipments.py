"""Shipments through the API: quantities move, shortfalls are losses, receipt and cancel happen once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supply.models import Batch
from supply.models import Event
from supply.models import Holding
from supply.models import Shipment
from tests.builders.custody import shipping_world
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_user

world = pytest.fixture(name="world")(shipping_world)


def _ship(client, world, quantity="300", **extra):
    body = {"from_site": world["site"].code, "to_party": world["operator"].party.code,
            "lines": [{"lot": world["batch"].lot_code, "quantity": quantity}], "carrier": "青海高原冷链",
            "vehicle_plate": "青A·12345", "doc_number": "DN-2026-0815", "set_point": "2", **extra}
    return client.post("/api/v1/shipments", json=body, headers=world["coop_h"])


def test_dispatch_moves_quantity_into_transit(client, world):
    response = _ship(client, world)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "in_transit" and response.json["lines"][0]["quantity"] == "300"
    batch = Batch.get_by_id(world["batch"].id)
    assert (batch.on_hand, batch.in_transit, batch.status) == (Decimal("200"), Decimal("300"), "active")
    listed = client.get("/api/v1/shipments?direction=incoming", headers=world["op_h"]).json
    assert [s["code"] for s in listed["items"]] == [response.json["code"]]
    assert client.get("/api/v1/shipments?direction=outgoing", headers=world["op_h"]).json["total"] == 0


def test_receipt_with_a_shortfall_needs_a_reason_and_records_the_loss(client, world):
    code = _ship(client, world).json["code"]
    url = f"/api/v1/shipments/{code}/receive"
    body = {"site": world["cold_store"].code, "lines": [{"lot": world["batch"].lot_code, "received": "290"}],
            "temperature_min": "1.5", "temperature_max": "4.5"}
    refused = client.post(url, json=body, headers=world["op_h"])
    assert refused.status_code == 422
    assert refused.json["errors"] == {"lines.0.loss_reason": ["Give the reason for the shortfall."]}
    body["lines"][0]["loss_reason"] = "两箱压坏"
    received = client.post(url, json=body, headers=world["op_h"])
    assert received.status_code == 200, received.json
    assert received.json["lines"][0] | {"lot": None} == {"lot": None, "quantity": "300", "unit": "kg",
                                                          "received": "290", "loss": "10", "loss_reason": "两箱压坏"}
    batch = Batch.get_by_id(world["batch"].id)
    assert (batch.on_hand, batch.in_transit) == (Decimal("490"), Decimal("0"))
    assert batch.holder_id == world["operator"].party_id
    held = {h.party_id: h.on_hand for h in Holding.select().where(Holding.batch == batch.id)}
    assert held == {world["coop"].party_id: Decimal("200"), world["operator"].party_id: Decimal("290")}
    event = Event.select().where(Event.biz_step == "receiving").get()
    assert event.data["temperature"]["min"] == "1.5" and event.data["losses"][0]["quantity"] == "10"


def test_receiving_twice_and_cancelling_after_receipt_are_conflicts(client, world):
    code = _ship(client, world).json["code"]
    body = {"site": world["cold_store"].code}
    assert client.post(f"/api/v1/shipments/{code}/receive", json=body, headers=world["op_h"]).status_code == 200
    events = Event.select().count()
    again = client.post(f"/api/v1/shipments/{code}/receive", json=body, headers=world["op_h"])
    assert again.status_code == 409 and again.json["message"] == "This shipment has been received already."
    cancel = client.post(f"/api/v1/shipments/{code}/cancel", json={}, headers=world["coop_h"])
    assert cancel.status_code == 409
    assert Event.select().count() == events


def test_only_the_receiver_receives_and_only_the_sender_cancels(client, world):
    code = _ship(client, world).json["code"]
    body = {"site": world["cold_store"].code}
    assert client.post(f"/api/v1/shipments/{code}/receive", json=body, headers=world["coop_h"]).status_code == 403
    stranger = auth_header(make_user(role="operator"))
    assert client.post(f"/api/v1/shipments/{code}/receive", json=body, headers=stranger).status_code == 403
    assert client.post(f"/api/v1/shipments/{code}/cancel", json={}, headers=world["op_h"]).status_code == 403
    assert Shipment.get(Shipment.code == code).status == "in_transit"


def test_cancel_before_receipt_puts_the_quantity_back(client, world):
    code = _ship(client, world).json["code"]
    response = client.post(f"/api/v1/shipments/{code}/cancel", json={"reason": "车辆故障"}, headers=world["coop_h"])
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    batch = Batch.get_by_id(world["batch"].id)
    assert (batch.on_hand, batch.in_transit) == (Decimal("500"), Decimal("0"))


@pytest.mark.parametrize(("line", "field", "status"), [
    ({"quantity": "501"}, "lines.0.quantity", 409),
    ({"quantity": "10", "unit": "t"}, "lines.0.unit", 422),
    ({"quantity": "10", "lot": "NO-SUCH-LOT"}, "lines.0.lot", 422),
])
def test_bad_lines_change_nothing(client, world, line, field, status):
    body = {"from_site": world["site"].code, "to_party": world["operator"].party.code,
            "lines": [{"lot": world["batch"].lot_code, **line}]}
    response = client.post("/api/v1/shipments", json=body, headers=world["coop_h"])
    assert response.status_code == status and field in response.json["errors"]
    assert Shipment.select().count() == 0
    assert Batch.get_by_id(world["batch"].id).on_hand == Decimal("500")


def test_a_fraction_of_a_counted_unit_is_refused_alike_when_registered_and_when_shipped(client, world):
    cartons = make_product(unit="carton")
    registered = client.post("/api/v1/batches", headers=world["coop_h"], json={
        "site": world["site"].code, "product": cartons.code, "quantity": "2.5", "produced_on": "2026-08-01"})
    world["batch"] = make_batch(site=world["site"], product=cartons, quantity=10)
    shipped = _ship(client, world, quantity="2.5")
    assert (registered.status_code, shipped.status_code) == (422, 422)
    assert registered.json["errors"] == {"quantity": ["This unit is counted in whole pieces."]}
    assert shipped.json["errors"] == {"lines.0.quantity": ["This unit is counted in whole pieces."]}


def test_shipping_from_another_partys_site_is_forbidden(client, world):
    body = {"from_site": world["site"].code, "to_party": world["coop"].party.code,
            "lines": [{"lot": world["batch"].lot_code, "quantity": "1"}]}
    assert client.post("/api/v1/shipments", json=body, headers=world["op_h"]).status_code == 403


def test_a_party_that_was_sent_part_of_a_lot_may_read_it(client, world):
    _ship(client, world, quantity="100")
    lot = world["batch"].lot_code
    assert client.get(f"/api/v1/batches/{lot}", headers=world["op_h"]).status_code == 200
    listed = client.get("/api/v1/batches", headers=world["op_h"]).json
    assert [b["lot_code"] for b in listed["items"]] == [lot]
    stranger = auth_header(make_user(role="operator"))
    assert client.get(f"/api/v1/batches/{lot}", headers=stranger).status_code == 404
