"""Never twice: a page form sent twice with its one-time key (a double tap, a retry on a bad network) writes once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from supply.models import AuditEntry
from supply.models import Batch
from supply.models import Shipment
from tests.builders.custody import holding
from tests.builders.custody import producer_at_a_site
from tests.builders.custody import register_form
from tests.builders.custody import ship_form
from tests.builders.custody import shipment_pages_world
from tests.builders.pages import field_error

producer_setup = pytest.fixture(name="producer_setup")(producer_at_a_site)


def _drawn_key(html: str) -> str:
    found = re.findall(r'<input type="hidden" name="form_key" value="([^"]+)">', html)
    assert len(found) >= 1
    return found[-1]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_each_drawn_form_carries_a_new_key(client, producer_setup):
    first = _drawn_key(client.get("/batches/new").text)
    second = _drawn_key(client.get("/batches/new").text)
    assert first != second
    assert len(first) >= 20


def test_a_double_tap_registers_one_lot_and_both_answers_lead_to_it(client, producer_setup):
    _, site, product = producer_setup
    key = _drawn_key(client.get("/batches/new").text)
    data = register_form(site, product, field_name="二号地", form_key=key)
    first = client.post("/batches/new", data=data)
    again = client.post("/batches/new", data=data)
    assert first.status_code == 302
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    lots = Batch.select().where(Batch.field_name == "二号地")
    assert lots.count() == 1
    assert AuditEntry.select().where(AuditEntry.action == "batches.register").count() == 1
    assert client.get(again.headers["Location"]).status_code == 200


def test_the_same_form_sent_with_other_values_is_a_new_request(client, producer_setup):
    """The back button shows the form with its old key: a second harvest typed into it is not a retry."""
    _, site, product = producer_setup
    key = _drawn_key(client.get("/batches/new").text)
    one = client.post("/batches/new", data=register_form(site, product, quantity="10", form_key=key))
    two = client.post("/batches/new", data=register_form(site, product, quantity="12", form_key=key))
    assert one.headers["Location"] != two.headers["Location"]
    assert sorted(str(b.quantity) for b in Batch.select()) == ["10.000", "12.000"]


def test_a_refused_form_keeps_its_key_free_for_the_corrected_send(client, producer_setup):
    _, site, product = producer_setup
    key = _drawn_key(client.get("/batches/new").text)
    refused = client.post("/batches/new", data=register_form(site, product, quantity="0", form_key=key))
    assert refused.status_code == 422
    assert field_error(refused.text, "quantity")
    assert Batch.select().count() == 0
    sent = client.post("/batches/new", data=register_form(site, product, quantity="5", form_key=key))
    assert sent.status_code == 302
    resent = client.post("/batches/new", data=register_form(site, product, quantity="5", form_key=key))
    assert resent.headers["Location"] == sent.headers["Location"]
    assert Batch.select().count() == 1


def test_a_resend_with_a_renewed_csrf_token_is_still_the_same_request(app, client, producer_setup):
    """The phone's outbox resends a form with the token of the page open when the network returns."""
    _, site, product = producer_setup
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/batches/new").text
    data = register_form(site, product, form_key=_drawn_key(page), csrf_token=_csrf(page))
    first = client.post("/batches/new", data=data)
    assert first.status_code == 302
    renewed = _csrf(client.get("/batches/new").text)
    again = client.post("/batches/new", data={**data, "csrf_token": renewed})
    assert again.headers["Location"] == first.headers["Location"]
    assert Batch.select().count() == 1


def test_a_shipment_logged_twice_is_one_shipment(client):
    world = shipment_pages_world(client)
    data = ship_form(world, form_key=_drawn_key(client.get("/shipments/new").text))
    first = client.post("/shipments/new", data=data)
    again = client.post("/shipments/new", data=data)
    assert first.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert Shipment.select().count() == 1
    assert holding(world.batch, world.site) == Decimal(400)
