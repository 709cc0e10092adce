"""Every write through the API leaves exactly one audit entry naming who wrote which record; refused ones none."""

from __future__ import annotations

import pytest

from supply.models import ApiToken
from supply.models import AuditEntry
from supply.models import Shipment
from supply.models import User
from supply.services.accounts.users import create_user
from tests.builders.api import API
from tests.builders.api import party_body
from tests.builders.api import product_body
from tests.builders.api import unchanged
from tests.builders.audit import audit_world
from tests.builders.audit import latest_id
from tests.builders.audit import only_entry
from tests.builders.custody import register
from tests.builders.custody import run
from tests.builders.factories import PASSWORD
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.imports import good_registration
from tests.builders.imports import good_shipment_line
from tests.builders.imports import import_world
from tests.builders.imports import multipart
from tests.builders.imports import registration_csv
from tests.builders.imports import shipment_csv

world = pytest.fixture(name="world")(audit_world)


def _ship(world, client, quantity="100") -> dict:
    body = {"from_site": world["site"].code, "to_party": world["operator"].party.code,
            "lines": [{"lot": world["batch"].lot_code, "quantity": quantity}]}
    return client.post(f"{API}/shipments", json=body, headers=world["headers"])


def test_registering_a_batch_is_logged_with_its_lot_code(client, world):
    since = latest_id()
    response = client.post(f"{API}/batches", headers=world["headers"], json={
        "product": world["veg"].code, "site": world["site"].code, "quantity": "120.5", "produced_on": "2026-07-01"})
    assert response.status_code == 201, response.json
    entry = only_entry(since, "batches.register", world["producer"], "batch", response.json["lot_code"])
    assert entry.changes["data"]["quantity"] == "120.5"
    assert entry.changes["data"]["site"] == world["site"].code


def test_changing_a_batch_is_logged_with_the_new_values(client, world):
    lot = world["batch"].lot_code
    since = latest_id()
    response = client.patch(f"{API}/batches/{lot}", json={"notes": "冷库二号"}, headers=world["headers"])
    assert response.status_code == 200, response.json
    entry = only_entry(since, "batches.update", world["producer"], "batch", lot)
    assert entry.changes["data"]["notes"] == "冷库二号"


def test_parties_sites_and_products_are_logged_when_created_and_changed(client, world):
    admin, headers = world["admin"], world["admin_headers"]
    steps = [
        ("post", "/parties", party_body(code="COOP-AUD"), "parties.create", "party", "COOP-AUD"),
        ("patch", "/parties/COOP-AUD", {"phone": "0971-7654321"}, "parties.update", "party", "COOP-AUD"),
        ("post", "/sites", {"code": "SITE-AUD", "party": "COOP-AUD", "name": "大棚", "kind": "greenhouse",
                            "latitude": "36.6", "longitude": "101.7", "area_mu": "3"},
         "sites.create", "site", "SITE-AUD"),
        ("patch", "/sites/SITE-AUD", {"name": "二号大棚"}, "sites.update", "site", "SITE-AUD"),
        ("post", "/products", product_body(code="VEG-AUD"), "products.create", "product", "VEG-AUD"),
        ("patch", "/products/VEG-AUD", {"name": "奶油生菜"}, "products.update", "product", "VEG-AUD"),
    ]
    for method, path, body, action, table, key in steps:
        since = latest_id()
        response = getattr(client, method)(f"{API}{path}", json=body, headers=headers)
        assert response.status_code == (201 if method == "post" else 200), (path, response.json)
        only_entry(since, action, admin, table, key)


def test_a_new_user_is_logged_without_the_password(client, world):
    since = latest_id()
    response = client.post(f"{API}/users", headers=world["admin_headers"], json={
        "email": "Grower@Example.cn", "name": "种植户", "role": "producer",
        "party": world["producer"].party.code, "password": "a long secret password"})
    assert response.status_code == 201, response.json
    entry = only_entry(since, "users.create", world["admin"], "app_user", "grower@example.cn",
                       secrets=("a long secret password", "pbkdf2", "scrypt"))
    assert entry.changes["data"]["password"] == "***"
    assert entry.changes["data"]["role"] == "producer"


