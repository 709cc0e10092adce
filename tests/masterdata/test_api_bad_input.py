"""Bad parties, sites, products and users get a clear error in the one JSON shape, and write nothing."""

from __future__ import annotations

import pytest

from supply.models import Party
from supply.models import Product
from supply.models import User
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import bad_input_world
from tests.builders.api import party_body
from tests.builders.api import product_body
from tests.builders.api import site_body
from tests.builders.api import unchanged
from tests.builders.api import user_body
from tests.builders.factories import make_party
from tests.builders.factories import make_user

world = pytest.fixture(name="world")(bad_input_world)


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"gtin": "4006381333932"}, 422, "gtin"),
    ({"gtin": "400638133393"}, 422, "gtin"),
    ({"gtin": "40063813339311"}, 422, "gtin"),
    ({"gtin": "4006381333931\n"}, 201, None),
    ({"gtin": "ABCDEFGH"}, 422, "gtin"),
    ({"unit": "head"}, 422, "unit"),
    ({"category": "fruit"}, 422, "category"),
    ({"code": "x"}, 422, "code"),
    ({"code": "中文编码"}, 422, "code"),
    ({"name": "名" * 101}, 422, "name"),
    ({"name": ""}, 422, "name"),
])
def test_bad_products(client, world, changes, status, field):
    if status == 201:
        response = client.post(f"{API}/products", json=product_body(**changes), headers=world["admin_headers"])
        assert response.status_code == 201, response.json
        return
    with unchanged():
        response = client.post(f"{API}/products", json=product_body(**changes), headers=world["admin_headers"])
    assert_error(response, status, field)


def test_gtin13_is_normalised_to_14_digits(client, world):
    response = client.post(f"{API}/products", json=product_body(gtin="4006381333931"), headers=world["admin_headers"])
    assert response.status_code == 201, response.json
    assert response.json["gtin"] == "04006381333931"
    assert Product.get(Product.code == "VEG-NEW").gtin == "04006381333931"
    with unchanged():
        # The same GTIN written as GTIN-14 is the same product identifier.
        response = client.post(f"{API}/products", json=product_body(code="VEG-2", gtin="04006381333931"),
                               headers=world["admin_headers"])
    assert_error(response, 409, "gtin")


def test_duplicate_product_code_is_409(client, world):
    with unchanged():
        response = client.post(f"{API}/products", json=product_body(code=world["product"].code),
                               headers=world["admin_headers"])
    assert_error(response, 409, "code")


def test_product_patch_checks_the_unit_against_the_stored_category(client, world):
    code = world["product"].code
    with unchanged():
        response = client.patch(f"{API}/products/{code}", json={"unit": "plant"}, headers=world["admin_headers"])
    assert_error(response, 422, "unit")
    assert Product.get(Product.code == code).unit == "kg"


@pytest.mark.parametrize(("changes", "field"), [
    ({"credit_code": "91630100MA752XKP1H"}, "credit_code"),
    ({"credit_code": "91350100M000100Y4"}, "credit_code"),
    ({"credit_code": "91350100M000100Y43X"}, "credit_code"),
    ({"credit_code": "91350100M0001O0Y43"}, "credit_code"),
    ({"kind": "bank"}, "kind"),
    ({"phone": "call me"}, "phone"),
    ({"name": "名" * 101}, "name"),
    ({"address": "址" * 201}, "address"),
    ({"county": "县" * 41}, "county"),
    ({"code": "A"}, "code"),
])
def test_bad_parties(client, world, changes, field):
    with unchanged():
        response = client.post(f"{API}/parties", json=party_body(**changes), headers=world["admin_headers"])
    assert_error(response, 422, field)


def test_credit_code_is_upper_cased_and_unique(client, world):
    response = client.post(f"{API}/parties", json=party_body(credit_code="91350100m000100y43"),
                           headers=world["admin_headers"])
    assert response.status_code == 201, response.json
    assert response.json["credit_code"] == "91350100M000100Y43"
    with unchanged():
        response = client.post(f"{API}/parties", json=party_body(code="COOP-2", credit_code="91350100M000100Y43"),
                               headers=world["admin_headers"])
    assert_error(response, 409, "credit_code")
    with unchanged():
        response = client.post(f"{API}/parties", json=party_body(), headers=world["admin_headers"])
    assert_error(response, 409, "code")


def test_party_patch_to_a_taken_credit_code_is_409(client, world):
    taken = make_party(credit_code="91350100M000100Y43")
    mine = world["producer"].party
    response = client.patch(f"{API}/parties/{mine.code}", json={"credit_code": taken.credit_code},
                            headers=world["admin_headers"])
    assert_error(response, 409, "credit_code")
    assert Party.get_by_id(mine.id).credit_code != taken.credit_code


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"latitude": "91"}, 422, "latitude"),
    ({"latitude": "-90.5"}, 422, "latitude"),
    ({"longitude": "181"}, 422, "longitude"),
    ({"longitude": "NaN"}, 422, "longitude"),
    ({"latitude": "north"}, 422, "latitude"),
    ({"latitude": True}, 422, "latitude"),
    ({"area_mu": "-1"}, 422, "area_mu"),
    ({"area_mu": "1e400"}, 422, "area_mu"),
    ({"kind": "moon"}, 422, "kind"),
    ({"party": "NOPE01"}, 422, "party"),
])
def test_bad_sites(client, world, changes, status, field):
    with unchanged():
        response = client.post(f"{API}/sites", json=site_body(world, **changes), headers=world["admin_headers"])
    assert_error(response, status, field)


def test_duplicate_site_code_is_409(client, world):
    with unchanged():
        response = client.post(f"{API}/sites", json=site_body(world, code=world["site"].code),
                               headers=world["admin_headers"])
    assert_error(response, 409, "code")


@pytest.mark.parametrize(("changes", "field"), [
    ({"email": "not-an-email"}, "email"),
    ({"email": "a" * 250 + "@x.cn"}, "email"),
    ({"password": "short"}, "password"),
    ({"password": "p" * 129}, "password"),
    ({"role": "king"}, "role"),
    ({"party": "NOPE01"}, "party"),
    ({"party": None}, "party"),
    ({"active": "perhaps"}, "active"),
])
def test_bad_users(client, world, changes, field):
    with unchanged():
        response = client.post(f"{API}/users", json=user_body(world, **changes), headers=world["admin_headers"])
    assert_error(response, 422, field)


def test_role_must_fit_the_partys_kind(client, world):
    inspectors = make_party(kind="inspector")
    with unchanged():
        response = client.post(f"{API}/users", json=user_body(world, party=inspectors.code),
                               headers=world["admin_headers"])
    assert_error(response, 422, "party")


def test_duplicate_email_is_409_whatever_the_case(client, world):
    with unchanged():
        response = client.post(f"{API}/users", json=user_body(world, email=world["producer"].email.upper()),
                               headers=world["admin_headers"])
    assert_error(response, 409, "email")


def test_user_patch_is_partial_and_checked(client, world):
    member = make_user(party=world["producer"].party)
    response = client.patch(f"{API}/users/{member.id}", json={"role": "inspector"}, headers=world["admin_headers"])
    assert_error(response, 422, "party")
    assert User.get_by_id(member.id).role == "producer"
