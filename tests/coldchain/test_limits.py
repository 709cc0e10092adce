"""Temperature limits per category: the defaults, set by admins on a page and through the API, and which limits
watch a shipment (the narrowest of its categories; the frozen limit at a frozen set point)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from supply.clock import LOCAL_TZ
from supply.models import TemperatureLimit
from supply.services.coldchain.limits import shipment_limits
from supply.services.custody.shipments import create_shipment
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.cold_chain import cold_chain_world
from tests.builders.custody import register
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in


def test_the_default_limits_are_those_of_the_issue(client):
    user = make_user()
    items = client.get(f"{API}/temperature-limits", headers=auth_header(user)).get_json()["items"]
    assert {i["category"]: (i["low"], i["high"]) for i in items} == {
        "vegetable": ("0", "4"), "strawberry": ("0", "4"), "mushroom": ("0", "5"), "yak_meat": ("-1", "4"),
        "frozen": (None, "-18")}


def test_an_admin_sets_a_categorys_limits_through_the_api_and_others_may_not(client):
    admin, producer = auth_header(make_user(role="admin")), auth_header(make_user())
    response = client.put(f"{API}/temperature-limits/mushroom", json={"low": "1", "high": "6.5"}, headers=admin)
    assert response.get_json() == {"category": "mushroom", "low": "1", "high": "6.5"}
    with unchanged():
        assert_error(client.put(f"{API}/temperature-limits/mushroom", json={"low": "0", "high": "4"},
                                headers=producer), 403)
        assert_error(client.put(f"{API}/temperature-limits/mushroom", json={"low": "5", "high": "4"},
                                headers=admin), 422, "high", "below the lower")
        assert_error(client.put(f"{API}/temperature-limits/mushroom", json={"low": "-70"},
                                headers=admin), 422, "low", "physical range")
        assert_error(client.put(f"{API}/temperature-limits/spinach", json={"low": "0"},
                                headers=admin), 404)


def test_an_admin_sets_limits_on_the_page_in_their_language(client):
    admin = make_user(role="admin")
    log_in(client, admin, "zh_Hans")
    page = client.get("/cold-chain/limits").get_data(as_text=True)
    assert "温度限值" in page and "冷冻货物" in page
    refused = client.post("/cold-chain/limits", data={"category": "vegetable", "low": "5", "high": "2"})
    assert refused.status_code == 422 and "上限低于下限" in field_error(refused.get_data(as_text=True), "high")
    done = client.post("/cold-chain/limits", data={"category": "vegetable", "low": "0.5", "high": "5"})
    assert done.status_code == 302
    row = TemperatureLimit.get(TemperatureLimit.category == "vegetable")
    assert (row.low, row.high) == (Decimal("0.5"), Decimal("5"))


def test_a_mixed_shipment_is_held_to_the_narrowest_limits_and_a_frozen_one_to_minus_18(app):
    world = cold_chain_world(received=False)
    meat = register(world.coop, world.packhouse, make_product(category="yak_meat", unit="kg"), "50")
    departed = datetime.datetime(2026, 7, 16, 8, 0, tzinfo=LOCAL_TZ)
    lines = [{"lot": world.batch.lot_code, "quantity": Decimal("10")}, {"lot": meat.lot_code, "quantity": Decimal("5")}]
    mixed = create_shipment(world.coop, {"from_site": world.packhouse.code, "to_party": world.operator.party.code,
                                         "departed_at": departed, "lines": lines})
    assert shipment_limits(mixed) == (Decimal("0"), Decimal("4"))
    frozen = create_shipment(world.coop, {"from_site": world.packhouse.code, "to_party": world.operator.party.code,
                                          "departed_at": departed, "set_point": Decimal("-20"),
                                          "lines": [{"lot": meat.lot_code, "quantity": Decimal("5")}]})
    assert shipment_limits(frozen) == (None, Decimal("-18"))
