"""The cold chain on the pages: a logger file uploaded on the shipment page, its curve with the limits, the proposed
hold an inspector confirms or dismisses, and the public page's note in every language."""

from __future__ import annotations

import io
import re

from supply.models import Batch
from supply.models import HoldProposal
from supply.models.batch import BatchStatus
from tests.builders.cold_chain import cold_chain_world
from tests.builders.cold_chain import logger_csv
from tests.builders.cold_chain import temperatures
from tests.builders.pages import field_error
from tests.builders.pages import log_in

LANGUAGES = {"en": "en", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}


def _upload(client, world, data: bytes, lang: str = "en"):
    log_in(client, world.operator, lang)
    return client.post(f"/shipments/{world.shipment.code}/readings",
                       data={"file": (io.BytesIO(data), "RC5-0042.csv")}, content_type="multipart/form-data")


def _public(client, world, accept: str) -> str:
    client.delete_cookie("lang")  # a shopper's phone: only its browser's language
    response = client.get(f"/t/{world.batch.public_token}", headers={"Accept-Language": accept})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_shipment_page_draws_the_curve_with_its_limits_and_the_excursion(client):
    world = cold_chain_world()
    response = _upload(client, world, logger_csv(temperatures(45)))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "169 readings stored, 0 already there." in page
    assert "Temperature excursion recorded" in page
    svg = re.search(r'<svg class="curve".*?</svg>', page, re.S).group(0)
    assert 'width="100%"' in svg and "<script" not in page.split('<svg class="curve"')[1].split("</svg>")[0]
    assert re.findall(r'class="limit-label"[^>]*>limit ([-\d.]+) °C<', svg) == ["0", "4"]
    points = re.search(r'class="readings" points="([^"]+)"', svg).group(1).split()
    assert len(points) == 169
    assert len(re.findall(r'class="excursion"', svg)) == 1
    # The limit lines sit where the readings' scale puts 0 and 4 °C: the coldest reading (0.5) lies between them.
    zero, four = (float(y) for y in re.findall(r'class="limit" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"', svg))
    coldest = float(points[3].split(",")[1])
    assert four < coldest < zero
    table = re.search(r'<table class="excursions">.*?</table>', page, re.S).group(0)
    assert "07-15 12:00" in table and "07-15 12:45" in table and ">45<" in table and "6.5 – 6.7" in table


def test_a_refused_logger_file_shows_the_line_and_reason_in_the_users_language(client):
    world = cold_chain_world()
    lines = logger_csv(temperatures()[:5]).decode().splitlines()
    lines[4] = lines[4].replace(",2.2,", ",36°F,")
    response = _upload(client, world, "\n".join(lines).encode(), "zh_Hans")
    assert response.status_code == 422
    message = field_error(response.get_data(as_text=True), "file")
    assert "第 5 行" in message and "单位" in message
    assert HoldProposal.select().count() == 0
    assert "温度曲线" not in response.get_data(as_text=True)


def test_a_proposed_hold_does_not_stop_the_lot_until_an_inspector_confirms_it(client):
    world = cold_chain_world()
    _upload(client, world, logger_csv(temperatures(45)))
    assert Batch.get_by_id(world.batch.id).status == BatchStatus.ACTIVE
    log_in(client, world.inspector)
    holds = client.get("/inspections/holds").get_data(as_text=True)
    assert f"Hold on lot {world.batch.lot_code}" in holds and "Proposed" in holds
    assert "Not in force until an inspector confirms it." in holds
    (proposal,) = HoldProposal.select()
    response = client.post(f"/cold-chain/proposals/{proposal.id}/confirm", data={})
    assert response.status_code == 302
    assert Batch.get_by_id(world.batch.id).status == BatchStatus.ON_HOLD
    listed = client.get("/inspections/holds").get_data(as_text=True)
    assert "Proposed" not in listed and f"Hold on lot {world.batch.lot_code}" in listed
    assert "6.5–6.7 °C" in listed  # the hold's reason names the excursion
    again = client.post(f"/cold-chain/proposals/{proposal.id}/dismiss", data={"reason": "late"})
    assert again.status_code == 409 and "decided already" in again.get_data(as_text=True)


def test_a_proposed_hold_dismissed_needs_a_reason_and_leaves_the_lot_moving(client):
    world = cold_chain_world()
    _upload(client, world, logger_csv(temperatures(45)))
    log_in(client, world.inspector, "zh_Hans")
    (proposal,) = HoldProposal.select()
    refused = client.post(f"/cold-chain/proposals/{proposal.id}/dismiss", data={"reason": " "})
    assert refused.status_code == 422
    assert "理由" in field_error(refused.get_data(as_text=True), "reason")
    done = client.post(f"/cold-chain/proposals/{proposal.id}/dismiss",
                       data={"reason": "Probe sat by the door; product core stayed at 3 °C"})
    assert done.status_code == 302
    assert HoldProposal.get_by_id(proposal.id).status == "dismissed"
    assert Batch.get_by_id(world.batch.id).status == BatchStatus.ACTIVE
    listed = client.get("/cold-chain/proposals?status=dismissed").get_data(as_text=True)
    assert "Probe sat by the door" in listed


def test_the_public_page_names_the_excursion_in_every_language(client):
    world = cold_chain_world()
    _upload(client, world, logger_csv(temperatures(45)))
    expected = {
        "en": "Temperature excursion: 6.5–6.7 °C for 45 minutes from 2026-07-15 12:00",
        "zh-Hans": "温度超限：2026-07-15 12:00 起 45 分钟，6.5–6.7 °C",
        "zh-Hant": "溫度超限：2026-07-15 12:00 起 45 分鐘，6.5–6.7 °C",
    }
    for lang, accept in LANGUAGES.items():
        assert expected[lang] in _public(client, world, accept), lang


def test_the_public_page_says_the_cold_chain_was_kept(client):
    world = cold_chain_world()
    _upload(client, world, logger_csv(temperatures(20)))  # 20 minutes outside: within the tolerance
    assert HoldProposal.select().count() == 0
    short = _public(client, world, "en")
    assert "Cold chain kept 0.5–6.7 °C over 14 h" in short and "excursion" not in short
    kept = cold_chain_world()
    _upload(client, kept, logger_csv(temperatures()))
    texts = {"en": "Cold chain kept 0.5–3.8 °C over 14 h", "zh-Hans": "冷链全程 0.5–3.8 °C，共 14 小时",
             "zh-Hant": "冷鏈全程 0.5–3.8 °C，共 14 小時"}
    for lang, accept in LANGUAGES.items():
        assert texts[lang] in _public(client, kept, accept), lang
