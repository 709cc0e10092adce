"""Dashboards per role: the city's tonnes and where they went, a producer's stock and scans, an inspector's failure
rates; the page draws what the API and the CSV give, in the reader's language."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from supply.clock import LOCAL_TZ
from supply.clock import utcnow
from supply.models import Scan
from supply.models import TestResult
from supply.services.custody.shipments import create_shipment
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in

MONTH = "2026-07"


def _ship(sender, site, receiver, lot, quantity: str):
    return create_shipment(sender, {"from_site": site.code, "to_party": receiver.code,
                                    "departed_at": datetime.datetime(2026, 7, 16, 8, 0, tzinfo=LOCAL_TZ),
                                    "lines": [{"lot": lot.lot_code, "quantity": Decimal(quantity)}]})


def city_world():
    """A cooperative that harvested 2,000 kg and 5 t of vegetables in July and shipped 600 kg: 300 kg to Shenzhen,
    100 kg to Hong Kong, 200 kg to Beijing; scans and tests of its lots."""
    producer = make_user(role="producer")
    party = producer.party
    party.province, party.city = "青海省", "西宁市"
    party.save()
    site = make_site(party=party, area_mu=Decimal("120"))
    cabbage = make_product(category="vegetable", unit="kg", name="甘蓝", name_en="Cabbage")
    kilos = make_batch(site=site, product=cabbage, quantity=Decimal("2000"))
    tonnes = make_batch(site=site, product=cabbage, quantity=Decimal("5"), unit="t")
    shenzhen = make_party(kind="retailer", province="广东省", city="深圳市")
    hong_kong = make_party(kind="retailer", province="香港特别行政区", city="")
    beijing = make_party(kind="retailer", province="北京市", city="北京市")
    for receiver, quantity in ((shenzhen, "300"), (hong_kong, "100"), (beijing, "200")):
        _ship(producer, site, receiver, kilos, quantity)
    now = utcnow()
    for language in ("zh_Hans", "zh_Hans", "zh_Hant", "en"):
        Scan.create(batch_id=kilos.id, scanned_at=now, language=language)
    for analyte, passed in (("有机磷", False), ("有机磷", True), ("氨基甲酸酯", True), ("氨基甲酸酯", True)):
        TestResult.create(batch=kilos, kind="pesticide_rapid", analyte=analyte, passed=passed, tested_at=now)
    return SimpleNamespace(producer=producer, site=site, kilos=kilos, tonnes=tonnes, shenzhen=shenzhen)


world = pytest.fixture(name="world")(city_world)


def _chart(board: dict, key: str) -> dict:
    return next(chart for chart in board["charts"] if chart["key"] == key)


def _rows(board: dict, key: str) -> dict:
    return {str(row[0]): row[1:] for row in _chart(board, key)["rows"]}


def test_the_city_counts_tonnes_registered_and_shipped_and_where_they_went(client, world):
    admin = make_user(role="admin")
    board = client.get("/api/v1/dashboard", headers=auth_header(admin)).json
    assert board["role"] == "admin"
    registered = _rows(board, "registered")
    assert registered[f"{MONTH}-01"][0] == "7.000"  # vegetables: 2,000 kg and 5 t
    shipped = _rows(board, "shipped")
    assert shipped[f"{MONTH}-01"][0] == "0.600"
    destinations = _rows(board, "destinations")
    assert destinations["all"] == ["0.600", "100.0"]
    assert destinations["out_of_qinghai"] == ["0.600", "100.0"]
    assert destinations["bay_area"] == ["0.400", "66.7"]  # Shenzhen and Hong Kong
    assert destinations["hong_kong"] == ["0.100", "16.7"]
    scans = _rows(board, "scans")
    assert sum(row[0] for row in scans.values()) == 4


def test_the_city_page_draws_each_chart_beside_its_table(client, world):
    log_in(client, make_user(role="admin"), lang="zh_Hans")
    html = client.get("/dashboard").text
    destinations = html[html.index('id="chart-destinations"'):]
    destinations = destinations[:destinations.index("</section>")]
    assert "<h2>发运去向（近 12 个月）</h2>" in destinations
    assert re.findall(r'data-value="([0-9.]+)"', destinations) == ["0.6", "0.6", "0.4", "0.1"]
    assert "<td>粤港澳大湾区</td><td>0.4</td><td>66.7</td>" in destinations
    registered = html[html.index('id="chart-registered"'):]
    assert 'data-value="7"' in registered[:registered.index("</section>")]
    assert html.count('<svg class="chart') == 5 and html.count('class="chart-table"') == 5  # no certified site
    assert "暂无数据。" in html


@pytest.mark.parametrize(("lang", "title", "head"), [
    ("zh_Hans", "发运去向（近 12 个月）", "去向,吨,占比 %"),
    ("zh_Hant", "發運去向（近 12 個月）", "去向,噸,占比 %"),
    ("en", "Where the shipped tonnes went (12 months)", "Destination,Tonnes,Share %"),
])
def test_the_city_dashboard_speaks_each_language_and_downloads_its_tables(client, world, lang, title, head):
    log_in(client, make_user(role="admin"), lang=lang)
    assert f"<h2>{title}</h2>" in client.get("/dashboard").text
    sheet = client.get("/dashboard/destinations.csv")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    lines = sheet.text.lstrip("\ufeff").splitlines()
    assert lines[0] == head
    assert lines[3].endswith(",0.4,66.7")
    assert client.get("/dashboard/nothing.csv").status_code == 404


def test_an_observer_of_the_bureau_reads_the_city_dashboard_and_writes_nothing(client, world):
    observer = make_user(role="observer", party=None)
    board = client.get("/api/v1/dashboard", headers=auth_header(observer)).json
    assert _rows(board, "destinations")["all"] == ["0.600", "100.0"]
    refused = client.post("/api/v1/batches", headers=auth_header(observer),
                          json={"product": world.kilos.product.code, "site": world.site.code, "quantity": "1",
                                "produced_on": "2026-07-01"})
    assert refused.status_code == 403


def test_a_producer_sees_its_stock_shipments_and_scans_by_language(client, world):
    board = client.get("/api/v1/dashboard", headers=auth_header(world.producer)).json
    stock = _chart(board, "stock")["rows"]
    assert sorted((row[0][0]["name_en"], row[1], row[2]) for row in stock) == [
        ("Cabbage", "1400.000", "kg"), ("Cabbage", "5.000", "t")]
    assert len(_chart(board, "in_transit")["rows"]) == 3
    today = datetime.datetime.now(LOCAL_TZ).date().isoformat()
    assert _rows(board, "scans")[today] == [2, 1, 1]
    receiver = make_user(role="operator", party=world.shenzhen)
    waiting = client.get("/api/v1/dashboard", headers=auth_header(receiver)).json
    assert [row[1] for row in _chart(waiting, "awaiting")["rows"]] == [world.producer.party.code]


def test_an_inspector_sees_failure_rates_by_analyte_and_county(client, world):
    inspector = make_user(role="inspector")
    board = client.get("/api/v1/dashboard", headers=auth_header(inspector)).json
    assert _rows(board, "by_analyte") == {"有机磷": ["50.0", 2, 1], "氨基甲酸酯": ["0.0", 2, 0]}
    assert _rows(board, "by_county")["湟中区"] == ["25.0", 4, 1]
    month = datetime.datetime.now(LOCAL_TZ).date().replace(day=1).isoformat()
    assert _rows(board, "tests")[month] == [4, 1, "25.0"]


def test_a_scan_records_the_language_its_page_was_shown_in(client, world):
    client.set_cookie("lang", "zh_Hant")
    assert client.get(f"/t/{world.tonnes.public_token}").status_code == 200
    assert [s.language for s in Scan.select().where(Scan.batch_id == world.tonnes.id)] == ["zh_Hant"]


def test_a_party_names_a_real_province(client):
    admin = make_user(role="admin")
    response = client.post("/api/v1/parties", headers=auth_header(admin), json={
        "code": "BUY-MARS", "name": "火星超市", "kind": "retailer", "province": "火星省", "city": "火星市"})
    assert response.status_code == 422
    assert "province" in response.json["errors"]
    made = client.post("/api/v1/parties", headers=auth_header(admin), json={
        "code": "BUY-HK", "name": "香港进口商", "kind": "retailer", "province": "香港特别行政区"})
    assert made.status_code == 201 and made.json["province"] == "香港特别行政区"


def test_the_city_reads_totals_counted_ahead_and_recounts_them_when_old(client, app, world):
    admin = make_user(role="admin")
    first = client.get("/api/v1/dashboard", headers=auth_header(admin)).json
    assert first["counted_at"] is not None
    _ship(world.producer, world.site, world.shenzhen, world.kilos, "50")
    app.config["CITY_TOTALS_MAX_AGE"] = 3600
    kept = client.get("/api/v1/dashboard", headers=auth_header(admin)).json
    assert _rows(kept, "destinations")["all"][0] == "0.600"  # counted before the new shipment
    app.config["CITY_TOTALS_MAX_AGE"] = 0
    recounted = client.get("/api/v1/dashboard", headers=auth_header(admin)).json
    assert _rows(recounted, "destinations")["all"][0] == "0.650"
    assert _rows(recounted, "destinations")["bay_area"][0] == "0.450"