def test_a_password_change_is_logged_without_the_password(client, world):
    user = world["producer"]
    since = latest_id()
    response = client.patch(f"{API}/users/{user.id}", headers=world["admin_headers"],
                            json={"password": "another long password"})
    assert response.status_code == 200, response.json
    entry = only_entry(since, "users.update", world["admin"], "app_user", user.email,
                       secrets=("another long password", User.get_by_id(user.id).password_hash))
    assert entry.changes["data"]["password"] == "***"


def test_issuing_a_token_is_logged_without_the_password_or_the_token(client, world):
    user = world["producer"]
    since = latest_id()
    response = client.post(f"{API}/auth/tokens", json={"email": user.email, "password": PASSWORD, "name": "手机"})
    assert response.status_code == 201, response.json
    raw = response.json["token"]
    token = ApiToken.get(ApiToken.token_hash != "", ApiToken.id == response.json["id"])
    entry = only_entry(since, "tokens.create", user, "api_token", f"{user.email}#{token.id}",
                       secrets=(PASSWORD, raw, raw[3:], token.token_hash))
    assert entry.changes == {"name": "手机", "days": 90, "read_only": False}


def test_revoking_a_token_is_logged(client, world):
    user = world["producer"]
    token_id = ApiToken.select().where(ApiToken.user == user).get().id
    since = latest_id()
    response = client.delete(f"{API}/auth/tokens/{token_id}", headers=world["headers"])
    assert response.status_code == 200, response.json
    only_entry(since, "tokens.revoke", user, "api_token", f"{user.email}#{token_id}")


def test_wrong_credentials_log_the_failure_and_nothing_else(client, world):
    since = latest_id()
    response = client.post(f"{API}/auth/tokens", json={"email": world["producer"].email, "password": "nope"})
    assert response.status_code == 401
    [entry] = AuditEntry.select().where(AuditEntry.id > since)
    assert (entry.action, entry.record_key, entry.actor_id) == ("auth.failed", world["producer"].email, None)
    assert "nope" not in str(entry.changes)


def test_dispatch_receipt_and_cancellation_are_logged_with_the_shipment_code(client, world):
    since = latest_id()
    sent = _ship(world, client)
    assert sent.status_code == 201, sent.json
    code = sent.json["code"]
    entry = only_entry(since, "shipments.create", world["producer"], "shipment", code)
    assert entry.changes["data"]["lines"][0]["lot"] == world["batch"].lot_code
    assert entry.changes["data"]["lines"][0]["quantity"] == "100"

    since = latest_id()
    received = client.post(f"{API}/shipments/{code}/receive", json={"site": world["cold"].code},
                           headers=world["operator_headers"])
    assert received.status_code == 200, received.json
    only_entry(since, "shipments.receive", world["operator"], "shipment", code)

    second = _ship(world, client, "50").json["code"]
    since = latest_id()
    cancelled = client.post(f"{API}/shipments/{second}/cancel", json={"reason": "车坏了"}, headers=world["headers"])
    assert cancelled.status_code == 200, cancelled.json
    entry = only_entry(since, "shipments.cancel", world["producer"], "shipment", second)
    assert entry.changes == {"code": second, "reason": "车坏了"}


def test_a_transformation_is_logged_with_its_event(client, world):
    other = make_batch(site=world["site"], product=world["batch"].product)
    since = latest_id()
    response = client.post(f"{API}/transformations", headers=world["headers"], json={
        "kind": "merge", "site": world["site"].code,
        "inputs": [{"lot": world["batch"].lot_code}, {"lot": other.lot_code}],
        "outputs": [{"lot_code": "MERGED-AUD", "quantity": "1000"}]})
    assert response.status_code == 201, response.json
    entry = only_entry(since, "transformations.record", world["producer"], "event", response.json["event_id"])
    assert entry.changes["data"]["kind"] == "merge"
    assert entry.changes["data"]["outputs"][0]["lot_code"] == "MERGED-AUD"


