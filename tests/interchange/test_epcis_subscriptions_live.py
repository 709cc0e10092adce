"""A subscriber receives a matching new event as a signed webhook within seconds of its recording, sent in the
background (the queue's worker on PostgreSQL; `deliver-webhooks --watch` on the embedded SQLite default), never by
the request that wrote it; a receiver that answers 500 first gets the delivery again, and the log shows both tries."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from jsonschema import Draft7Validator

from supply.db import db
from tests.builders import SHARED
from tests.builders.custody import register
from tests.builders.exports import make_gtin
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.live import bound_to
from tests.builders.live import live_app
from tests.builders.live import scratch_database_url
from tests.builders.webhooks import receiving
from tests.builders.webhooks import start_delivery_process
from tests.builders.worker import stop_worker

API = "/api/v1/epcis"
WARM_UP_SECONDS = 120  # the background process starting (imports, the first round)
WITHIN_SECONDS = 5


@pytest.fixture()
def committed(monkeypatch):
    """A migrated scratch database with two producers committed in it, and an app over it; retries after 1 s."""
    monkeypatch.setenv("SUPPLY_WEBHOOK_RETRY_SECONDS", "1,1")
    with scratch_database_url("subscriptions") as url, bound_to(url):
        with db.connection_context():
            producer, stranger = make_user(), make_user()
            world = {"producer": producer, "site": make_site(party=producer.party),
                     "product": make_product(gtin=make_gtin()), "stranger": stranger,
                     "stranger_site": make_site(party=stranger.party), "headers": auth_header(producer)}
        yield url, live_app(url, TESTING=True), world


def _register(world: dict, who: str = "producer") -> str:
    """Register a lot (a commissioning event), committed; return its eventID."""
    with db.connection_context():
        site = world["site"] if who == "producer" else world["stranger_site"]
        lot = register(world[who], site, world["product"], "100")
        return lot.event_lines.get().event.event_id


def _posts_with(receiver, event_id: str) -> list:
    with receiver.lock:
        return [got for got in receiver.received if event_id.encode() in got.body]


def _wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    return None


def test_a_subscriber_gets_a_signed_webhook_within_seconds_and_a_retry_after_a_500(committed):
    url, app, world = committed
    client = app.test_client()
    schema = Draft7Validator(json.loads((SHARED / "epcis" / "EPCIS-JSON-Schema.json").read_text(encoding="utf-8")))
    with receiving() as receiver:
        assert client.post(f"{API}/queries", json={"name": "new-lots", "query": {"EQ_bizStep": "commissioning"}},
                           headers=world["headers"]).status_code == 201
        made = client.post(f"{API}/queries/new-lots/subscriptions", json={"dest": receiver.url},
                           headers=world["headers"]).get_json()
        process = start_delivery_process(url)
        try:
            warm_up = _register(world)
            assert _wait_for(lambda: _posts_with(receiver, warm_up), WARM_UP_SECONDS), "no delivery at all"

            receiver.statuses.append(500)
            not_ours = _register(world, "stranger")
            event_id = _register(world)
            recorded = time.monotonic()
            first = _wait_for(lambda: _posts_with(receiver, event_id), WITHIN_SECONDS)
            assert first, f"no webhook within {WITHIN_SECONDS} s of the event"
            both = _wait_for(lambda: len(found := _posts_with(receiver, event_id)) >= 2 and found, 30)
            assert time.monotonic() - recorded < 30
            # The sender records the answer just after the receiver gave it.
            log_url = f"{API}/queries/new-lots/subscriptions/{made['subscriptionID']}/deliveries"

            def settled() -> list[dict] | None:
                found = client.get(log_url, headers=world["headers"]).get_json()["deliveries"]
                return None if any(d["status"] == "pending" for d in found) else found

            deliveries = _wait_for(settled, 30)
        finally:
            log = stop_worker(process)
    assert both, log
    assert [got.status for got in both] == [500, 200]
    assert both[0].body == both[1].body
    assert _posts_with(receiver, not_ours) == []
    for got in receiver.received:
        assert got.headers["GS1-Signature"] == hmac.new(made["secret"].encode(), got.body,
                                                        hashlib.sha256).hexdigest()
        document = json.loads(got.body)
        assert list(schema.iter_errors(document)) == []
        results = document["epcisBody"]["queryResults"]
        assert (results["queryName"], results["subscriptionID"]) == ("new-lots", made["subscriptionID"])
    listed = json.loads(both[0].body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [(e["eventID"], e["bizStep"]) for e in listed] == [(event_id, "commissioning")]

    assert [(d["status"], [a["status"] for a in d["attemptsLog"]]) for d in deliveries] == [
        ("delivered", [500, 200]), ("delivered", [200])]
    assert deliveries[0]["attemptsLog"][0]["error"] == "HTTP 500"
