"""Create, read, update and list every resource, with filters, pagination and a bounded number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from tests.builders.api import assert_error
from tests.builders.factories import PASSWORD
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_credit_code
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

API = "/api/v1"


@pytest.fixture()
def admin_headers():
    """Headers of an admin."""
    return auth_header(make_user(role="admin"))


def _codes(response, key: str = "code") -> list[str]:
    assert response.status_code == 200, response.json
    return [item[key] for item in response.json["items"]]


# --- parties -------------------------------------------------------------------------------------------------

def test_party_create_read_update(client, admin_headers):
    credit_code = make_credit_code()
    body = {"code": "HZ-COOP", "name": "湟中区蔬菜合作社", "name_en": "Huangzhong Vegetable Coop",
            "kind": "cooperative", "credit_code": credit_code.lower(), "county": "湟中区",
            "address": "西宁市湟中区鲁沙尔镇", "phone": "0971-2234567"}
    created = client.post(f"{API}/parties", json=body, headers=admin_headers)
    assert created.status_code == 201, created.json
    assert created.json["credit_code"] == credit_code
    assert created.json["phone"] == "0971-2234567"
    assert created.json["created_at"].endswith("+08:00")

    read = client.get(f"{API}/parties/HZ-COOP", headers=admin_headers).json
    assert {k: read[k] for k in ("name", "name_en", "kind", "county", "address")} == {
        k: body[k] for k in ("name", "name_en", "kind", "county", "address")}

    changed = client.patch(f"{API}/parties/HZ-COOP", json={"phone": "0971-7654321", "name_en": "HZ Coop"},
                           headers=admin_headers)
    assert changed.status_code == 200, changed.json
    party = Party.get(Party.code == "HZ-COOP")
    assert (party.phone, party.name_en, party.name) == ("0971-7654321", "HZ Coop", body["name"])

    cleared = client.patch(f"{API}/parties/HZ-COOP", json={"credit_code": ""}, headers=admin_headers)
    assert cleared.json["credit_code"] is None


def test_party_list_filters_and_pagination(client, admin_headers):
    farms = [make_party(kind="farm", county="大通县", code=f"FARM-{i:02d}") for i in range(5)]
    make_party(kind="farm", county="湟源县", code="FARM-HY")
    make_party(kind="operator", county="大通县", code="OP-DT")

    response = client.get(f"{API}/parties?kind=farm&county=大通县&per_page=2", headers=admin_headers)
    assert _codes(response) == ["FARM-00", "FARM-01"]
    assert (response.json["page"], response.json["per_page"], response.json["total"]) == (1, 2, 5)
    third = client.get(f"{API}/parties?kind=farm&county=大通县&per_page=2&page=3", headers=admin_headers)
    assert _codes(third) == ["FARM-04"]
    beyond = client.get(f"{API}/parties?kind=farm&county=大通县&per_page=2&page=9", headers=admin_headers)
    assert beyond.json["items"] == [] and beyond.json["total"] == 5
    assert len(farms) == 5
    default = client.get(f"{API}/parties", headers=admin_headers).json
    assert default["per_page"] == 20 and default["page"] == 1
    assert default["total"] == Party.select().count()


# --- sites ---------------------------------------------------------------------------------------------------

def test_site_create_read_update(client, admin_headers):
    party = make_party()
    body = {"code": "DT-PASTURE-1", "party": party.code, "name": "大通牧场", "name_en": "Datong pasture",
            "kind": "pasture", "county": "大通县", "latitude": "36.931", "longitude": "101.685",
            "area_mu": "2400.5"}
    created = client.post(f"{API}/sites", json=body, headers=admin_headers)
    assert created.status_code == 201, created.json
    assert (created.json["latitude"], created.json["longitude"], created.json["area_mu"]) == (
        "36.931", "101.685", "2400.5")
    assert created.json["party"] == party.code

    changed = client.patch(f"{API}/sites/DT-PASTURE-1", json={"kind": "cold_store", "area_mu": None},
                           headers=admin_headers)
    assert changed.status_code == 200, changed.json
    site = Site.get(Site.code == "DT-PASTURE-1")
    assert site.kind == "cold_store" and site.area_mu is None and site.latitude == Decimal("36.931")
    read = client.get(f"{API}/sites/DT-PASTURE-1", headers=admin_headers).json
    assert read["kind"] == "cold_store" and read["name"] == "大通牧场"


def test_site_list_filters_and_pagination(client, admin_headers):
    party = make_party()
    for i in range(3):
        make_site(party=party, code=f"GH-{i}", kind="greenhouse")
    make_site(party=party, code="FIELD-1", kind="field")
    make_site(code="GH-OTHER", kind="greenhouse")
    response = client.get(f"{API}/sites?party={party.code}&kind=greenhouse&per_page=2", headers=admin_headers)
    assert _codes(response) == ["GH-0", "GH-1"]
    assert response.json["total"] == 3
    assert _codes(client.get(f"{API}/sites?party={party.code}&kind=greenhouse&per_page=2&page=2",
                             headers=admin_headers)) == ["GH-2"]
    assert _codes(client.get(f"{API}/sites?party={party.code}", headers=admin_headers)) == [
        "FIELD-1", "GH-0", "GH-1", "GH-2"]


# --- products ------------------------------------------------------------------------------------------------

def test_product_create_read_update(client, admin_headers):
    body = {"code": "STRAW-BENIHOPPE", "category": "strawberry", "name": "草莓", "name_en": "Strawberry",
            "variety": "红颜", "unit": "punnet", "gtin": "96385074"}
    created = client.post(f"{API}/products", json=body, headers=admin_headers)
    assert created.status_code == 201, created.json
    assert created.json["gtin"] == "00000096385074"
    changed = client.patch(f"{API}/products/STRAW-BENIHOPPE", json={"unit": "kg", "gtin": None},
                           headers=admin_headers)
    assert changed.status_code == 200, changed.json
    product = Product.get(Product.code == "STRAW-BENIHOPPE")
    assert (product.unit, product.gtin, product.variety) == ("kg", None, "红颜")
    assert client.get(f"{API}/products/STRAW-BENIHOPPE", headers=admin_headers).json["unit"] == "kg"


def test_product_kind_is_fixed_once_batches_use_it(client, admin_headers):
    product = make_product()
    make_batch(product=product)
    response = client.patch(f"{API}/products/{product.code}", json={"unit": "t"}, headers=admin_headers)
    assert_error(response, 409)
    assert Product.get_by_id(product.id).unit == "kg"
    assert client.patch(f"{API}/products/{product.code}", json={"name_en": "Broccoli"},
                        headers=admin_headers).status_code == 200


def test_product_list_filters_by_category(client, admin_headers):
    make_product(code="MUSH-1", category="mushroom")
    make_product(code="MUSH-2", category="mushroom")
    make_product(code="VEG-1")
    response = client.get(f"{API}/products?category=mushroom", headers=admin_headers)
    assert set(_codes(response)) >= {"MUSH-1", "MUSH-2"}
    assert "VEG-1" not in _codes(response)
    assert response.json["total"] == Product.select().where(Product.category == "mushroom").count()


# --- users ---------------------------------------------------------------------------------------------------

def test_user_create_read_update(client, admin_headers):
    party = make_party(kind="farm")
    body = {"email": " Grower@Example.CN ", "name": "马师傅", "role": "producer", "party": party.code,
            "password": "a long password"}
    created = client.post(f"{API}/users", json=body, headers=admin_headers)
    assert created.status_code == 201, created.json
    assert created.json["email"] == "grower@example.cn"
    assert created.json["party"] == party.code and created.json["active"] is True
    assert "password" not in created.json and "password_hash" not in created.json
    user = User.get(User.email == "grower@example.cn")
    assert "a long password" not in user.password_hash

    token = client.post(f"{API}/auth/tokens", json={"email": "grower@example.cn", "password": "a long password"})
    assert token.status_code == 201

    changed = client.patch(f"{API}/users/{user.id}", json={"password": "another long one", "name": "马"},
                           headers=admin_headers)
    assert changed.status_code == 200, changed.json
    assert changed.json["name"] == "马"
    old = client.post(f"{API}/auth/tokens", json={"email": "grower@example.cn", "password": "a long password"})
    assert_error(old, 401)
    new = client.post(f"{API}/auth/tokens", json={"email": "grower@example.cn", "password": "another long one"})
    assert new.status_code == 201

    deactivated = client.patch(f"{API}/users/{user.id}", json={"active": False}, headers=admin_headers)
    assert deactivated.json["active"] is False
    assert_error(client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {new.json['token']}"}), 401)


def test_user_list_filters_and_me(client, admin_headers):
    party = make_party()
    producers = [make_user(party=party, email=f"p{i}@coop.cn") for i in range(3)]
    operator = make_user(party=party, role="operator", email="op@coop.cn")
    make_user(email="elsewhere@coop.cn")
    response = client.get(f"{API}/users?party={party.code}&role=producer&per_page=2", headers=admin_headers)
    assert _codes(response, "email") == ["p0@coop.cn", "p1@coop.cn"]
    assert response.json["total"] == 3
    mine = client.get(f"{API}/users", headers=auth_header(operator))
    assert sorted(_codes(mine, "email")) == sorted([u.email for u in producers] + [operator.email])
    me = client.get(f"{API}/users/me", headers=auth_header(operator)).json
    assert (me["email"], me["role"], me["party"], me["id"]) == ("op@coop.cn", "operator", party.code, operator.id)
    assert PASSWORD not in str(me)


# --- batches -------------------------------------------------------------------------------------------------

def test_batch_register_read_update(client):
    producer = make_user()
    headers = auth_header(producer)
    site = make_site(party=producer.party)
    product = make_product(category="mushroom", unit="kg")
    body = {"product": product.code, "site": site.code, "quantity": "120.25", "produced_on": "2026-07-03",
            "field_name": "3号棚", "notes": "first flush", "lot_code": "MR-YGC-0703"}
    created = client.post(f"{API}/batches", json=body, headers=headers)
    assert created.status_code == 201, created.json
    got = created.json
    assert got["lot_code"] == "MR-YGC-0703"
    assert len(got["public_token"]) >= 16
    assert (got["unit"], got["quantity"], got["on_hand"], got["in_transit"]) == ("kg", "120.25", "120.25", "0")
    assert (got["status"], got["category"], got["product"]) == ("active", "mushroom", product.code)
    assert (got["origin_party"], got["origin_site"], got["holder"]) == (site.party.code, site.code,
                                                                        site.party.code)
    read = client.get(f"{API}/batches/MR-YGC-0703", headers=headers).json
    assert read == got

    changed = client.patch(f"{API}/batches/MR-YGC-0703", json={"notes": "graded A", "field_name": "4号棚"},
                           headers=headers)
    assert changed.status_code == 200, changed.json
    batch = Batch.get(Batch.lot_code == "MR-YGC-0703")
    assert (batch.notes, batch.field_name, batch.quantity) == ("graded A", "4号棚", Decimal("120.25"))
    untouched = client.patch(f"{API}/batches/MR-YGC-0703", json={}, headers=headers)
    assert untouched.json["notes"] == "graded A"


@pytest.fixture()
def batches():
    """Batches of two parties, two products, two sites and several dates, seen by an inspector."""
    coop = make_party()
    other = make_party()
    field = make_site(party=coop, code="FIELD-A")
    pasture = make_site(party=other, code="PASTURE-B")
    veg = make_product(code="VEG-BROC")
    yak = make_product(code="YAK-LIVE", category="live_yak", unit="head")
    made = {
        "v1": make_batch(site=field, product=veg, lot_code="VG-0701", produced_on=datetime.date(2026, 7, 1)),
        "v2": make_batch(site=field, product=veg, lot_code="VG-0705", produced_on=datetime.date(2026, 7, 5)),
        "v3": make_batch(site=field, product=veg, lot_code="VG-0710", produced_on=datetime.date(2026, 7, 10),
                         status="on_hold"),
        "y1": make_batch(site=pasture, product=yak, lot_code="YK-0703", quantity=Decimal(1),
                         ear_tag="263012100000007", produced_on=datetime.date(2026, 7, 3)),
    }
    return {"coop": coop, "other": other, "headers": auth_header(make_user(role="inspector")), **made}


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["VG-0710", "VG-0705", "YK-0703", "VG-0701"]),
    ("product=VEG-BROC", ["VG-0710", "VG-0705", "VG-0701"]),
    ("category=live_yak", ["YK-0703"]),
    ("party=PARTY", ["VG-0710", "VG-0705", "VG-0701"]),
    ("site=PASTURE-B", ["YK-0703"]),
    ("date_from=2026-07-03&date_to=2026-07-05", ["VG-0705", "YK-0703"]),
    ("date_from=2026-07-05", ["VG-0710", "VG-0705"]),
    ("date_to=2026-07-01", ["VG-0701"]),
    ("status=on_hold", ["VG-0710"]),
    ("status=active&product=VEG-BROC", ["VG-0705", "VG-0701"]),
    ("q=vg-07", ["VG-0710", "VG-0705", "VG-0701"]),
    ("q=263012100000007", ["YK-0703"]),
    ("q=VG%25", []),
    ("product=NOPE01", []),
])
def test_batch_list_filters(client, batches, query, expected):
    query = query.replace("PARTY", batches["coop"].code)
    response = client.get(f"{API}/batches?{query}", headers=batches["headers"])
    lots = [lot for lot in _codes(response, "lot_code") if lot in {"VG-0701", "VG-0705", "VG-0710", "YK-0703"}]
    assert lots == expected
    assert response.json["total"] == len(response.json["items"])


def test_batch_list_pagination(client, batches):
    first = client.get(f"{API}/batches?product=VEG-BROC&per_page=2", headers=batches["headers"]).json
    second = client.get(f"{API}/batches?product=VEG-BROC&per_page=2&page=2", headers=batches["headers"]).json
    assert [b["lot_code"] for b in first["items"]] == ["VG-0710", "VG-0705"]
    assert [b["lot_code"] for b in second["items"]] == ["VG-0701"]
    assert (first["total"], second["total"], second["page"], second["per_page"]) == (3, 3, 2, 2)


def _list_query_count(client, url: str, headers: dict) -> int:
    with count_queries() as counter:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("resource", ["batches", "sites", "users"])
def test_lists_do_a_bounded_number_of_queries(client, resource):
    """No N+1: listing 30 rows takes as many queries as listing 3."""
    party = make_party()
    admin = make_user(role="admin")
    headers = auth_header(admin)
    url = f"{API}/{resource}?per_page=100&party={party.code}"
    products = [make_product(), make_product(category="mushroom")]

    def add(n: int) -> None:
        for i in range(n):
            if resource == "batches":
                make_batch(site=make_site(party=party), product=products[i % 2])
            elif resource == "sites":
                make_site(party=party)
            else:
                make_user(party=party)

    add(3)
    _list_query_count(client, url, headers)  # the first call also notes the token's use
    few = _list_query_count(client, url, headers)
    add(27)
    many = _list_query_count(client, url, headers)
    response = client.get(url, headers=headers)
    assert len(response.json["items"]) == 30
    assert many == few
    assert many <= 4, many
