"""Forms on a phone: a held lot is received with a warning and stays stopped; pickers say what a lot is and where."""

from __future__ import annotations

from html import unescape

import pytest

from supply.models import Batch
from supply.services.inspection.holds import place_hold
from tests.builders.custody import shipment_pages_world
from tests.builders.custody import shipped
from tests.builders.factories import make_user
from tests.builders.pages import log_in

world = pytest.fixture(name="world")(shipment_pages_world)


def test_a_held_lot_is_received_with_a_warning_and_stays_on_hold(client, world):
    shipment = shipped(world)
    place_hold(make_user(role="inspector", party=None), world.batch, "农残快检不合格")
    log_in(client, world.receiver, lang="zh_Hans")
    form = unescape(client.get(f"/shipments/{shipment.code}/receive").text)
    assert (f"批次 {world.batch.lot_code} 已暂扣：照实收货后仍然停止，检查员解除前不得发货、加工或销售。") in form
    response = client.post(f"/shipments/{shipment.code}/receive", data={
        "site": world.cold.code, "received_at": "2026-07-15T14:00", "lines.0.lot": world.batch.lot_code,
        "lines.0.received": "100", "temperature_min": "-18", "temperature_max": "-16.5"})
    assert response.status_code == 302
    assert Batch.get_by_id(world.batch.id).status == "on_hold"
    page = client.get(f"/shipments/{shipment.code}").text
    assert '<span class="status status-on_hold">已暂扣</span>' in page


def test_an_active_lot_gets_no_warning_and_temperatures_take_a_text_keypad(client, world):
    shipment = shipped(world)
    log_in(client, world.receiver, lang="zh_Hans")
    form = client.get(f"/shipments/{shipment.code}/receive").text
    assert 'class="error banner stopped"' not in form
    assert form.count('name="temperature_') == 2 and form.count('inputmode="text"') >= 2


def test_the_lot_picker_shows_product_on_hand_with_unit_and_status_in_chinese(client, world):
    client.set_cookie("lang", "zh_Hans")
    html = unescape(client.get("/shipments/new").text)
    assert f"{world.batch.lot_code} · {world.batch.product.name} · 500 千克 · 在库" in html
    assert 'name="set_point" value="" inputmode="text"' in " ".join(html.split())


def test_the_shipment_page_prints_the_labels_of_its_lots(client, world):
    shipment = shipped(world)
    html = client.get(f"/shipments/{shipment.code}").text
    assert f'href="/labels?lots={world.batch.lot_code}"' in html
