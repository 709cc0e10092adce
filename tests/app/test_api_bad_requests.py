"""Bad query strings, paths and methods, and odd values anywhere: a 4xx JSON error, never a 500."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest

from supply.api.routing import ROUTES
from supply.models import Batch
from supply.models import EpcisQuery
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.services.custody.observations import record_storing
from supply.services.custody.shipments import create_shipment
from supply.services.inspection.holds import place_hold
from supply.services.recalls.recalls import open_recall
from tests.builders.api import API
from tests.builders.api import ODD_VALUES
from tests.builders.api import assert_error
from tests.builders.api import bad_input_world
from tests.builders.api import batch_body
from tests.builders.api import party_body
from tests.builders.api import product_body
from tests.builders.api import site_body
from tests.builders.api import unchanged
from tests.builders.api import user_body
from tests.builders.certificates import make_certificate
from tests.builders.certificates import make_issuer
from tests.builders.factories import make_batch

world = pytest.fixture(name="world")(bad_input_world)


LIST_ROUTES = [doc for doc in ROUTES if doc.method == "GET" and doc.query is not None]


def test_every_list_route_is_checked():
    assert {doc.rule for doc in LIST_ROUTES} >= {"/parties", "/sites", "/products", "/users", "/batches"}


@pytest.mark.parametrize("doc", LIST_ROUTES, ids=lambda doc: doc.rule)
@pytest.mark.parametrize(("query", "field"), [
    ("colour=red", "colour"),
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=abc", "page"),
    ("page=1.5", "page"),
    ("page=", "page"),
    ("page=99999999999999999999", "page"),
    ("per_page=0", "per_page"),
    ("per_page=101", "per_page"),
    ("per_page=ten", "per_page"),
])
def test_bad_query_parameters(client, world, doc, query, field):
    response = client.get(f"{API}{doc.rule}?{query}", headers=world["headers"])
    assert_error(response, 422, field)


@pytest.mark.parametrize(("query", "field"), [
    ("category=fruit", "category"),
    ("status=lost", "status"),
    ("date_from=yesterday", "date_from"),
    ("date_from=2026-07-02&date_to=2026-07-01", "date_to"),
    ("product=a%20b", "product"),
    ("q=" + "x" * 41, "q"),
    ("q=%00", "q"),
])
def test_bad_batch_filters(client, world, query, field):
    response = client.get(f"{API}/batches?{query}", headers=world["headers"])
    assert_error(response, 422, field)


def test_bad_party_filter(client, world):
    assert_error(client.get(f"{API}/parties?county=%00", headers=world["headers"]), 422, "county")
    assert_error(client.get(f"{API}/parties?kind=bank", headers=world["headers"]), 422, "kind")


@pytest.mark.parametrize("path", [
    "/batches/NOPE-0001",
    "/batches/" + "X" * 300,
    "/batches/A%00B",
    "/parties/NOPE01",
    "/parties/A%00B",
    "/sites/NOPE01",
    "/products/NOPE01",
    "/users/999999",
    "/users/99999999999999999999",
    "/users/abc",
    "/nothing-here",
])
def test_unknown_records_are_404(client, world, path):
    assert_error(client.get(API + path, headers=world["headers"]), 404)


@pytest.mark.parametrize("path", ["/parties/NOPE01", "/sites/NOPE01", "/products/NOPE01", "/users/999999",
                                  "/batches/NOPE-0001"])
def test_changing_unknown_records_is_404(client, world, path):
    with unchanged():
        response = client.patch(API + path, json={"name": "x"} if "batches" not in path else {"notes": "x"},
                                headers=world["admin_headers"])
    assert_error(response, 404)


@pytest.mark.parametrize(("method", "path"), [
    ("DELETE", "/parties"),
    ("PUT", "/batches"),
    ("DELETE", "/batches/NOPE-0001"),
    ("POST", "/users/me"),
    ("GET", "/auth/tokens/1"),
])
def test_wrong_method_is_405_json(client, world, method, path):
    with unchanged():
        response = client.open(API + path, method=method, headers=world["headers"])
    assert_error(response, 405)
    assert response.headers.get("Allow")
    assert method not in response.headers["Allow"]


def test_models_are_left_alone_by_refused_writes(client, world):
    """A sample of refused requests of every kind changes no stored value."""
    snapshot = [list(m.select().order_by(m.id).tuples()) for m in (Party, Site, Product, User, Batch)]
    site = world["site"]
    client.patch(f"{API}/sites/{site.code}", json={"latitude": "95"}, headers=world["admin_headers"])
    client.patch(f"{API}/sites/{site.code}", json={"name": "x"}, headers=world["headers"])
    client.patch(f"{API}/products/{world['product'].code}", json={"gtin": "123"}, headers=world["admin_headers"])
    client.patch(f"{API}/parties/{site.party.code}", json={"credit_code": "X"}, headers=world["admin_headers"])
    assert [list(m.select().order_by(m.id).tuples()) for m in (Party, Site, Product, User, Batch)] == snapshot


# --- no input is a 500 -------------------------------------------------------------------------------------

def _body_routes(world: dict) -> dict:
    """A valid body and path for every route that takes one, keyed by (method, rule)."""
    party = world["producer"].party
    batch = make_batch(site=world["site"], product=world["product"])
    shipment = create_shipment(world["producer"], {
        "from_site": world["site"].code, "to_party": world["other_site"].party.code,
        "lines": [{"lot": batch.lot_code, "quantity": Decimal("5")}]})
    event = record_storing(world["producer"], {"lot": batch.lot_code, "site": world["site"].code})
    return {
        ("POST", "/auth/tokens"): ("/auth/tokens", {"email": world["producer"].email, "password": "x" * 10}),
        ("POST", "/account/password"): ("/account/password", {"current_password": "x" * 10,
                                                               "new_password": "yak butter under blue tents"}),
        ("POST", "/auth/password-reset"): ("/auth/password-reset", {"email": "nobody@example.cn"}),
        ("POST", "/auth/password-reset/<token>"): ("/auth/password-reset/unknown-link",
                                                   {"new_password": "yak butter under blue tents"}),
        ("POST", "/parties"): ("/parties", party_body()),
        ("PATCH", "/parties/<code>"): (f"/parties/{party.code}", {"name": "名", "phone": "0971-1", "county": "县"}),
        ("POST", "/sites"): ("/sites", site_body(world)),
        ("PATCH", "/sites/<code>"): (f"/sites/{world['site'].code}", {"latitude": "36.6", "kind": "field"}),
        ("POST", "/products"): ("/products", product_body()),
        ("PATCH", "/products/<code>"): (f"/products/{world['product'].code}", {"name": "菜", "gtin": None}),
        ("POST", "/users"): ("/users", user_body(world)),
        ("PATCH", "/users/<int:user_id>"): (f"/users/{world['producer'].id}",
                                            {"name": "n", "role": "producer", "active": True}),
        ("POST", "/batches"): ("/batches", batch_body(world, lot_code="ODD-1", notes="n", field_name="f",
                                                     produced_at="2026-07-01T06:30:00+08:00")),
        ("PATCH", "/batches/<path:lot_code>"): (f"/batches/{batch.lot_code}", {"notes": "n", "field_name": "f"}),
        ("POST", "/shipments"): ("/shipments", {
            "from_site": world["site"].code, "to_party": world["other_site"].party.code, "carrier": "c",
            "lines": [{"lot": batch.lot_code, "quantity": "1"}], "set_point": "4", "doc_number": "D1"}),
        ("POST", "/shipments/<code>/receive"): (f"/shipments/{shipment.code}/receive",
                                                {"site": world["other_site"].code, "temperature_min": "2"}),
        ("POST", "/shipments/<code>/cancel"): (f"/shipments/{shipment.code}/cancel", {"reason": "r"}),
        ("POST", "/events/<path:event_id>/declare-error"): (f"/events/{event.event_id}/declare-error",
                                                             {"reason": "did_not_occur", "note": "n"}),
        ("POST", "/observations/storing"): ("/observations/storing", {
            "lot": batch.lot_code, "site": world["site"].code, "temperature_min": "1", "temperature_max": "4",
            "interval_start": "2026-07-01T08:00:00+08:00", "interval_end": "2026-07-02T08:00:00+08:00"}),
        ("POST", "/transformations"): ("/transformations", {
            "kind": "split", "site": world["site"].code, "inputs": [{"lot": batch.lot_code, "quantity": "2"}],
            "outputs": [{"quantity": "1"}, {"quantity": "1"}], "doc_number": "D2"}),
        **_certification_bodies(world),
        **_epcis_bodies(),
    }


def _epcis_bodies() -> dict:
    """Valid bodies for the EPCIS named queries and subscriptions (the admin's own query)."""
    EpcisQuery.create(party=None, owner=User.get(User.role == "admin"), name="odd-values", params={})
    return {
        ("POST", "/epcis/queries"): ("/epcis/queries", {"name": "shipments", "query": {"EQ_bizStep": "shipping"}}),
        ("POST", "/epcis/queries/<query_name>/subscriptions"): (
            "/epcis/queries/odd-values/subscriptions", {"dest": "https://partner.example.hk/in", "stream": True}),
    }


def _certification_bodies(world: dict) -> dict:
    """Valid bodies for the certificate, inspection, hold and recall routes, on lots of their own."""
    site, admin = world["site"], User.get(User.role == "admin")
    tested, held, recalled = (make_batch(site=site, product=world["product"]) for _ in range(3))
    issuer = make_issuer()
    submitted = make_certificate("green_food", site=site, status="submitted", issuer=issuer)
    approved = make_certificate("organic", site=site, issuer=issuer)
    suspended = make_certificate("organic", site=site, status="suspended", status_from=datetime.date(2026, 5, 1),
                                 issuer=issuer)
    hold = place_hold(admin, held, "复检")
    recall = open_recall(admin, {"lot": recalled.lot_code, "level": 2, "reason": "r", "area": ""})
    review = {"reason": "r", "effective_on": "2026-05-01"}
    return {
        ("POST", "/certificates"): ("/certificates", {
            "kind": "green_food", "number": "LB-15-2405630123A", "site": site.code, "issuer": issuer.code,
            "scope": "s", "valid_from": "2026-03-01", "valid_to": "2029-02-28"}),
        ("POST", "/certificates/<int:cert_id>/approve"): (f"/certificates/{submitted.id}/approve", {}),
        ("POST", "/certificates/<int:cert_id>/reject"): (f"/certificates/{submitted.id}/reject", review),
        ("POST", "/certificates/<int:cert_id>/suspend"): (f"/certificates/{approved.id}/suspend", review),
        ("POST", "/certificates/<int:cert_id>/revoke"): (f"/certificates/{approved.id}/revoke", review),
        ("POST", "/certificates/<int:cert_id>/reinstate"): (f"/certificates/{suspended.id}/reinstate", {"reason": "r"}),
        ("POST", "/inspections"): ("/inspections", {
            "kind": "sampling", "party": site.party.code, "site": site.code, "lot": tested.lot_code,
            "inspected_at": "2026-07-01T09:00:00+08:00", "outcome": "satisfactory", "notes": "n"}),
        ("POST", "/tests"): ("/tests", {
            "lot": tested.lot_code, "kind": "pesticide_rapid", "method": "test_strip", "analyte": "a", "value": "1",
            "value_unit": "%", "passed": True, "kit_lot": "k", "operator": "o",
            "tested_at": "2026-07-01T09:00:00+08:00", "notes": "n"}),
        ("POST", "/batches/<path:lot_code>/compliance-certificates"): (
            f"/batches/{tested.lot_code}/compliance-certificates", {"basis": "quality_control", "quantity": "1"}),
        ("POST", "/holds"): ("/holds", {"lot": held.lot_code, "reason": "r"}),
        ("POST", "/holds/<int:hold_id>/release"): (f"/holds/{hold.id}/release", {"reason": "r"}),
        ("POST", "/recalls"): ("/recalls", {"lot": tested.lot_code, "level": 1, "reason": "r", "area": "a"}),
        ("POST", "/recalls/mock"): ("/recalls/mock", {"lot": tested.lot_code, "level": 3}),
        ("POST", "/recalls/<code>/lots/<lot>"): (f"/recalls/{recall.code}/lots/{recalled.lot_code}",
                                                 {"recovered": "1", "destroyed": "1"}),
        ("POST", "/recalls/<code>/notices"): (f"/recalls/{recall.code}/notices", {
            "party": site.party.code, "channel": "phone", "sent_at": "2026-07-01T09:00:00+08:00", "note": "n"}),
        ("POST", "/recalls/<code>/close"): (f"/recalls/{recall.code}/close", {"note": "n"}),
        ("POST", "/notifications/read"): ("/notifications/read", {"ids": [1]}),
        ("PUT", "/notifications/settings"): ("/notifications/settings", {
            "kinds": {"lot_held": {"mail": False, "webhook": True}}, "webhook_url": "https://erp.example.cn/hook"}),
    }


def test_no_odd_value_in_any_field_of_any_body_is_a_500(client, world):
    bodies = _body_routes(world)
    body_routes = {(doc.method, doc.rule) for doc in ROUTES if doc.body is not None}
    assert body_routes <= set(bodies), f"add a valid body for {sorted(body_routes - set(bodies))}"
    for key in sorted(body_routes):
        path, valid = bodies[key]
        for field in valid:
            for value in ODD_VALUES:
                response = client.open(API + path, method=key[0], data=json.dumps({**valid, field: value}),
                                       content_type="application/json", headers=world["admin_headers"])
                assert response.status_code < 500, (key, field, value, response.json)
                assert response.mimetype == "application/json"
                if response.status_code >= 400:
                    assert_error(response, response.status_code)


ODD_QUERY_VALUES = ["", "%00", "x" * 3000, "%ED%A0%80", "%FF", "-1", "99999999999999999999", "1e400", "NaN",
                    "2026-13-01", "%27%3B%20DROP%20TABLE%20batch%3B--", "%25", "_"]


@pytest.mark.parametrize("doc", LIST_ROUTES, ids=lambda doc: doc.rule)
def test_no_odd_query_value_is_a_500(client, world, doc):
    # A route that looks a record up by a query value (an export of one lot) may answer that it is not there.
    allowed = (200, 404, 422) if 404 in doc.errors else (200, 422)
    for name in doc.query().fields:
        for value in ODD_QUERY_VALUES:
            # As an admin: some lists (the audit log, recalls) are for admins and inspectors only.
            response = client.get(f"{API}{doc.rule}?{name}={value}", headers=world["admin_headers"])
            assert response.status_code in allowed, (name, value, response.json)
            if response.status_code == 422:
                assert_error(response, 422, name)
            elif response.status_code == 404:
                assert_error(response, 404)


ODD_PATH_VALUES = ["%00", "x" * 3000, "%FF", "%ED%A0%80", "%20", "..", "a%2Fb", "-1", "1.5", "99999999999999999999"]


@pytest.mark.parametrize("doc", [d for d in ROUTES if "<" in d.rule], ids=lambda d: f"{d.method} {d.rule}")
def test_no_odd_path_value_is_a_500(client, world, doc):
    for value in ODD_PATH_VALUES:
        path = re.sub(r"<[^>]+>", value, doc.rule)
        with unchanged():
            response = client.open(API + path, method=doc.method, json={} if doc.body else None,
                                   headers=world["admin_headers"])
        # An empty body for a route with required fields is refused before the path is looked up.
        needs_body = doc.body is not None and any(f.required for f in doc.body().fields.values())
        assert_error(response, 422 if needs_body and response.status_code == 422 else 404)
