"""Recall pages: an inspector opens a recall, tracks it, prints the report, downloads the CSV, rehearses one."""

from __future__ import annotations

import csv
import io
import re

import pytest

from supply.models import Batch
from supply.models import Recall
from supply.models import RecallLot
from tests.builders.api import table_counts
from tests.builders.api import unchanged
from tests.builders.pages import banner
from tests.builders.pages import field_error
from tests.builders.pages import flash
from tests.builders.pages import log_in
from tests.builders.recalls import recall_pages_world

world = pytest.fixture(name="world")(recall_pages_world)


def open_by_form(client, lot: str = "F1", level: str = "1") -> Recall:
    """Open a recall through the form and return it."""
    response = client.post("/recalls/new", data={"lot": lot, "level": level, "reason": "农残超标", "area": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    return Recall.select().order_by(Recall.id.desc()).get()


def test_inspector_opens_a_recall_and_sees_deadlines_lots_and_holders(client, world):
    log_in(client, world["inspector"])
    form = client.get("/recalls/new?lot=F1").get_data(as_text=True)
    assert "24 hours" in form and "30 working days" in form and 'value="F1"' in form
    recall = open_by_form(client)
    page = client.get(f"/recalls/{recall.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Recall {recall.code} opened." in flash(html)
    assert "Level 1" in html and "left" in html  # time left to start and finish
    for lot in ("F1", "M", "S1", "S2", "P1", "P2", "P3"):
        assert f">{lot}</a>" in html
    assert "F2X" not in html
    shop = world["parties"]["shop"]
    assert shop.name in html and shop.phone in html
    listing = client.get("/recalls/").get_data(as_text=True)
    assert recall.code in listing


def test_form_errors_are_shown_beside_the_fields_and_nothing_is_written(client, world):
    log_in(client, world["inspector"])
    with unchanged():
        response = client.post("/recalls/new", data={"lot": "NOPE", "level": "4", "reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "level") and field_error(html, "reason")
    with unchanged():
        response = client.post("/recalls/new", data={"lot": "NOPE", "level": "2", "reason": "x"})
    assert field_error(response.get_data(as_text=True), "lot") == "No batch with this lot code."


def test_a_producer_may_not_open_the_pages(client, world):
    log_in(client, world["coop"])
    assert client.get("/recalls/").status_code == 403
    with unchanged():
        assert client.post("/recalls/new", data={"lot": "F1", "level": "1", "reason": "x"}).status_code == 403


def test_tracking_notices_and_close_through_the_page(client, world):
    log_in(client, world["inspector"])
    code = open_by_form(client).code
    response = client.post(f"/recalls/{code}/lots/P1", data={"recovered": "12", "destroyed": "2"})
    assert response.status_code == 302
    line = RecallLot.select().join(Batch).where(Batch.lot_code == "P1").get()
    assert (str(line.recovered), str(line.destroyed)) == ("12.000", "2.000")
    with unchanged():
        response = client.post(f"/recalls/{code}/lots/P1", data={"recovered": "99"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "recovered") == "More than the lot's quantity."
    shop = world["parties"]["shop"].code
    assert client.post(f"/recalls/{code}/notices", data={"party": shop, "channel": "sms",
                                                         "note": "请下架"}).status_code == 302
    html = client.get(f"/recalls/{code}").get_data(as_text=True)
    assert "请下架" in html and "Text message" in html
    with unchanged():
        response = client.post(f"/recalls/{code}/close", data={"note": ""})
    assert response.status_code == 422 and banner(response.get_data(as_text=True))
    assert client.post(f"/recalls/{code}/close", data={"note": "已完成"}).status_code == 302
    html = client.get(f"/recalls/{code}").get_data(as_text=True)
    assert "Closed" in html and "Close the recall" not in html


def test_printable_report_follows_the_recall_plan_and_csv_downloads(client, world):
    log_in(client, world["inspector"])
    code = open_by_form(client).code
    html = client.get(f"/recalls/{code}/report").get_data(as_text=True)
    for heading in ("Producer", "Product", "Batches and quantities", "Area", "Reason", "Level", "Deadlines",
                    "Notices"):
        assert re.search(rf"<h2>\d\. {heading}</h2>", html), heading
    assert "@media print" in html and world["parties"]["farm1"].name in html
    response = client.get(f"/recalls/{code}/report.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][4] == "批次 Lot" and {row[4] for row in rows[1:]} == {"F1", "M", "S1", "S2", "P1", "P2", "P3"}


def test_mock_recall_page_shows_time_balance_and_holders_and_writes_nothing(client, world):
    log_in(client, world["inspector"])
    before = table_counts()
    response = client.post("/recalls/mock", data={"lot": "M", "level": "3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert table_counts() == before
    assert Batch.get(Batch.lot_code == "M").status == "consumed"
    assert re.search(r"<strong>[\d.]+ ms</strong>", html)
    assert "Mass balance, one step back and one step forward" in html
    balance = html.split('class="balance"')[1].split("</table>")[0]
    assert all(f">{lot}<" in balance for lot in ("M", "F1", "F2", "S1", "S2")) and ">P1<" not in balance
    assert world["parties"]["coop"].name_en in html
    response = client.post("/recalls/mock", data={"lot": "NOPE"})
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), "lot")
