"""Notifications: who is told what after a shipment, a hold, a recall, a review decision and as reminders; the inbox
in each language; mail into the development folder and signed webhooks to a local receiver, retried and logged."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from email import message_from_bytes
from email import policy

import pytest

from supply.models import Notification
from supply.models import Recall
from supply.models import WebhookDelivery
from supply.services.notifications import delivery
from supply.services.notifications import triggers
from supply.services.webhooks.delivery import send_due
from supply.services.webhooks.settings import WebhookSettings
from tests.builders.api import API
from tests.builders.factories import auth_header
from tests.builders.factories import make_user
from tests.builders.pages import log_in
from tests.builders.recalls import merge_world
from tests.builders.webhooks import receiving

world = pytest.fixture(name="world")(lambda app: merge_world())


def _kinds(user) -> list[str]:
    return [n.kind for n in Notification.select().where(Notification.user == user.id).order_by(Notification.id)]


def test_a_shipment_tells_the_receiving_party_not_the_sender(world):
    # merge_world shipped F1 and F2 to the cooperative and P1 to the shop.
    assert _kinds(world["coop"]) == ["shipment_waiting", "shipment_waiting"]
    assert _kinds(world["shop"]) == ["shipment_waiting"]
    assert _kinds(world["farm1"]) == []


def test_a_recall_tells_every_party_that_holds_or_held_an_affected_lot(client, world):
    response = client.post(f"{API}/recalls", json={"lot": "F1", "level": 1, "reason": "农残快检不合格"},
                           headers=auth_header(world["inspector"]))
    assert response.status_code == 201
    recall = Recall.get(Recall.code == response.json["code"])
    for name in ("farm1", "coop", "shop"):  # made F1; held F1, M, S1, P1; holds 12 cartons of P1
        told = Notification.get(Notification.user == world[name].id, Notification.kind == "lot_recalled")
        assert told.params["lot"] == "F1" and told.params["reason"] == "农残快检不合格"
        assert told.params["deadline"] == recall.finish_by.replace(tzinfo=datetime.UTC).astimezone(
            datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    assert "lot_recalled" not in _kinds(world["farm2"])  # F2 is not recalled: F1's recall reaches down, not across


def test_a_refused_write_tells_nobody(client, world):
    before = Notification.select().count()
    refused = client.post(f"{API}/shipments", headers=auth_header(world["shop"]), json={
        "from_site": world["store"].code, "to_party": world["parties"]["coop"].code,
        "lines": [{"lot": "P1", "quantity": "999"}]})
    assert refused.status_code == 409  # more than on hand
    assert Notification.select().count() == before


def test_a_hold_tells_the_parties_that_hold_or_held_the_lot(client, world):
    held = client.post(f"{API}/holds", headers=auth_header(world["inspector"]),
                       json={"lot": "P1", "reason": "标签不清"})
    assert held.status_code == 201, held.json
    assert "lot_held" in _kinds(world["shop"]) and "lot_held" in _kinds(world["coop"])
    assert "lot_held" not in _kinds(world["farm2"])


@pytest.mark.parametrize(("lang", "heading", "text"), [
    ("zh_Hans", "有发运等待您收货", "等待您收货"),
    ("zh_Hant", "有發運等待您收貨", "等待您收貨"),
    ("en", "Shipment awaiting your receipt", "awaits your receipt"),
])
def test_the_inbox_speaks_the_readers_language_and_counts_the_unread(client, world, lang, heading, text):
    log_in(client, world["shop"], lang=lang)
    page = client.get("/batches/").text
    assert '<span class="count">1</span>' in page
    inbox = client.get("/notifications").text
    assert f"<strong>{heading}</strong>" in inbox and text in inbox
    assert client.post("/notifications").status_code == 302
    assert '<span class="count">' not in client.get("/batches/").text


def test_the_api_lists_and_marks_read(client, world):
    headers = {**auth_header(world["coop"]), "Accept-Language": "en"}
    listed = client.get(f"{API}/notifications", headers=headers).json
    assert listed["unread"] == 2 and listed["total"] == 2
    first = listed["items"][0]
    assert first["kind"] == "shipment_waiting" and "awaits your receipt" in first["message"]
    marked = client.post(f"{API}/notifications/read", headers=headers, json={"ids": [first["id"]]}).json
    assert marked == {"marked": 1, "unread": 1}


def test_mail_and_a_signed_webhook_go_out_and_a_failed_one_is_retried(client, app, world, tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    settings = WebhookSettings(allow_private=True, timeout=5, retry_seconds=(0, 0))
    with receiving(statuses=[500]) as receiver:
        saved = client.put(f"{API}/notifications/settings", headers=auth_header(world["shop"]),
                           json={"webhook_url": receiver.url}).json
        secret = saved["webhook_secret"]
        client.post(f"{API}/recalls", json={"lot": "F1", "level": 1, "reason": "农残快检不合格"},
                    headers=auth_header(world["inspector"]))
        told = Notification.get(Notification.user == world["shop"].id, Notification.kind == "lot_recalled")
        assert told.mail_state == "pending" and told.webhook.attempts == 0  # nothing sent by the request
        with app.test_request_context():
            delivery.deliver_due()
        assert Notification.get_by_id(told.id).mail_state == "sent"
        mails = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in (tmp_path / "mail").iterdir()]
        recall_mail = next(m for m in mails if m["To"] == world["shop"].email and "召回" in m["Subject"])
        assert "F1" in recall_mail.get_content() and "recalled" in recall_mail.get_content()
        send_due(settings)
        first = WebhookDelivery.get_by_id(told.webhook_id)
        assert (first.status, first.attempts, first.attempts_log[0]["status"]) == ("pending", 1, 500)
        send_due(settings)
        assert WebhookDelivery.get_by_id(told.webhook_id).status == "delivered"
        last = receiver.received[-1]
        assert last.headers["GS1-Signature"] == hmac.new(secret.encode(), last.body, hashlib.sha256).hexdigest()
        body = json.loads(last.body)
        assert body["kind"] == "lot_recalled" and body["params"]["lot"] == "F1" and body["id"] == told.id


def test_a_user_may_turn_mail_off_and_a_bad_webhook_address_is_refused(client, app, world):
    headers = auth_header(world["coop"])
    off = client.put(f"{API}/notifications/settings", headers=headers,
                     json={"kinds": {"lot_held": {"mail": False, "webhook": True}}})
    assert off.json["kinds"]["lot_held"] == {"mail": False, "webhook": True}
    client.post(f"{API}/holds", headers=auth_header(world["inspector"]), json={"lot": "M", "reason": "复检"})
    held = Notification.get(Notification.user == world["coop"].id, Notification.kind == "lot_held")
    assert held.mail_state == "off" and held.webhook is None  # no webhook address
    bad = client.put(f"{API}/notifications/settings", headers=headers, json={"webhook_url": "ftp://erp.example.cn/"})
    assert bad.status_code == 422 and "webhook_url" in bad.json["errors"]
    app.config["WEBHOOK_SETTINGS"] = WebhookSettings(allow_private=False)
    private = client.put(f"{API}/notifications/settings", headers=headers, json={"webhook_url": "http://127.0.0.1:9/"})
    assert private.status_code == 422 and "webhook_url" in private.json["errors"]


def test_an_inspector_is_reminded_once_of_a_recall_deadline_within_24_hours(client, world):
    opened = client.post(f"{API}/recalls", json={"lot": "F1", "level": 1, "reason": "农残快检不合格"},
                         headers=auth_header(world["inspector"])).json
    recall = Recall.get(Recall.code == opened["code"])
    assert triggers.remind(now=recall.finish_by - datetime.timedelta(hours=30)) == 0
    due = recall.finish_by - datetime.timedelta(hours=10)
    assert triggers.remind(now=due) >= 1
    assert triggers.remind(now=due) == 0
    assert _kinds(world["inspector"]).count("recall_deadline") == 1
    other = make_user(role="inspector")
    assert triggers.remind(now=due) == 1 and _kinds(other) == ["recall_deadline"]
