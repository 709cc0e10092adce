"""A subscription round enqueues each subscription's new matching events once, only what its subscriber may read,
and never past an event id that a transaction still open may yet commit."""

from __future__ import annotations

import datetime
import json

import pytest

from supply.models import EpcisSubscription
from supply.models import Event
from supply.models import User
from supply.models import WebhookDelivery
from supply.services.interchange.query import subscriptions
from supply.services.interchange.query.subscriptions import horizon_of
from tests.builders.custody import register
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

API = "/api/v1/epcis"
BASE = "https://trace.example.cn"


@pytest.fixture()
def world(app, client, monkeypatch) -> dict:
    """A producer subscribed to its new lots (commissioning events), and a stranger of another party.

    Ids that earlier tests' rolled-back inserts took are missing for good (PostgreSQL's sequence moves on): the
    rounds here read past missing ids at once; test_the_horizon_stops_before_a_missing_id_until_it_is_old checks
    the wait.
    """
    monkeypatch.setattr(subscriptions, "GAP_GRACE", datetime.timedelta(0))
    producer, stranger = make_user(), make_user()
    headers = auth_header(producer)
    client.post(f"{API}/queries", json={"name": "new-lots", "query": {"EQ_bizStep": "commissioning"}},
                headers=headers)
    made = client.post(f"{API}/queries/new-lots/subscriptions", json={"dest": "https://partner.example.hk/in"},
                       headers=headers).get_json()
    return {"producer": producer, "stranger": stranger, "site": make_site(party=producer.party),
            "stranger_site": make_site(party=stranger.party), "product": make_product(), "made": made}


def _event_ids(delivery: WebhookDelivery) -> list[str]:
    body = json.loads(delivery.body)
    return [e["eventID"] for e in body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]


def test_new_matching_events_are_enqueued_once_and_only_the_subscribers_own(world):
    mine = register(world["producer"], world["site"], world["product"], "10")
    register(world["stranger"], world["stranger_site"], world["product"], "10")
    assert subscriptions.find_new_events(BASE) == 1
    [delivery] = WebhookDelivery.select()
    assert _event_ids(delivery) == [mine.event_lines.get().event.event_id]
    assert json.loads(delivery.body)["epcisBody"]["queryResults"]["subscriptionID"] == world["made"]["subscriptionID"]
    assert subscriptions.find_new_events(BASE) == 0
    assert WebhookDelivery.select().count() == 1
    newest = Event.select().order_by(Event.id.desc()).get()
    assert EpcisSubscription.get().last_event_id == newest.id  # past the stranger's event too


def test_a_deactivated_subscriber_gets_nothing(world):
    User.update(active=False).where(User.id == world["producer"].id).execute()
    register(world["producer"], world["site"], world["product"], "10")
    assert subscriptions.find_new_events(BASE) == 0
    assert WebhookDelivery.select().count() == 0


def test_an_ended_subscription_gets_nothing(world, client):
    location = f"{API}/queries/new-lots/subscriptions/{world['made']['subscriptionID']}"
    assert client.delete(location, headers=auth_header(world["producer"])).status_code == 204
    register(world["producer"], world["site"], world["product"], "10")
    assert subscriptions.find_new_events(BASE) == 0


def test_the_horizon_stops_before_a_missing_id_until_it_is_old():
    now = datetime.datetime(2026, 5, 1, 8, 0, 0)
    cutoff = now - subscriptions.GAP_GRACE
    fresh, old = now, cutoff - datetime.timedelta(seconds=1)
    assert horizon_of([(11, fresh), (12, fresh)], 10, cutoff) == 12
    # 13 not visible yet: its transaction may still commit, so 14 waits.
    assert horizon_of([(11, fresh), (12, fresh), (14, fresh)], 10, cutoff) == 12
    # a gap followed by an event recorded long ago is a rolled-back insert: read past it.
    assert horizon_of([(11, old), (12, old), (14, old), (15, fresh)], 10, cutoff) == 15
    assert horizon_of([], 10, cutoff) == 10


def test_events_are_read_with_the_subscribers_permissions_not_the_query_authors(world, client):
    colleague = make_user(party=world["producer"].party)
    made = client.post(f"{API}/queries/new-lots/subscriptions", json={"dest": "https://colleague.example.hk/in"},
                       headers=auth_header(colleague)).get_json()
    User.update(active=False).where(User.id == world["producer"].id).execute()
    lot = register(colleague, world["site"], world["product"], "10")
    assert subscriptions.find_new_events(BASE) == 1
    [delivery] = WebhookDelivery.select()
    assert json.loads(delivery.body)["epcisBody"]["queryResults"]["subscriptionID"] == made["subscriptionID"]
    assert _event_ids(delivery) == [lot.event_lines.get().event.event_id]
