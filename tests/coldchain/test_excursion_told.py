"""A logger file with a 45-minute excursion, end to end: the excursion kept, a hold proposed, the sender, receiver
and inspector told (inbox, mail in the development folder, a signed webhook to a local receiver), and the public
page's note."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from email import message_from_bytes
from email import policy

from supply.models import Excursion
from supply.models import HoldProposal
from supply.models import Notification
from supply.services.notifications import delivery
from supply.services.webhooks.delivery import send_due
from supply.services.webhooks.settings import WebhookSettings
from tests.builders.api import API
from tests.builders.cold_chain import cold_chain_world
from tests.builders.cold_chain import logger_csv
from tests.builders.cold_chain import temperatures
from tests.builders.pages import log_in
from tests.builders.webhooks import receiving


def test_a_45_minute_excursion_is_kept_proposes_a_hold_tells_everyone_and_shows_on_the_scan_page(client, app,
                                                                                                  tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    world = cold_chain_world()
    with receiving() as receiver:
        hook = client.put(f"{API}/notifications/settings", headers=world.coop_h, json={"webhook_url": receiver.url})
        secret = hook.get_json()["webhook_secret"]
        log_in(client, world.operator, "zh_Hans")
        uploaded = client.post(f"/shipments/{world.shipment.code}/readings",
                               data={"file": (io.BytesIO(logger_csv(temperatures(45))), "RC5-0042.csv")},
                               content_type="multipart/form-data")
        assert uploaded.status_code in (200, 302)
        assert Excursion.select().count() == 1
        assert HoldProposal.get().batch_id == world.batch.id
        for user in (world.coop, world.operator, world.inspector):
            told = Notification.get(Notification.user == user.id, Notification.kind == "temperature_excursion")
            assert told.params["carrier"] == world.shipment.code
            assert (told.params["lowest"], told.params["highest"]) == ("6.5", "6.7")
            assert told.params["started"] == "2026-07-15 12:00" and told.params["ended"] == "2026-07-15 12:45"
        inbox = client.get("/notifications").get_data(as_text=True)
        assert "温度超限" in inbox and world.shipment.code in inbox and "6.5 至 6.7 °C" in inbox
        with app.test_request_context():
            delivery.deliver_due()
        send_due(WebhookSettings(allow_private=True, timeout=5))
        mails = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in (tmp_path / "mail").iterdir()]
        to = {m["To"] for m in mails if "温度超限" in m["Subject"]}
        assert {world.coop.email, world.operator.email, world.inspector.email} <= to
        last = receiver.received[-1]
        assert last.headers["GS1-Signature"] == hmac.new(secret.encode(), last.body, hashlib.sha256).hexdigest()
        sent = json.loads(last.body)
        assert sent["kind"] == "temperature_excursion" and sent["params"]["carrier"] == world.shipment.code
        client.delete_cookie("lang")
        page = client.get(f"/t/{world.batch.public_token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Temperature excursion: 6.5–6.7 °C for 45 minutes from 2026-07-15 12:00" in page