def test_an_error_declaration_and_a_storing_observation_are_logged(client, world):
    user, site = world["producer"], world["site"]
    lot = register(user, site, world["batch"].product, "300")
    merged = run(user, "merge", site, [(lot, "300"), (world["batch"], "500")], [{"quantity": "800"}])
    event_id = merged["event"].event_id
    since = latest_id()
    declared = client.post(f"{API}/events/{event_id}/declare-error", json={"reason": "did_not_occur"},
                           headers=world["headers"])
    assert declared.status_code == 201, declared.json
    entry = only_entry(since, "events.declare_error", user, "event", declared.json["event_id"])
    assert entry.changes["event_id"] == event_id

    since = latest_id()
    stored = client.post(f"{API}/observations/storing", headers=world["headers"], json={
        "lot": world["batch"].lot_code, "site": site.code, "temperature_min": "1.5", "temperature_max": "4"})
    assert stored.status_code == 201, stored.json
    entry = only_entry(since, "observations.storing", user, "event", stored.json["event_id"])
    assert entry.changes["data"]["temperature_max"] == "4"


def test_a_registration_import_is_one_entry_with_its_row_count(client):
    world = import_world()
    headers = auth_header(world["producer"])
    raw = registration_csv([good_registration(world, lot_code=f"IMP-AUD-{i}") for i in range(3)])
    since = latest_id()
    response = client.post(f"{API}/imports/registrations", headers=headers, **multipart(raw))
    assert response.status_code == 201, response.json
    entry = only_entry(since, "imports.write", world["producer"], "batch", "import:registrations")
    assert entry.changes["rows"] == 3
    assert entry.changes["batches"] == 3
    assert sorted(entry.changes["lots"]) == ["IMP-AUD-0", "IMP-AUD-1", "IMP-AUD-2"]


def test_a_shipment_import_is_one_entry_not_one_per_shipment(client):
    world = import_world()
    headers = auth_header(world["producer"])
    rows = [good_shipment_line(world, "S1", quantity="10"),
            good_shipment_line(world, "S1", lot=world["batch2"].lot_code),
            good_shipment_line(world, "S2", quantity="20")]
    since = latest_id()
    response = client.post(f"{API}/imports/shipments", headers=headers, **multipart(shipment_csv(rows)))
    assert response.status_code == 201, response.json
    entry = only_entry(since, "imports.write", world["producer"], "shipment", "import:shipments")
    assert entry.changes["rows"] == 3
    assert entry.changes["shipments"] == 2
    assert Shipment.select().count() == 2


def test_a_refused_import_logs_nothing(client):
    world = import_world()
    headers = auth_header(world["producer"])
    raw = registration_csv([good_registration(world), good_registration(world, quantity="-1")])
    since = latest_id()
    response = client.post(f"{API}/imports/registrations", headers=headers, **multipart(raw))
    assert response.status_code == 422, response.json
    assert AuditEntry.select().where(AuditEntry.id > since).count() == 0


@pytest.mark.parametrize("case", ["too_much", "not_admin", "taken_code", "bad_schema"])
def test_a_refused_write_leaves_no_entry(client, world, case):
    requests = {
        "too_much": lambda: _ship(world, client, "501"),
        "not_admin": lambda: client.patch(f"{API}/parties/{world['producer'].party.code}", json={"phone": "1"},
                                          headers=world["headers"]),
        "taken_code": lambda: client.post(f"{API}/products", json=product_body(code=world["veg"].code),
                                          headers=world["admin_headers"]),
        "bad_schema": lambda: client.post(f"{API}/users", json={"email": "x"}, headers=world["admin_headers"]),
    }
    with unchanged():
        response = requests[case]()
    assert 400 <= response.status_code < 500, response.json


def test_a_replayed_request_is_logged_once(client, world):
    headers = {**world["headers"], "Idempotency-Key": "audit-once-1"}
    body = {"from_site": world["site"].code, "to_party": world["operator"].party.code,
            "lines": [{"lot": world["batch"].lot_code, "quantity": "100"}]}
    since = latest_id()
    first = client.post(f"{API}/shipments", json=body, headers=headers)
    again = client.post(f"{API}/shipments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    only_entry(since, "shipments.create", world["producer"], "shipment", first.json["code"])


def test_a_write_called_from_the_command_line_has_no_actor(app):
    since = latest_id()
    user = create_user(None, {"email": "first@example.cn", "name": "管理员", "role": "admin",
                              "password": "yak butter under blue tents", "party": None})
    only_entry(since, "users.create", None, "app_user", user.email, secrets=("yak butter under blue tents",))

