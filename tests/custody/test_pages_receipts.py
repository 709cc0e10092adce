"""The shipment pages: receive a shipment (with losses) or cancel it, each once, each by its own party only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supply.models import Event
from supply.models import Shipment
from supply.models import ShipmentLine
from tests.builders.custody import fresh
from tests.builders.custody import holding
from tests.builders.custody import shipment_pages_world
from tests.builders.custody import shipped
from tests.builders.factories import make_party
from tests.builders.factories import make_user
from tests.builders.pages import banner
from tests.builders.pages import field_error
from tests.builders.pages import flash
from tests.builders.pages import input_value
from tests.builders.pages import log_in

world = pytest.fixture(name="world")(shipment_pages_world)


def test_receiving_in_full_puts_the_batch_on_hand_at_the_receiver(client, world):
    shipment = shipped(world)
    log_in(client, world.receiver)
    form = client.get(f"/shipments/{shipment.code}/receive").text
    assert input_value(form, "lines.0.received") == "100"  # the quantity sent, to confirm or correct
    response = client.post(f"/shipments/{shipment.code}/receive", data={
        "site": world.cold.code, "received_at": "2026-07-15T14:00", "lines.0.lot": world.batch.lot_code,
        "lines.0.received": "100", "lines.0.loss_reason": "", "temperature_min": "2.5", "temperature_max": "6"})
    assert response.status_code == 302
    assert Shipment.get_by_id(shipment.id).status == "received"
    assert holding(world.batch, world.cold) == Decimal("100")
    assert fresh(world.batch).in_transit == 0
    page = client.get(response.headers["Location"]).text
    assert f"Shipment {shipment.code} received." in flash(page)
    assert "2026-07-15 14:00" in page


def receive_form(world, received: str, reason: str = "") -> dict:
    """Fill the receipt form for the one line of `shipped(world)`."""
    return {"site": world.cold.code, "received_at": "", "lines.0.lot": world.batch.lot_code,
            "lines.0.received": received, "lines.0.loss_reason": reason, "temperature_min": "", "temperature_max": ""}


def test_a_shortfall_needs_a_reason_and_is_recorded_as_loss(client, world):
    shipment = shipped(world)
    log_in(client, world.receiver)
    refused = client.post(f"/shipments/{shipment.code}/receive", data=receive_form(world, "97.5"))
    assert refused.status_code == 422
    assert field_error(refused.text, "lines.0.loss_reason") == "Give the reason for the shortfall."
    assert input_value(refused.text, "lines.0.received") == "97.5"
    assert Shipment.get_by_id(shipment.id).status == "in_transit"
    assert holding(world.batch, world.cold) == 0

    done = client.post(f"/shipments/{shipment.code}/receive", data=receive_form(world, "97.5", "途中破损"))
    assert done.status_code == 302
    line = ShipmentLine.get(ShipmentLine.shipment == shipment.id)
    assert (line.received, line.loss, line.loss_reason) == (Decimal("97.5"), Decimal("2.5"), "途中破损")
    assert holding(world.batch, world.cold) == Decimal("97.5")
    page = client.get(f"/shipments/{shipment.code}").text
    assert "2.5 kg" in page and "途中破损" in page


def test_more_received_than_sent_is_shown_beside_the_line(client, world):
    shipment = shipped(world)
    log_in(client, world.receiver)
    response = client.post(f"/shipments/{shipment.code}/receive", data=receive_form(world, "101"))
    assert response.status_code == 422
    assert field_error(response.text, "lines.0.received") == "More than was sent."
    assert Shipment.get_by_id(shipment.id).status == "in_transit"


def test_receiving_twice_shows_the_error_and_changes_nothing(client, world):
    shipment = shipped(world)
    log_in(client, world.receiver)
    assert client.post(f"/shipments/{shipment.code}/receive", data=receive_form(world, "100")).status_code == 302
    events = Event.select().count()
    again = client.post(f"/shipments/{shipment.code}/receive", data=receive_form(world, "90", "x"))
    assert again.status_code == 422
    assert "This shipment has been received already." in banner(again.text)
    assert Event.select().count() == events
    assert holding(world.batch, world.cold) == Decimal("100")
    assert ShipmentLine.get(ShipmentLine.shipment == shipment.id).received == Decimal("100")
    # The form of a received shipment is not offered again.
    assert client.get(f"/shipments/{shipment.code}/receive").status_code == 302


def test_only_the_receiving_party_may_receive(client, world):
    shipment = shipped(world)
    form = receive_form(world, "100")
    assert client.get(f"/shipments/{shipment.code}/receive").status_code == 403  # the sender
    assert client.post(f"/shipments/{shipment.code}/receive", data=form).status_code == 403
    stranger = make_user(party=make_party(kind="operator"), role="operator")
    log_in(client, stranger)
    assert client.get(f"/shipments/{shipment.code}").status_code == 403
    assert client.post(f"/shipments/{shipment.code}/receive", data=form).status_code == 403
    assert Shipment.get_by_id(shipment.id).status == "in_transit"
    assert holding(world.batch, world.cold) == 0


def test_cancelling_before_receipt_puts_the_quantity_back(client, world):
    shipment = shipped(world)
    response = client.post(f"/shipments/{shipment.code}/cancel", data={"reason": "车辆故障"})
    assert response.status_code == 302
    assert Shipment.get_by_id(shipment.id).status == "cancelled"
    batch = fresh(world.batch)
    assert (batch.on_hand, batch.in_transit) == (Decimal("500"), 0)
    page = client.get(f"/shipments/{shipment.code}").text
    assert f"Shipment {shipment.code} cancelled." in flash(page)
    assert "Cancelled" in page


def test_cancelling_after_receipt_shows_the_error_and_changes_nothing(client, world):
    shipment = shipped(world)
    log_in(client, world.receiver)
    assert client.post(f"/shipments/{shipment.code}/receive", data=receive_form(world, "100")).status_code == 302
    log_in(client, world.sender)
    events = Event.select().count()
    response = client.post(f"/shipments/{shipment.code}/cancel", data={"reason": "too late"})
    assert response.status_code == 422
    assert "This shipment has been received already." in banner(response.text)
    assert Shipment.get_by_id(shipment.id).status == "received"
    assert Event.select().count() == events
    assert fresh(world.batch).on_hand == Decimal("500")  # 400 at the sender, 100 at the receiver


def test_the_receiver_may_not_cancel(client, world):
    shipment = shipped(world)
    log_in(client, world.receiver)
    assert client.post(f"/shipments/{shipment.code}/cancel", data={"reason": "no"}).status_code == 403
    assert Shipment.get_by_id(shipment.id).status == "in_transit"
