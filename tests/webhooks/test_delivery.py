"""Webhook deliveries: signed with the endpoint's secret, retried on the schedule until 2xx, logged, never redirected,
never sent to a private address where the deployment forbids them."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import pytest

from supply.clock import utcnow
from supply.models import WebhookDelivery
from supply.services.webhooks import delivery
from supply.services.webhooks.settings import RETRY_SECONDS
from supply.services.webhooks.settings import WebhookSettings
from supply.services.webhooks.settings import from_environment
from tests.builders.factories import make_party
from tests.builders.webhooks import receiving

NOW_AND_AGAIN = WebhookSettings(allow_private=True, timeout=5, retry_seconds=(0, 0))


def _reload(item: WebhookDelivery) -> WebhookDelivery:
    return WebhookDelivery.get_by_id(item.id)


@pytest.fixture()
def party(app):
    """A party owning the endpoints."""
    return make_party()


def test_a_delivery_carries_the_hmac_of_its_raw_body_in_gs1_signature(party):
    with receiving() as receiver:
        endpoint = delivery.create_endpoint(party, receiver.url)
        body = json.dumps({"type": "EPCISQueryDocument", "note": "牦牛"}, ensure_ascii=False)
        item = delivery.enqueue(endpoint, body, "test")
        assert delivery.send_due(NOW_AND_AGAIN) == 1
    [got] = receiver.received
    assert got.body == body.encode()
    expected = hmac.new(endpoint.secret.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["GS1-Signature"] == expected
    assert got.headers["Content-Type"] == "application/json"
    done = _reload(item)
    assert (done.status, done.attempts, [a["status"] for a in done.attempts_log]) == ("delivered", 1, [200])
    assert delivery.send_due(NOW_AND_AGAIN) == 0


def test_a_failed_attempt_is_retried_on_the_schedule_and_logged(party):
    settings = WebhookSettings(allow_private=True, timeout=5, retry_seconds=(60, 60))
    with receiving([500, 503]) as receiver:
        item = delivery.enqueue(delivery.create_endpoint(party, receiver.url), "{}")
        delivery.send_due(settings)
        waiting = _reload(item)
        assert (waiting.status, waiting.attempts) == ("pending", 1)
        assert waiting.next_attempt_at >= utcnow() + datetime.timedelta(seconds=55)
        assert delivery.send_due(settings) == 0  # not due yet
        for _ in range(2):
            WebhookDelivery.update(next_attempt_at=utcnow()).where(WebhookDelivery.id == item.id).execute()
            delivery.send_due(settings)
    done = _reload(item)
    assert [r.status for r in receiver.received] == [500, 503, 200]
    assert done.status == "delivered"
    assert [(a["status"], a["error"]) for a in done.attempts_log] == [(500, "HTTP 500"), (503, "HTTP 503"), (200, "")]


def test_a_delivery_is_given_up_after_the_last_attempt(party):
    with receiving([500, 500, 500, 500]) as receiver:
        item = delivery.enqueue(delivery.create_endpoint(party, receiver.url), "{}")
        for _ in range(4):
            delivery.send_due(NOW_AND_AGAIN)
    failed = _reload(item)
    assert len(receiver.received) == 3 == NOW_AND_AGAIN.max_attempts
    assert (failed.status, failed.attempts, failed.finished_at is not None) == ("failed", 3, True)


def test_no_answer_is_a_failed_attempt_with_the_reason(party):
    with receiving() as receiver:
        url = receiver.url
    item = delivery.enqueue(delivery.create_endpoint(party, url), "{}")  # the receiver is gone: refused
    delivery.send_due(NOW_AND_AGAIN)
    attempt = _reload(item).attempts_log[0]
    assert attempt["status"] is None and "Connection" in attempt["error"]


def test_a_redirect_is_not_followed(party):
    with receiving() as elsewhere, receiving() as receiver:
        receiver.redirect_to = elsewhere.url
        item = delivery.enqueue(delivery.create_endpoint(party, receiver.url), "{}")
        delivery.send_due(NOW_AND_AGAIN)
    assert elsewhere.received == [] and len(receiver.received) == 1
    assert _reload(item).attempts_log[0]["status"] == 302


def test_a_private_target_is_not_called_where_forbidden_even_if_registered(party):
    with receiving() as receiver:
        item = delivery.enqueue(delivery.create_endpoint(party, receiver.url), "{}")
        delivery.send_due(WebhookSettings(allow_private=False, retry_seconds=(0,)))
    assert receiver.received == []
    assert "private" in _reload(item).attempts_log[0]["error"]


def test_an_inactive_endpoint_gets_nothing(party):
    with receiving() as receiver:
        endpoint = delivery.create_endpoint(party, receiver.url)
        delivery.enqueue(endpoint, "{}")
        delivery.deactivate(endpoint.id)
        assert delivery.send_due(NOW_AND_AGAIN) == 0
    assert receiver.received == []


def test_the_settings_come_from_the_environment():
    assert from_environment({}) == WebhookSettings(allow_private=True, retry_seconds=RETRY_SECONDS)
    forbidding = from_environment({"SUPPLY_WEBHOOKS_ALLOW_PRIVATE": "0", "SUPPLY_WEBHOOK_RETRY_SECONDS": "1,2.5",
                                   "SUPPLY_WEBHOOK_TIMEOUT_SECONDS": "3"})
    assert forbidding == WebhookSettings(allow_private=False, timeout=3.0, retry_seconds=(1.0, 2.5))
    assert from_environment({"SUPPLY_WEBHOOK_RETRY_SECONDS": "soon"}).retry_seconds == RETRY_SECONDS
