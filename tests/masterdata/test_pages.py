"""Admin pages: parties, sites, products and users (list, new, edit), for admins only."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from werkzeug.security import check_password_hash

from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from tests.builders.factories import make_batch
from tests.builders.factories import make_credit_code
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in


def test_admin_lists_show_the_records(client, admin):
    site = make_site()
    product = make_product()
    other = make_user(role="producer", party=site.party)
    pages = {
        "/admin/parties": (site.party.code, site.party.name_en, "Cooperative"),
        "/admin/sites": (site.code, site.name, "Field"),
        "/admin/products": (product.code, product.name_en, "Vegetable"),
        "/admin/users": (other.email, "Producer", site.party.name_en),
    }
    for url, texts in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        for text in texts:
            assert text in response.text, (url, text)
        assert '<div class="table-wrap">' in response.text


def test_list_filters_narrow_the_lists(client, admin):
    farm = make_party(kind="farm")
    coop = make_party(kind="cooperative")
    field = make_site(party=farm, kind="field")
    store = make_site(party=coop, kind="cold_store")
    yak = make_product(category="live_yak", unit="head")
    veg = make_product(category="vegetable")
    producer = make_user(role="producer", party=farm)
    inspector = make_user(role="inspector")

    def shows(url: str, record_text: str) -> bool:
        response = client.get(url)
        assert response.status_code == 200
        return f">{record_text}</a>" in response.text

    assert shows("/admin/parties?kind=farm", farm.code) and not shows("/admin/parties?kind=farm", coop.code)
    assert shows(f"/admin/sites?party={farm.code}", field.code)
    assert not shows(f"/admin/sites?party={farm.code}", store.code)
    assert shows("/admin/sites?kind=cold_store", store.code) and not shows("/admin/sites?kind=cold_store", field.code)
    assert shows("/admin/products?category=live_yak", yak.code)
    assert not shows("/admin/products?category=live_yak", veg.code)
    assert shows("/admin/users?role=inspector", inspector.email)
    assert not shows("/admin/users?role=inspector", producer.email)
    assert shows(f"/admin/users?party={farm.code}", producer.email)
    assert not shows(f"/admin/users?party={farm.code}", inspector.email)


def test_bad_list_filter_shows_a_message(client, admin):
    response = client.get("/admin/parties?kind=bank")
    assert response.status_code == 200
    assert field_error(response.text, "kind") == "Not one of the allowed values."


def test_lists_are_paginated(client, admin):
    for _ in range(23):
        make_party(kind="retailer")
    html = client.get("/admin/parties?kind=retailer").text
    assert "Page 1 of 2" in html
    assert 'href="/admin/parties?kind=retailer&amp;page=2"' in html
    second = client.get("/admin/parties?kind=retailer&page=2").text
    assert len(re.findall(r'href="/admin/parties/[^"]+/edit"', second)) == 3


def test_new_party_is_saved(client, admin):
    credit_code = make_credit_code()
    form = {"code": "COOP-NEW", "kind": "cooperative", "name": "湟源县新合作社", "name_en": "New Coop",
            "credit_code": credit_code.lower(), "county": "湟源县", "address": "", "phone": "0971-7654321"}
    response = client.post("/admin/parties/new", data=form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/parties"
    party = Party.get(Party.code == "COOP-NEW")
    assert (party.name, party.credit_code, party.phone) == ("湟源县新合作社", credit_code, "0971-7654321")
    assert "Party COOP-NEW saved." in client.get("/admin/parties").text


def test_new_party_bad_input_is_shown_and_writes_nothing(client, admin):
    taken = make_party()
    before = Party.select().count()
    form = {"code": "X", "kind": "bank", "name": "", "credit_code": "91630100ABCDEFGH12", "phone": "call me"}
    response = client.post("/admin/parties/new", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "code").startswith("Use 2 to 32 letters")
    assert field_error(response.text, "kind") == "Not one of the allowed values."
    assert field_error(response.text, "name") == "Missing data for required field."
    assert field_error(response.text, "credit_code").startswith("Not a valid Unified Social Credit Code")
    assert field_error(response.text, "phone") == "Not a valid phone number."
    assert 'value="91630100ABCDEFGH12"' in response.text
    response = client.post("/admin/parties/new", data={"code": taken.code, "kind": "farm", "name": "重复"})
    assert response.status_code == 422
    assert field_error(response.text, "code") == "This code is taken."
    assert Party.select().count() == before


def test_edit_party_changes_it_but_not_its_code(client, admin):
    party = make_party(kind="farm", phone="0971-1111111")
    page = client.get(f"/admin/parties/{party.code}/edit")
    assert page.status_code == 200
    assert 'value="0971-1111111"' in page.text
    assert 'name="code"' not in page.text
    form = {"kind": "cooperative", "name": "改名合作社", "name_en": "", "credit_code": "", "phone": "",
            "code": "HIJACK"}
    response = client.post(f"/admin/parties/{party.code}/edit", data=form)
    assert response.status_code == 302
    party = Party.get_by_id(party.id)
    assert (party.code, party.kind, party.name, party.name_en, party.credit_code) == (
        party.code, "cooperative", "改名合作社", "", None)
    assert client.get("/admin/parties/NO-SUCH/edit").status_code == 404


def test_new_and_edit_site(client, admin):
    party = make_party()
    form = {"code": "SITE-NEW", "party": party.code, "kind": "greenhouse", "name": "大棚一号",
            "latitude": "36.62", "longitude": "101.78", "area_mu": "12.5"}
    assert client.post("/admin/sites/new", data=form).status_code == 302
    site = Site.get(Site.code == "SITE-NEW")
    assert (site.party_id, site.kind, site.area_mu) == (party.id, "greenhouse", Decimal("12.50"))
    page = client.get("/admin/sites/SITE-NEW/edit").text
    assert 'value="36.62"' in page and party.name_en in page
    form = {"kind": "cold_store", "name": "冷库", "latitude": "", "longitude": "", "area_mu": ""}
    assert client.post("/admin/sites/SITE-NEW/edit", data=form).status_code == 302
    site = Site.get_by_id(site.id)
    assert (site.kind, site.name, site.latitude, site.party_id) == ("cold_store", "冷库", None, party.id)


def test_site_bad_input_is_shown_and_writes_nothing(client, admin):
    before = Site.select().count()
    form = {"code": "SITE-BAD", "party": "NO-SUCH", "kind": "field", "name": "地", "latitude": "91"}
    response = client.post("/admin/sites/new", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "latitude") == "Out of range."
    form["latitude"] = "36.6"
    response = client.post("/admin/sites/new", data=form)
    assert field_error(response.text, "party") == "Unknown party code."
    assert Site.select().count() == before


def test_new_and_edit_product(client, admin):
    form = {"code": "STRAW-1", "category": "strawberry", "name": "草莓", "name_en": "Strawberry",
            "unit": "punnet", "gtin": "6901234567892"}
    assert client.post("/admin/products/new", data=form).status_code == 302
    product = Product.get(Product.code == "STRAW-1")
    assert (product.unit, product.gtin) == ("punnet", "06901234567892")
    form = {"category": "strawberry", "name": "夏草莓", "unit": "kg", "variety": "阿尔比", "gtin": ""}
    assert client.post("/admin/products/STRAW-1/edit", data=form).status_code == 302
    product = Product.get_by_id(product.id)
    assert (product.name, product.unit, product.variety, product.gtin) == ("夏草莓", "kg", "阿尔比", None)


def test_product_bad_input_is_shown_and_writes_nothing(client, admin):
    before = Product.select().count()
    form = {"code": "YAK-1", "category": "live_yak", "name": "牦牛", "unit": "kg"}
    response = client.post("/admin/products/new", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "unit") == "This unit does not fit the product category."
    response = client.post("/admin/products/new", data=dict(form, unit="head", gtin="6901234567891"))
    assert response.status_code == 422
    assert field_error(response.text, "gtin").startswith("Not a valid GTIN")
    assert Product.select().count() == before
    # Once batches use a product, its unit is fixed: the page says why.
    product = make_product(category="vegetable", unit="kg")
    make_batch(product=product)
    response = client.post(f"/admin/products/{product.code}/edit",
                           data={"category": "vegetable", "name": "新名", "unit": "t"})
    assert response.status_code == 422
    assert "its category and unit can no longer change" in response.text
    assert Product.get_by_id(product.id).name == product.name


def test_new_and_edit_user(client, admin):
    farm = make_party(kind="farm")
    form = {"email": "Li.Hua@Example.cn", "name": "李华", "role": "producer", "party": farm.code,
            "password": "a long password", "active": "True"}
    assert client.post("/admin/users/new", data=form).status_code == 302
    user = User.get(User.email == "li.hua@example.cn")
    assert (user.role, user.party_id, user.active) == ("producer", farm.id, True)
    page = client.get(f"/admin/users/{user.id}/edit").text
    assert 'value="李华"' in page and "a long password" not in page
    form = {"name": "李华", "role": "producer", "party": farm.code, "password": "", "active": "False"}
    assert client.post(f"/admin/users/{user.id}/edit", data=form).status_code == 302
    user = User.get_by_id(user.id)
    assert user.active is False
    assert check_password_hash(user.password_hash, "a long password")  # an empty password field keeps it
    form.update(password="another password", active="True")
    assert client.post(f"/admin/users/{user.id}/edit", data=form).status_code == 302
    assert check_password_hash(User.get_by_id(user.id).password_hash, "another password")


def test_user_bad_input_is_shown_and_writes_nothing(client, admin):
    inspection = make_party(kind="inspector")
    before = User.select().count()
    form = {"email": "not-an-email", "name": "王", "role": "producer", "password": "short", "active": "True"}
    response = client.post("/admin/users/new", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "email") == "Not a valid email address."
    assert field_error(response.text, "password") == "Use 10 to 128 characters."
    assert 'value="short"' not in response.text  # passwords are never echoed
    form.update(email="wang@example.cn", password="long enough to pass", party=inspection.code)
    response = client.post("/admin/users/new", data=form)
    assert field_error(response.text, "party") == "This role does not fit the kind of this party."
    assert User.select().count() == before


def test_admin_may_not_demote_themself(client, admin):
    form = {"name": admin.name, "role": "inspector", "party": make_party(kind="inspector").code, "active": "True"}
    response = client.post(f"/admin/users/{admin.id}/edit", data=form)
    assert response.status_code == 422
    assert "You may not demote or deactivate yourself." in response.text
    assert User.get_by_id(admin.id).role == "admin"


ADMIN_PAGES = ("/admin/parties", "/admin/parties/new", "/admin/sites", "/admin/sites/new", "/admin/products",
               "/admin/products/new", "/admin/users", "/admin/users/new")


@pytest.mark.parametrize("role", ["producer", "operator", "inspector"])
def test_other_roles_get_403_on_admin_pages(client, role):
    user = make_user(role=role)
    log_in(client, user)
    party = make_party()
    for url in (*ADMIN_PAGES, f"/admin/parties/{party.code}/edit", f"/admin/users/{user.id}/edit"):
        assert client.get(url).status_code == 403, url
    before = Party.select().count()
    response = client.post("/admin/parties/new", data={"code": "SNEAK", "kind": "farm", "name": "偷偷"})
    assert response.status_code == 403
    assert "Your role may not open this page." in response.text
    assert client.post(f"/admin/users/{user.id}/edit", data={"name": "x", "role": "admin"}).status_code == 403
    assert Party.select().count() == before
    assert User.get_by_id(user.id).role == role


def test_anonymous_visitors_are_sent_to_login(client):
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login?next={url}"
    response = client.post("/admin/parties/new", data={"code": "ANON", "kind": "farm", "name": "匿名"})
    assert response.status_code == 302
    assert not Party.select().where(Party.code == "ANON").exists()
