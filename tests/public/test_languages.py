"""Every language all the way: master-data names in Traditional characters, English names of counties, varieties
and analytes, plurals that fit the number, and the words of a registration that fit the category."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from supply.models import Batch
from supply.models import Party
from supply.models import TestResult
from supply.names import in_language
from supply.names import to_traditional
from supply.places import county_key
from supply.places import county_name
from tests.builders.chains import EAR_TAG
from tests.builders.chains import run
from tests.builders.chains import ship_and_receive
from tests.builders.chains import strawberry_chain
from tests.builders.chains import yak_chain
from tests.builders.custody import register
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in
from tests.builders.validity import certify

EN = {"Accept-Language": "en"}
HANS = {"Accept-Language": "zh-CN"}
HANT = {"Accept-Language": "zh-HK"}
GTIN = "06901234567892"
# Names stored in Simplified characters only, and what a Traditional reader must see instead.
CONVERSIONS = (
    ("湟中区绿源蔬菜合作社", "湟中區綠源蔬菜合作社"),  # the producer
    ("多巴镇一号地", "多巴鎮一號地"),  # its field, where the lots were harvested and merged
    ("甘河冷链物流公司", "甘河冷鏈物流公司"),  # the party the lot was shipped to
    ("甘河冷库", "甘河冷庫"),  # its cold store
    ("西兰花", "西蘭花"),  # the product
    ("耐寒优秀", "耐寒優秀"),  # its variety
    ("湟中区", "湟中區"),  # the county
    ("西宁市农产品质量检测中心", "西寧市農產品質量檢測中心"),  # the lab of a test
    ("有机磷和氨基甲酸酯类", "有機磷和氨基甲酸酯類"),  # the analyte of that test
    ("青海绿色认证中心", "青海綠色認證中心"),  # a certificate's issuer
)
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture()
def world():
    """Broccoli of a Huangzhong cooperative, every name stored in Simplified Chinese: two field lots (one tested,
    the cooperative certified) merged, shipped to a cold store, then graded and packed."""
    coop = make_user(role="producer", party=make_party(kind="cooperative", name="湟中区绿源蔬菜合作社",
                                                       name_en="Lvyuan Vegetable Cooperative", county="湟中区"))
    field = make_site(party=coop.party, kind="field", name="多巴镇一号地", name_en="Duoba field 1", county="湟中区")
    operator = make_user(role="operator", party=make_party(kind="operator", name="甘河冷链物流公司",
                                                           name_en="Ganhe Cold Chain Logistics"))
    cold = make_site(party=operator.party, kind="cold_store", name="甘河冷库", name_en="Ganhe cold store")
    broccoli = make_product(category="vegetable", unit="kg", name="西兰花", name_en="Broccoli", variety="耐寒优秀",
                            variety_en="Naihan Youxiu (cold-hardy)", gtin=GTIN)
    register(coop, field, broccoli, "300", lot_code="HK-A")
    register(coop, field, broccoli, "200", lot_code="HK-B")
    lab = make_party(kind="inspector", name="西宁市农产品质量检测中心", name_en="Xining Produce Testing Centre")
    TestResult.create(batch=Batch.get(Batch.lot_code == "HK-A"), kind="pesticide_rapid", method="enzyme_inhibition",
                      analyte="有机磷和氨基甲酸酯类", value=Decimal("12.5"), value_unit="%", passed=True, lab=lab,
                      tested_at=datetime.datetime(2026, 7, 1, 2, 0))
    certificate = certify(party=coop.party, number="ORG-HK-1")
    Party.update(name="青海绿色认证中心", name_en="Qinghai Green Certification Centre").where(
        Party.id == certificate.issuer_id).execute()
    run(coop, field, "merge", [("HK-A", "300"), ("HK-B", "200")], [{"lot_code": "HK-M", "quantity": "500"}])
    ship_and_receive(coop, field, operator, cold, "HK-M", "500")
    return {"coop": coop, "field": field, "operator": operator, "cold": cold, "product": broccoli}


def page(client, lot: str, headers) -> str:
    """Fetch a lot's public page and return its text."""
    response = client.get(f"/t/{Batch.get(Batch.lot_code == lot).public_token}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def without_language_switch(text: str) -> str:
    """Return a page without its language switch (which names each language in itself)."""
    return re.sub(r'<nav class="langs".*?</nav>', "", text, flags=re.S)


def test_opencc_converts_to_traditional_with_hong_kong_phrasing():
    for simplified, traditional in CONVERSIONS:
        assert to_traditional(simplified) == traditional
    assert to_traditional("牦牛肉卷500 g") == "犛牛肉卷500 g"
    assert to_traditional("Broccoli") == "Broccoli" and to_traditional("") == ""
    assert in_language("西兰花", "zh_Hant", traditional="西蘭花（港）") == "西蘭花（港）"
    assert in_language("西兰花", "zh_Hans", "Broccoli") == "西兰花"


def test_counties_have_english_names_however_they_are_typed():
    for typed in ("湟中区", "湟中", "西宁市湟中区", "青海省西宁市湟中区", "湟中縣", "湟中區"):
        assert county_name(typed, "en") == "Huangzhong District" or typed == "湟中縣", typed
    assert county_name("大通县", "en") == "Datong Hui and Tu Autonomous County"
    assert county_key("大通回族土族自治县").code == "630121"
    assert county_name("海东市乐都区", "en") == "海东市乐都区"  # not Xining's: shown as typed
    assert county_name("海东市乐都区", "zh_Hant") == "海東市樂都區"


def test_traditional_page_shows_every_master_data_name_in_traditional_characters(client, world):
    text = page(client, "HK-M", HANT)
    assert 'lang="zh-Hant"' in text
    for simplified, traditional in CONVERSIONS:
        assert traditional in text, traditional
        assert simplified not in text, simplified
    # The lots it was made from show their product and producer converted too.
    made_from = text.split("HK-A", 1)[1]
    assert "西蘭花" in made_from and "湟中區綠源蔬菜合作社" in made_from


def test_a_stored_traditional_name_is_shown_instead_of_the_conversion(client, world):
    product = world["product"]
    product.name_zh_hant, product.variety_zh_hant = "西蘭花（高原）", "耐寒優秀品種"
    product.save()
    Party.update(name_zh_hant="綠源蔬菜合作社").where(Party.id == world["coop"].party_id).execute()
    text = page(client, "HK-M", HANT)
    assert "西蘭花（高原）" in text and "耐寒優秀品種" in text and "綠源蔬菜合作社" in text
    assert "湟中區綠源蔬菜合作社" not in text
    assert "西兰花" in page(client, "HK-M", HANS)  # Simplified readers keep the stored Simplified name


def test_traditional_json_answers_carry_every_name_in_traditional_characters(client, world):
    base = f"/01/{GTIN}/10/HK-M"
    trace = client.get(f"{base}?linkType=gs1:traceability", headers=HANT,
                       base_url="https://trace.example.cn", follow_redirects=True).get_json()
    assert trace["product"]["name"] == "西兰花" and trace["product"]["name_zh_hant"] == "西蘭花"
    assert trace["product"]["name_en"] == "Broccoli"
    assert trace["product"]["variety"] == {"name": "耐寒优秀", "name_zh_hant": "耐寒優秀",
                                           "name_en": "Naihan Youxiu (cold-hardy)"}
    origin = trace["origin"]
    assert origin["producer"]["name_zh_hant"] == "湟中區綠源蔬菜合作社"
    assert origin["site"]["name_zh_hant"] == "多巴鎮一號地"
    assert origin["county"] == {"name": "湟中区", "name_zh_hant": "湟中區", "name_en": "Huangzhong District"}
    places = {step["place"]["name_zh_hant"] for step in trace["journey"] if step["place"]}
    assert {"多巴鎮一號地", "甘河冷庫"} <= places
    assert {"甘河冷鏈物流公司"} <= {step["counterpart"]["name_zh_hant"] for step in trace["journey"]
                                     if step["counterpart"]}
    assert {up["product"]["name_zh_hant"] for up in trace["made_from"]} == {"西蘭花"}
    certification = client.get(f"{base}?linkType=gs1:certificationInfo", headers=HANT,
                               base_url="https://trace.example.cn", follow_redirects=True).get_json()
    [test] = certification["tests"]
    assert test["lab"]["name_zh_hant"] == "西寧市農產品質量檢測中心"
    assert test["analyte"] == {"name": "有机磷和氨基甲酸酯类", "name_zh_hant": "有機磷和氨基甲酸酯類",
                               "name_en": "Organophosphates and carbamates"}
    issuers = {c["issuer"]["name_zh_hant"] for c in certification["upstream_certificates"]}
    assert issuers == {"青海綠色認證中心"}


def test_english_page_shows_english_county_variety_and_analyte(client, world):
    text = page(client, "HK-M", EN)
    assert "Huangzhong District" in text and "Naihan Youxiu (cold-hardy)" in text
    assert "Organophosphates and carbamates" in text and "Xining Produce Testing Centre" in text
    assert "Qinghai Green Certification Centre" in text and "Ganhe Cold Chain Logistics" in text
    assert HAN.findall(without_language_switch(text)) == []  # no Chinese name is left untranslated


def test_a_variety_without_an_english_name_shows_the_chinese_one(client, world):
    product = world["product"]
    product.variety_en = ""
    product.save()
    assert "耐寒优秀" in page(client, "HK-M", EN)


def test_plurals_fit_the_number_in_english(client, world):
    coop, field = world["coop"], world["field"]
    register(coop, field, world["product"], "100", lot_code="HK-C")
    register(coop, field, world["product"], "100", lot_code="HK-D")
    run(coop, field, "grade_pack", [("HK-C", "50")], [{"lot_code": "HK-P1", "quantity": "50"}])
    run(coop, field, "grade_pack", [("HK-C", "50"), ("HK-D", "100")], [{"lot_code": "HK-P2", "quantity": "150"}])
    assert "Made from 1 lot at Duoba field 1" in page(client, "HK-P1", EN)
    text = page(client, "HK-P2", EN)
    assert "Made from 2 lots at Duoba field 1" in text and "Made from 1 lots" not in text
    assert "Merged from 2 farm lots at Duoba field 1" in page(client, "HK-M", EN)
    assert "由 1 個批次加工而成" in page(client, "HK-P1", HANT)
    assert "由 2 个批次制成" in page(client, "HK-P2", HANS)


def test_a_live_yak_is_born_or_registered(client):
    chain = yak_chain()
    text = page(client, "YAK-1", EN)
    assert "Born or registered at" in text and "Born or registered on" in text
    assert "Harvested" not in text and "harvest" not in text
    assert EAR_TAG in text
    assert "出生或登記" in page(client, "YAK-1", HANT) and "出生或登记" in page(client, "YAK-1", HANS)
    log_in(client, chain["herder"])  # the herder's own batch page says the same
    timeline = client.get("/batches/YAK-1").text.split('id="timeline"')[1]
    assert "Born or registered" in timeline and "Harvest" not in timeline


def test_seedlings_are_propagated_and_their_certificate_shows_the_propagation_date(client):
    strawberry_chain()
    seedlings = Batch.get(Batch.lot_code == "SEED-1")
    certify("seedling_virus", batch=seedlings, number="SV-2026-001")
    text = page(client, "SEED-1", EN)
    assert "Propagated and registered at" in text and "Propagated on" in text
    assert "On the propagation date, 2026-05-20" in text
    assert "harvest" not in text.lower()
    hans = page(client, "SEED-1", HANS)
    assert "繁育日 2026-05-20" in hans and "采收" not in hans
    hant = page(client, "SEED-1", HANT)
    assert "繁育日 2026-05-20" in hant and "採收" not in hant
    berries = page(client, "BERRY-1", EN)  # the berries grown from them are harvested
    assert "Harvested and registered at" in berries and "Harvested on" in berries


def test_yak_meat_registered_as_such_is_slaughtered_or_cut(client):
    butcher = make_user(role="operator", party=make_party(kind="operator"))
    plant = make_site(party=butcher.party, kind="processing_plant")
    register(butcher, plant, make_product(category="yak_meat", unit="kg"), "80", lot_code="MEAT-1")
    text = page(client, "MEAT-1", EN)
    assert "Slaughtered or cut, and registered at" in text and "Slaughtered on" in text
