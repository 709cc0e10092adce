"""Names in every language in master data: the API and the admin pages take and give back the Traditional names
and the English variety, refuse overlong ones, and the staff lists show English counties, varieties and analytes."""

from __future__ import annotations

import pytest

from supply.models import Party
from supply.models import Product
from supply.models import Site
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import bad_input_world
from tests.builders.api import party_body
from tests.builders.api import product_body
from tests.builders.api import site_body
from tests.builders.api import unchanged
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import input_value
from tests.builders.pages import log_in

world = pytest.fixture(name="world")(bad_input_world)


def test_api_takes_and_returns_traditional_and_english_names(client, world):
    headers = world["admin_headers"]
    body = product_body(name="西兰花", name_zh_hant="西蘭花（高原）", variety="耐寒优秀",
                        variety_en="Naihan Youxiu", variety_zh_hant="耐寒優秀")
    created = client.post(f"{API}/products", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert (created.json["name_zh_hant"], created.json["variety_en"], created.json["variety_zh_hant"]) == (
        "西蘭花（高原）", "Naihan Youxiu", "耐寒優秀")
    changed = client.patch(f"{API}/products/{body['code']}", json={"variety_en": "Cold-hardy"}, headers=headers)
    assert changed.status_code == 200 and changed.json["variety_en"] == "Cold-hardy"
    assert changed.json["name_zh_hant"] == "西蘭花（高原）"  # a PATCH leaves what it does not name
    party = client.post(f"{API}/parties", json=party_body(name_zh_hant="新合作社（繁）"), headers=headers)
    assert party.status_code == 201 and party.json["name_zh_hant"] == "新合作社（繁）"
    assert Party.get(Party.code == "COOP-NEW").name_zh_hant == "新合作社（繁）"
    site = client.post(f"{API}/sites", json=site_body(world, name_zh_hant="大棚（繁）"), headers=headers)
    assert site.status_code == 201 and site.json["name_zh_hant"] == "大棚（繁）"
    assert client.get(f"{API}/sites/SITE-NEW", headers=headers).json["name_zh_hant"] == "大棚（繁）"


@pytest.mark.parametrize(("resource", "field"), [
    ("products", "name_zh_hant"), ("products", "variety_en"), ("products", "variety_zh_hant"),
    ("parties", "name_zh_hant"), ("sites", "name_zh_hant"),
])
def test_overlong_names_are_refused_naming_the_field(client, world, resource, field):
    body = {"products": product_body, "parties": party_body, "sites": lambda **c: site_body(world, **c)}[resource]
    with unchanged():
        response = client.post(f"{API}/{resource}", json=body(**{field: "名" * 101}),
                               headers=world["admin_headers"])
    assert_error(response, 422, field)
    assert "At most 100 characters." in response.json["errors"][field]


def test_openapi_documents_the_new_names(client):
    schemas = client.get(f"{API}/openapi.json").json["components"]["schemas"]
    product = next(schema for name, schema in schemas.items() if name.startswith("Product") and
                   "code" in schema["properties"] and "created_at" in schema["properties"])
    assert {"name_zh_hant", "variety_en", "variety_zh_hant"} <= set(product["properties"])
    party_inputs = [schema for name, schema in schemas.items() if name.startswith("PartyCreate")]
    assert party_inputs and "name_zh_hant" in party_inputs[0]["properties"]
    assert "Traditional" in party_inputs[0]["properties"]["name_zh_hant"]["description"]


def test_admin_forms_take_and_show_the_new_names(client, admin):
    form = {"code": "BROC-1", "category": "vegetable", "name": "西兰花", "name_zh_hant": "西蘭花",
            "variety": "耐寒优秀", "variety_en": "Naihan Youxiu", "variety_zh_hant": "耐寒優秀", "unit": "kg"}
    assert client.post("/admin/products/new", data=form).status_code == 302
    product = Product.get(Product.code == "BROC-1")
    assert (product.name_zh_hant, product.variety_en, product.variety_zh_hant) == (
        "西蘭花", "Naihan Youxiu", "耐寒優秀")
    page = client.get("/admin/products/BROC-1/edit").text
    assert input_value(page, "variety_en") == "Naihan Youxiu" and input_value(page, "name_zh_hant") == "西蘭花"
    assert "Naihan Youxiu" in client.get("/admin/products").text
    party = make_party()
    form = {"kind": "cooperative", "name": party.name, "name_zh_hant": "測試（繁）", "county": "大通县"}
    assert client.post(f"/admin/parties/{party.code}/edit", data=form).status_code == 302
    assert Party.get_by_id(party.id).name_zh_hant == "測試（繁）"
    assert "Datong Hui and Tu Autonomous County" in client.get("/admin/parties").text
    site = make_site(county="城北区")
    form = {"kind": "field", "name": site.name, "name_zh_hant": "田（繁）" * 30}
    response = client.post(f"/admin/sites/{site.code}/edit", data=form)
    assert response.status_code == 422 and field_error(response.text, "name_zh_hant") == "At most 100 characters."
    assert Site.get_by_id(site.id).name_zh_hant == ""
    assert "Chengbei District" in client.get("/admin/sites").text


def test_admin_forms_in_chinese_explain_the_traditional_name(client):
    log_in(client, make_user(role="admin"), lang="zh_Hans")
    page = client.get("/admin/products/new").text
    assert "名称（繁体中文）" in page and "品种（英文）" in page and "公开页面将中文名称自动转换为繁体" in page
    make_product(name="西兰花", variety="耐寒优秀", variety_en="Naihan Youxiu")
    assert "耐寒优秀" in client.get("/admin/products").text  # staff pages in Chinese keep the stored names
