"""Named EPCIS queries and their subscriptions through the API: saved per party, run by name, bad input refused."""

from __future__ import annotations

import pytest

from supply.models import EpcisQuery
from supply.models import EpcisSubscription
from supply.models import Event
from supply.models import WebhookEndpoint
from supply.services.webhooks.settings import WebhookSettings
from tests.builders.api import ODD_VALUES
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.exports import build_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_user

API = "/api/v1/epcis"


@pytest.fixture()
def chain(app) -> dict:
    """The export tests' season (see tests.builders.exports.build_chain)."""
    return build_chain()


def save(client, user, name: str = "receipts", query: dict | None = None):
    """POST a named query as the user."""
    return client.post(f"{API}/queries", json={"name": name, "query": query or {"EQ_bizStep": "receiving"}},
                       headers=auth_header(user))


def listed(response) -> list[dict]:
    """Return the events of an EPCISQueryDocument answer."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def test_a_saved_query_is_run_by_name_and_shared_by_the_party(client, chain):
    operator = chain["operator"]
    response = save(client, operator, query={"EQ_bizStep": ["receiving"], "eventType": "ObjectEvent"})
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"].endswith(f"{API}/queries/receipts")
    assert response.get_json()["query"] == {"EQ_bizStep": ["receiving"], "eventType": ["ObjectEvent"]}
    colleague = make_user(party=operator.party, role="operator")
    answer = client.get(f"{API}/queries/receipts/events", headers=auth_header(colleague))
    events = listed(answer)
    assert answer.get_json()["epcisBody"]["queryResults"]["queryName"] == "receipts"
    assert {e["bizStep"] for e in events} == {"receiving"} and len(events) == 2
    names = [q["name"] for q in client.get(f"{API}/queries", headers=auth_header(colleague)).get_json()["queries"]]
    assert names == ["receipts"]
    assert client.get(f"{API}/queries/receipts", headers=auth_header(colleague)).get_json()["name"] == "receipts"


def test_a_saved_query_is_paged_and_takes_no_other_parameter(client, chain):
    operator = chain["operator"]
    save(client, operator, "all", {"eventType": ["ObjectEvent", "TransformationEvent"]})
    first = client.get(f"{API}/queries/all/events", query_string={"perPage": "4"}, headers=auth_header(operator))
    assert len(listed(first)) == 4 and 'rel="next"' in first.headers["Link"]
    assert_error(client.get(f"{API}/queries/all/events", query_string={"EQ_bizStep": "storing"},
                            headers=auth_header(operator)), 400, "EQ_bizStep")


def test_another_partys_query_is_not_found(client, chain):
    save(client, chain["operator"])
    producer = auth_header(chain["producer"])
    assert_error(client.get(f"{API}/queries/receipts", headers=producer), 404)
    assert_error(client.get(f"{API}/queries/receipts/events", headers=producer), 404)
    assert_error(client.delete(f"{API}/queries/receipts", headers=producer), 404)
    assert client.get(f"{API}/queries", headers=producer).get_json()["queries"] == []
    # The producer may save a query of the same name: names are per party.
    assert save(client, chain["producer"]).status_code == 201


def test_a_name_taken_is_a_409_and_bad_input_writes_nothing(client, chain):
    operator = chain["operator"]
    save(client, operator)
    headers = auth_header(operator)
    with unchanged():
        assert_error(client.post(f"{API}/queries", json={"name": "receipts", "query": {}}, headers=headers),
                     409, "name")
        assert_error(client.post(f"{API}/queries", json={"name": "with space", "query": {}}, headers=headers),
                     422, "name")
        assert_error(client.post(f"{API}/queries", json={"name": "q"}, headers=headers), 422, "query")
        assert_error(client.post(f"{API}/queries", json={"name": "q", "query": {"EQ_colour": "red"}},
                                 headers=headers), 400, "EQ_colour")
        assert_error(client.post(f"{API}/queries", json={"name": "q", "query": {"perPage": "5"}},
                                 headers=headers), 400, "perPage")
        assert_error(client.post(f"{API}/queries", json={"name": "q", "query": {"EQ_bizStep": 5}},
                                 headers=headers), 400, "EQ_bizStep")


def test_deleting_a_query_ends_its_subscriptions(client, chain):
    operator = chain["operator"]
    save(client, operator)
    made = client.post(f"{API}/queries/receipts/subscriptions", json={"dest": "http://127.0.0.1:9/inbox"},
                       headers=auth_header(operator)).get_json()
    endpoint = WebhookEndpoint.get(WebhookEndpoint.url == "http://127.0.0.1:9/inbox")
    assert client.delete(f"{API}/queries/receipts", headers=auth_header(operator)).status_code == 204
    assert_error(client.get(f"{API}/queries/receipts", headers=auth_header(operator)), 404)
    assert_error(client.get(f"{API}/queries/receipts/subscriptions/{made['subscriptionID']}",
                            headers=auth_header(operator)), 404)
    assert WebhookEndpoint.get_by_id(endpoint.id).active is False
    assert not EpcisQuery.select().where(EpcisQuery.name == "receipts").exists()


def test_a_subscription_shows_its_secret_once(client, chain):
    operator = chain["operator"]
    save(client, operator)
    response = client.post(f"{API}/queries/receipts/subscriptions", json={"dest": "https://partner.example.hk/in"},
                           headers=auth_header(operator))
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert len(made["secret"]) == 64 and made["dest"] == "https://partner.example.hk/in"
    assert made["queryName"] == "receipts" and made["stream"] is True
    assert response.headers["Location"].endswith(f"/subscriptions/{made['subscriptionID']}")
    one = client.get(response.headers["Location"], headers=auth_header(operator)).get_json()
    every = client.get(f"{API}/queries/receipts/subscriptions", headers=auth_header(operator)).get_json()
    assert "secret" not in one and every["subscriptions"] == [one]
    log = client.get(f"{response.headers['Location']}/deliveries", headers=auth_header(operator)).get_json()
    assert log == {"deliveries": []}
    assert client.delete(response.headers["Location"], headers=auth_header(operator)).status_code == 204
    assert client.get(f"{API}/queries/receipts/subscriptions", headers=auth_header(operator)).get_json() == {
        "subscriptions": []}


@pytest.mark.parametrize("dest", ["ftp://partner.example.hk/in", "mailto:ops@partner.example.hk", "partner.example.hk",
                                  "https://user:pw@partner.example.hk/in", "http:///in", "https://" + "a" * 2000])
def test_a_subscription_to_a_url_that_is_not_http_is_a_422_naming_dest(client, chain, dest):
    operator = chain["operator"]
    save(client, operator)
    headers = auth_header(operator)
    with unchanged():
        response = client.post(f"{API}/queries/receipts/subscriptions", json={"dest": dest}, headers=headers)
    assert_error(response, 422, "dest")


@pytest.mark.parametrize("dest", ["http://127.0.0.1:8080/in", "http://localhost/in", "https://10.1.2.3/in",
                                  "http://192.168.0.7/in", "http://[::1]/in", "http://169.254.169.254/latest",
                                  "http://[::ffff:127.0.0.1]/in"])
def test_a_private_target_is_refused_where_the_deployment_forbids_them(app, client, chain, dest):
    operator = chain["operator"]
    save(client, operator)
    headers = auth_header(operator)
    app.config["WEBHOOK_SETTINGS"] = WebhookSettings(allow_private=False)
    with unchanged():
        response = client.post(f"{API}/queries/receipts/subscriptions", json={"dest": dest}, headers=headers)
    assert_error(response, 422, "dest", "private")
    app.config["WEBHOOK_SETTINGS"] = WebhookSettings(allow_private=True)
    assert client.post(f"{API}/queries/receipts/subscriptions", json={"dest": dest},
                       headers=headers).status_code == 201


def test_a_subscription_starts_after_the_newest_event(client, chain):
    operator = chain["operator"]
    save(client, operator)
    client.post(f"{API}/queries/receipts/subscriptions", json={"dest": "https://partner.example.hk/in"},
                headers=auth_header(operator))
    newest = Event.select().order_by(Event.id.desc()).get()
    assert EpcisSubscription.get().last_event_id == newest.id


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_values_anywhere_are_answered_never_a_500(client, chain, value):
    operator = chain["operator"]
    headers = auth_header(operator)
    save(client, operator)
    for body in ({"name": value, "query": {}}, {"name": "odd", "query": value},
                 {"name": "odd", "query": {"EQ_bizStep": value}}, {"name": "odd", "query": {"MATCH_epc": value}},
                 {"name": "odd", "query": {"GE_eventTime": value}}):
        response = client.post(f"{API}/queries", json=body, headers=headers)
        assert response.status_code < 500, (body, response.get_json())
        client.delete(f"{API}/queries/odd", headers=headers)
    for body in ({"dest": value}, {"dest": "https://partner.example.hk/in", "stream": value}):
        response = client.post(f"{API}/queries/receipts/subscriptions", json=body, headers=headers)
        assert response.status_code < 500, (body, response.get_json())
    if isinstance(value, str) and value != "\ud800":  # a URL cannot carry a lone surrogate
        for name in ("EQ_eventID", "MATCH_anyEPC", "GE_eventTime", "EQ_bizLocation", "nextPageToken", "perPage"):
            response = client.get(f"{API}/events", query_string={name: value}, headers=headers)
            assert response.status_code in (200, 400), (name, value, response.get_json())
        assert client.get(f"{API}/events/{value}", headers=headers).status_code < 500
        assert client.get(f"{API}/queries/{value}/events", headers=headers).status_code < 500
