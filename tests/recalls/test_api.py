"""Recalls through the API: open, read, track, close, the CSV report, the mock recall, and what the public sees."""

from __future__ import annotations

import csv
import io

import pytest

from supply.models import Batch
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import table_counts
from tests.builders.api import unchanged
from tests.builders.factories import auth_header
from tests.builders.recalls import GTIN14
from tests.builders.recalls import recall_api_world

BODY = {"lot": "F1", "level": 1, "reason": "农残快检不合格"}
EN = {"Accept-Language": "en"}


world = pytest.fixture(name="world")(recall_api_world)


def open_one(client, world, **changes) -> dict:
    """Open a recall through the API and return its body."""
    response = client.post(f"{API}/recalls", json={**BODY, **changes}, headers=world["headers"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_open_read_and_list(client, world):
    body = open_one(client, world)
    assert body["code"].startswith("RC") and body["level"] == 1 and body["status"] == "open"
    assert {lot["lot"] for lot in body["lots"]} == {"F1", "M", "S1", "S2", "P1", "P2", "P3"}
    assert body["start_by"].endswith("+08:00")
    shop = next(h for h in body["holders"] if h["code"] == world["parties"]["shop"].code)
    assert shop["lots"] == [{"lot": "P1", "unit": "carton", "on_hand": "12", "received": "12", "in_transit": "0"}]
    assert shop["phone"] == world["parties"]["shop"].phone
    read = client.get(f"{API}/recalls/{body['code']}", headers=world["headers"]).get_json()
    assert read["lots"] == body["lots"]
    listed = client.get(f"{API}/recalls?status=open", headers=world["headers"]).get_json()
    assert [item["code"] for item in listed["items"]] == [body["code"]]


def test_a_producer_may_not_open_or_read_recalls(client, world):
    headers = auth_header(world["coop"])
    with unchanged():
        assert_error(client.post(f"{API}/recalls", json=BODY, headers=headers), 403)
    assert Batch.get(Batch.lot_code == "F1").status != "recalled"
    assert_error(client.get(f"{API}/recalls", headers=headers), 403)
    assert_error(client.post(f"{API}/recalls/mock", json={"lot": "F1"}, headers=headers), 403)


@pytest.mark.parametrize(("changes", "field"), [
    ({"lot": "NOPE"}, "lot"),
    ({"level": 4}, "level"),
    ({"level": "high"}, "level"),
    ({"level": 1.5}, "level"),
    ({"level": True}, "level"),
    ({"reason": "   "}, "reason"),
    ({"reason": ...}, "reason"),
])
def test_bad_input_is_422_on_the_field_and_writes_nothing(client, world, changes, field):
    body = {key: value for key, value in {**BODY, **changes}.items() if value is not ...}
    with unchanged():
        assert_error(client.post(f"{API}/recalls", json=body, headers=world["headers"]), 422, field)
    assert Batch.get(Batch.lot_code == "F1").status == "consumed"


def test_a_recalled_lot_cannot_ship(client, world):
    open_one(client, world)
    shipment = {"from_site": world["packhouse"].code, "to_party": world["parties"]["shop"].code,
                "lines": [{"lot": "P2", "quantity": "1"}]}
    headers = auth_header(world["coop"])
    with unchanged():
        response = client.post(f"{API}/shipments", json=shipment, headers=headers)
    assert_error(response, 409, "lot")


def test_tracking_and_closing(client, world):
    code = open_one(client, world)["code"]
    headers = world["headers"]
    response = client.post(f"{API}/recalls/{code}/lots/P1", json={"recovered": "12", "destroyed": "4.5"},
                           headers=headers)
    assert response.status_code == 200 and response.get_json()["destroyed"] == "4.5"
    with unchanged():
        assert_error(client.post(f"{API}/recalls/{code}/lots/P1", json={"recovered": "21"}, headers=headers), 422,
                     "recovered")
        assert_error(client.post(f"{API}/recalls/{code}/lots/F2X", json={"recovered": "1"}, headers=headers), 404)
        assert_error(client.post(f"{API}/recalls/{code}/notices", json={"party": "NOBODY", "channel": "sms"},
                                 headers=headers), 422, "party")
        assert_error(client.post(f"{API}/recalls/{code}/notices", json={"party": "X1", "channel": "pigeon"},
                                 headers=headers), 422, "channel")
        assert_error(client.post(f"{API}/recalls/{code}/close", json={"note": ""}, headers=headers), 422, "note")
    notice = client.post(f"{API}/recalls/{code}/notices", headers=headers, json={
        "party": world["parties"]["shop"].code, "channel": "phone", "sent_at": "2026-11-20T09:30", "note": "已通知"})
    assert notice.status_code == 201 and notice.get_json()["sent_at"] == "2026-11-20T09:30:00+08:00"
    closed = client.post(f"{API}/recalls/{code}/close", json={"note": "已全部召回"}, headers=headers)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert_error(client.post(f"{API}/recalls/{code}/close", json={"note": "again"}, headers=headers), 409)
    read = client.get(f"{API}/recalls/{code}", headers=headers).get_json()
    assert read["notices"][0]["note"] == "已通知" and read["closing_note"] == "已全部召回"
    assert_error(client.get(f"{API}/recalls/RC1999-0001", headers=headers), 404)


def test_csv_report_parses_and_has_every_lot(client, world):
    code = open_one(client, world)["code"]
    shop_code = world["parties"]["shop"].code
    noticed = client.post(f"{API}/recalls/{code}/notices", headers=world["headers"],
                          json={"party": shop_code, "channel": "phone", "sent_at": "2026-07-20T10:00:00+08:00"})
    assert noticed.status_code == 201, noticed.get_json()
    response = client.get(f"{API}/recalls/{code}/report.csv", headers=world["headers"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert f"recall-{code}.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {row["批次 Lot"] for row in rows} == {"F1", "M", "S1", "S2", "P1", "P2", "P3"}
    shop = [row for row in rows if row["持有方代码 Holder code"] == world["parties"]["shop"].code]
    assert [(row["批次 Lot"], row["持有方库存 Holder on hand"]) for row in shop] == [("P1", "12")]
    assert [row["通知 Notices sent"] for row in shop] == ["2026-07-20T10:00+08:00 phone"]
    recall = client.get(f"{API}/recalls/{code}", headers=world["headers"]).get_json()
    assert {row["原因 Reason"] for row in rows} == {recall["reason"]}
    assert {row["召回编号 Recall"] for row in rows} == {code}
    assert rows[0]["关系 Relation"] == "root" and rows[0]["生产者 Producer"] == world["parties"]["farm1"].name


def test_public_page_of_a_downstream_pack_shows_the_banner(client, world):
    pack = Batch.get(Batch.lot_code == "P3")
    before = client.get(f"/t/{pack.public_token}", headers=EN).get_data(as_text=True)
    assert "has been recalled" not in before
    open_one(client, world)
    page = client.get(f"/t/{pack.public_token}", headers=EN).get_data(as_text=True)
    assert "This batch has been recalled. Do not eat it; return it to the shop." in page


def test_digital_link_recall_status_answers_true(client, world):
    url = f"/01/{GTIN14}/10/P2?linkType=gs1:recallStatus"
    assert client.get(url, base_url="https://trace.example.cn", follow_redirects=True).get_json()["recalled"] is False
    open_one(client, world)
    status = client.get(url, base_url="https://trace.example.cn", follow_redirects=True).get_json()
    assert status["recalled"] is True and status["batch_recalled"] is True
    # The other farm's lot that went into the merge is not recalled, but a pack made from it is.
    assert client.get(f"/01/{GTIN14}/10/F2X?linkType=gs1:recallStatus",
                      base_url="https://trace.example.cn", follow_redirects=True).get_json()["recalled"] is False


def test_mock_recall_answers_the_report_and_writes_nothing(client, world):
    before = table_counts()
    response = client.post(f"{API}/recalls/mock", json={"lot": "P1", "level": 2}, headers=world["headers"])
    assert response.status_code == 200
    body = response.get_json()
    assert table_counts() == before
    assert Batch.get(Batch.lot_code == "P1").status == "active"
    assert {lot["lot"] for lot in body["lots"]} == {"P1", "S1", "M", "F1", "F2"}
    assert body["milliseconds"] > 0 and body["start_by"] and body["level"] == 2
    balance = {row["lot"]: row for row in body["balance"]}
    assert set(balance) == {"P1", "S1"}  # P1 has nothing downstream; S1 is one step back
    assert balance["P1"]["produced"] == "20" and balance["P1"]["on_hand"] == "20" and balance["P1"]["balanced"]
    with unchanged():
        assert_error(client.post(f"{API}/recalls/mock", json={"lot": "NOPE"}, headers=world["headers"]), 422, "lot")
