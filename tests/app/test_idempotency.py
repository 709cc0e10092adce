"""Idempotency-Key: a retried POST returns the first response and writes nothing again."""

from __future__ import annotations

from decimal import Decimal

from supply.models import Batch
from supply.models import IdempotencyKey
from supply.models import Shipment
from tests.builders.custody import idempotency_world
from tests.builders.factories import auth_header
from tests.builders.factories import make_user


def test_a_retried_shipment_is_written_once(client):
    coop, site, batch, operator = idempotency_world()
    headers = {**auth_header(coop), "Idempotency-Key": "phone-7f3a-0001"}
    body = {"from_site": site.code, "to_party": operator.code, "lines": [{"lot": batch.lot_code, "quantity": "100"}]}
    first = client.post("/api/v1/shipments", json=body, headers=headers)
    again = client.post("/api/v1/shipments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Shipment.select().count() == 1
    assert Batch.get_by_id(batch.id).on_hand == Decimal("400")


def test_the_same_key_with_another_body_is_refused(client):
    coop, site, batch, operator = idempotency_world()
    headers = {**auth_header(coop), "Idempotency-Key": "k-1"}
    body = {"from_site": site.code, "to_party": operator.code, "lines": [{"lot": batch.lot_code, "quantity": "100"}]}
    assert client.post("/api/v1/shipments", json=body, headers=headers).status_code == 201
    body["lines"][0]["quantity"] = "50"
    refused = client.post("/api/v1/shipments", json=body, headers=headers)
    assert refused.status_code == 409
    assert refused.json["message"] == "This Idempotency-Key was used for a different request."
    assert Batch.get_by_id(batch.id).on_hand == Decimal("400")


def test_keys_belong_to_their_user(client):
    coop, site, batch, operator = idempotency_world()
    colleague = make_user(party=coop.party)
    body = {"from_site": site.code, "to_party": operator.code, "lines": [{"lot": batch.lot_code, "quantity": "100"}]}
    for user in (coop, colleague):
        response = client.post("/api/v1/shipments", json=body, headers={**auth_header(user), "Idempotency-Key": "same"})
        assert response.status_code == 201
    assert Shipment.select().count() == 2


def test_a_failed_request_is_not_remembered(client):
    coop, site, batch, operator = idempotency_world()
    headers = {**auth_header(coop), "Idempotency-Key": "retry-after-fix"}
    body = {"from_site": site.code, "to_party": operator.code, "lines": [{"lot": batch.lot_code, "quantity": "900"}]}
    assert client.post("/api/v1/shipments", json=body, headers=headers).status_code == 409
    assert IdempotencyKey.select().count() == 0
    assert Shipment.select().count() == 0


def test_a_malformed_key_is_400(client):
    coop, site, batch, operator = idempotency_world()
    body = {"from_site": site.code, "to_party": operator.code, "lines": [{"lot": batch.lot_code, "quantity": "1"}]}
    response = client.post("/api/v1/shipments", json=body, headers={**auth_header(coop), "Idempotency-Key": "x" * 101})
    assert response.status_code == 400
    assert Shipment.select().count() == 0
