"""EPCIS 2.0 query interface: events by each standard parameter, paged, scoped to the caller, valid documents."""

from __future__ import annotations

import datetime
import json
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator
from playhouse.test_utils import count_queries

from supply.clock import LOCAL_TZ
from supply.i18n import LANG_COOKIE
from supply.models import Event
from supply.models import EventBatch
from supply.models import User
from supply.services.interchange.query.params import gtin14
from tests.builders import SHARED
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.exports import build_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_user

API = "/api/v1/epcis"
BASE = "https://trace.example.cn"
SCHEMA_PATH = SHARED / "epcis" / "EPCIS-JSON-Schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    """The official EPCIS 2.0 JSON Schema from ../shared (a missing file fails the tests)."""
    return Draft7Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@pytest.fixture()
def chain(app) -> dict:
    """The export tests' season: a cooperative's broccoli shipped to an operator, a herder's yak cut up there."""
    return build_chain()


def query(client, user: User, validator: Draft7Validator | None = None, **params):
    """GET /epcis/events as the user; return the response and the listed events (checked against the schema)."""
    response = client.get(f"{API}/events", query_string=params, headers=auth_header(user))
    assert response.status_code == 200, response.get_data(as_text=True)
    document = response.get_json()
    if validator is not None:
        assert list(validator.iter_errors(document)) == []
    assert document["type"] == "EPCISQueryDocument"
    return response, document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def event_ids(events: list[dict]) -> set[str]:
    """Return the eventIDs listed (an error declaration lists the declared event's id)."""
    return {event["eventID"] for event in events}


def stored_ids(party_id: int, *conditions) -> set[str]:
    """Return the eventIDs of a party's stored events (declarations as the id of the event they declare)."""
    rows = Event.select().where(Event.party == party_id, *conditions)
    return {row.declares.event_id if row.declares_id else row.event_id for row in rows}


def lot_events(batch, roles=("object",)) -> set[str]:
    """Return the eventIDs of the events touching a lot in the roles."""
    lines = EventBatch.select(EventBatch.event).where(EventBatch.batch == batch.id, EventBatch.role.in_(roles))
    rows = Event.select().where(Event.id.in_(lines) | Event.declares.in_(lines))
    return {row.declares.event_id if row.declares_id else row.event_id for row in rows}


def digital_link(batch) -> str:
    """Return a lot's GS1 Digital Link URI."""
    return f"https://id.gs1.org/01/{batch.product.gtin.zfill(14)}/10/{batch.lot_code}"


def test_an_operator_reads_all_and_only_its_own_partys_events_as_a_valid_query_document(client, chain, validator):
    operator = chain["operator"]
    _, events = query(client, operator, validator)
    assert event_ids(events) == stored_ids(operator.party_id)
    assert len(event_ids(events)) == 6
    producer_only = stored_ids(chain["producer"].party_id)
    assert not event_ids(events) & producer_only


def test_another_partys_event_is_not_found_by_its_id_nor_by_any_query(client, chain):
    shipping = Event.get(Event.party == chain["producer"].party_id, Event.biz_step == "shipping")
    response = client.get(f"{API}/events/{shipping.event_id}", headers=auth_header(chain["operator"]))
    assert_error(response, 404)
    _, events = query(client, chain["operator"], EQ_eventID=shipping.event_id)
    assert events == []
    mine = client.get(f"{API}/events/{shipping.event_id}", headers=auth_header(chain["producer"]))
    assert mine.status_code == 200
    listed = mine.get_json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [(e["eventID"], e["bizStep"]) for e in listed] == [(shipping.event_id, "shipping")]


def test_an_inspector_reads_every_partys_events(client, chain):
    inspector = make_user(role="inspector", party=None)
    _, events = query(client, inspector, EQ_bizStep="shipping")
    shipped = stored_ids(chain["producer"].party_id, Event.biz_step == "shipping") | stored_ids(
        chain["herder"].party_id, Event.biz_step == "shipping")
    assert event_ids(events) >= shipped and len(shipped) == 2


def test_event_type_selects_transformations(client, chain, validator):
    _, events = query(client, chain["operator"], validator, eventType="TransformationEvent")
    assert {e["type"] for e in events} == {"TransformationEvent"}
    assert event_ids(events) == stored_ids(chain["operator"].party_id, Event.event_type == "TransformationEvent")
    assert len(events) == 2


@pytest.mark.parametrize("step", ["receiving", "https://ref.gs1.org/cbv/BizStep-receiving",
                                  "urn:epcglobal:cbv:bizstep:receiving"])
def test_biz_step_by_short_name_or_uri(client, chain, step):
    _, events = query(client, chain["operator"], EQ_bizStep=step)
    assert {e["bizStep"] for e in events} == {"receiving"}
    assert event_ids(events) == stored_ids(chain["operator"].party_id, Event.biz_step == "receiving")
    assert len(events) == 2


def test_several_values_of_one_parameter_match_any_of_them(client, chain):
    _, piped = query(client, chain["operator"], EQ_bizStep="receiving|storing")
    response = client.get(f"{API}/events?EQ_bizStep=receiving&EQ_bizStep=storing",
                          headers=auth_header(chain["operator"]))
    repeated = response.get_json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert event_ids(piped) == event_ids(repeated) == stored_ids(
        chain["operator"].party_id, Event.biz_step.in_(("receiving", "storing")))
    assert {e["bizStep"] for e in piped} == {"receiving", "storing"}


def test_disposition(client, chain):
    _, events = query(client, chain["producer"], EQ_disposition="https://ref.gs1.org/cbv/Disp-in_transit")
    assert [e["disposition"] for e in events] == ["in_transit"]
    assert event_ids(events) == stored_ids(chain["producer"].party_id, Event.disposition == "in_transit")


def test_biz_location(client, chain, validator):
    cold_store = f"{BASE}/site/{chain['cold_store'].code}"
    _, events = query(client, chain["operator"], validator, EQ_bizLocation=cold_store)
    assert {e["bizLocation"]["id"] for e in events} == {cold_store}
    assert event_ids(events) == stored_ids(chain["operator"].party_id, Event.site == chain["cold_store"].id)
    _, none = query(client, chain["operator"], EQ_bizLocation=f"{BASE}/site/NO-SUCH-SITE")
    assert none == []


def test_event_time_bounds(client, chain):
    now = datetime.datetime.now(LOCAL_TZ)
    bound = (now - datetime.timedelta(hours=3, minutes=30)).isoformat()
    _, before = query(client, chain["operator"], LT_eventTime=bound)
    _, after = query(client, chain["operator"], GE_eventTime=bound)
    assert before and after
    assert all(datetime.datetime.fromisoformat(e["eventTime"]) < datetime.datetime.fromisoformat(bound)
               for e in before)
    assert all(datetime.datetime.fromisoformat(e["eventTime"]) >= datetime.datetime.fromisoformat(bound)
               for e in after)
    assert event_ids(before) | event_ids(after) == stored_ids(chain["operator"].party_id)
    utc = (now - datetime.timedelta(hours=3, minutes=30)).astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    _, same = query(client, chain["operator"], LT_eventTime=utc)
    assert event_ids(same) == event_ids(before)


def test_match_epc_by_digital_link_lgtin_and_product_pattern(client, chain, validator):
    merged = chain["merged"]
    operator = chain["operator"]
    _, by_link = query(client, operator, validator, MATCH_epc=digital_link(merged))
    assert event_ids(by_link) == lot_events(merged) & stored_ids(operator.party_id)
    assert {q["epcClass"] for e in by_link for q in e["quantityList"]} == {digital_link(merged)}
    gtin = merged.product.gtin.zfill(14)
    prefix, item = gtin[1:8], gtin[0] + gtin[8:13]
    assert gtin14(prefix, item) == gtin
    _, by_lgtin = query(client, operator, MATCH_epcClass=f"urn:epc:class:lgtin:{prefix}.{item}.{merged.lot_code}")
    assert event_ids(by_lgtin) == event_ids(by_link)
    _, by_product = query(client, chain["producer"], MATCH_epcClass=f"urn:epc:idpat:sgtin:{prefix}.{item}.*")
    broccoli = lot_events(chain["first"]) | lot_events(chain["second"]) | lot_events(merged)
    assert event_ids(by_product) == broccoli & stored_ids(chain["producer"].party_id)
    assert len(event_ids(by_product)) == 3


def test_match_any_epc_adds_a_transformations_inputs_and_outputs(client, chain, validator):
    merged = chain["merged"]
    producer = chain["producer"]
    _, objects = query(client, producer, MATCH_epc=digital_link(merged))
    _, any_role = query(client, producer, validator, MATCH_anyEPC=digital_link(merged))
    assert [e["bizStep"] for e in objects] == ["shipping"]
    merge = lot_events(merged, ("output",))
    assert event_ids(any_role) == event_ids(objects) | merge and len(merge) == 1
    yak = chain["yak"]
    _, by_our_uri = query(client, chain["operator"], MATCH_anyEPC=f"{BASE}/lot/{yak.lot_code}")
    assert event_ids(by_our_uri) == lot_events(yak, ("object", "input")) & stored_ids(chain["operator"].party_id)
    assert {e["type"] for e in by_our_uri} == {"ObjectEvent", "TransformationEvent"}


def test_event_id(client, chain):
    storing = Event.select().where(Event.party == chain["operator"].party_id, Event.biz_step == "storing",
                                   Event.declares.is_null()).order_by(Event.id)
    wanted = [row.event_id for row in storing]
    _, events = query(client, chain["operator"], EQ_eventID="|".join(wanted))
    assert event_ids(events) == set(wanted)


def test_pages_follow_the_next_link_without_repeats_or_gaps(client, chain):
    operator = chain["operator"]
    _, everything = query(client, operator)
    response, page = query(client, operator, perPage="2")
    pages, seen = 1, [e["eventID"] for e in page]
    while "Link" in response.headers:
        link = response.headers["Link"]
        assert link.endswith('>; rel="next"')
        url = urlsplit(link[1:link.index(">")])
        params = {name: values[0] for name, values in parse_qs(url.query).items()}
        assert params["perPage"] == "2"
        response, page = query(client, operator, **params)
        assert len(page) <= 2
        seen += [e["eventID"] for e in page]
        pages += 1
    assert pages == 4  # 7 stored events (one an error declaration) by 2
    assert seen == [e["eventID"] for e in everything]


def test_a_page_token_of_another_query_is_refused(client, chain):
    response, _ = query(client, chain["operator"], perPage="1")
    token = parse_qs(urlsplit(response.headers["Link"][1:-len('>; rel="next"')]).query)["nextPageToken"][0]
    other = client.get(f"{API}/events", query_string={"perPage": "1", "nextPageToken": token,
                                                      "EQ_bizStep": "storing"},
                       headers=auth_header(chain["operator"]))
    body = assert_error(other, 400, "nextPageToken")
    assert body["type"] == "epcisException:QueryParameterException"


@pytest.mark.parametrize(("params", "field"), [
    ({"EQ_colour": "red"}, "EQ_colour"),
    ({"eventType": "PartyEvent"}, "eventType"),
    ({"eventType": ""}, "eventType"),
    ({"GE_eventTime": "yesterday"}, "GE_eventTime"),
    ({"GE_eventTime": "2026-05-01T08:00:00"}, "GE_eventTime"),
    ({"LT_eventTime": "2026-05-01T08:00:00Z|2026-05-02T08:00:00Z"}, "LT_eventTime"),
    ({"EQ_bizStep": "|"}, "EQ_bizStep"),
    ({"MATCH_epc": "YAK-2026-001"}, "MATCH_epc"),
    ({"MATCH_anyEPC": "not a uri"}, "MATCH_anyEPC"),
    ({"MATCH_epcClass": "lgtin:1.2.3"}, "MATCH_epcClass"),
    ({"EQ_eventID": "x" * 2001}, "EQ_eventID"),
    ({"perPage": "0"}, "perPage"),
    ({"perPage": "1001"}, "perPage"),
    ({"perPage": "ten"}, "perPage"),
    ({"nextPageToken": "not-a-token"}, "nextPageToken"),
    ({"nextPageToken": "eyJhZnRlciI6ICJ4IiwgInEiOiAiIn0"}, "nextPageToken"),
])
def test_a_bad_parameter_is_a_400_naming_it(client, chain, params, field):
    headers = auth_header(chain["operator"])
    with unchanged():
        response = client.get(f"{API}/events", query_string=params, headers=headers)
    body = assert_error(response, 400, field)
    assert body["type"] == "epcisException:QueryParameterException"
    assert body["title"] == "QueryParameterException"


def test_unknown_names_match_nothing_rather_than_fail(client, chain):
    for params in ({"EQ_bizStep": "https://example.com/steps/dancing"}, {"MATCH_epc": "urn:epc:id:sgtin:1.2.3"},
                   {"MATCH_epc": "https://id.gs1.org/01/09999999999999/10/NOPE"}):
        _, events = query(client, chain["operator"], **params)
        assert events == [], params


def test_the_query_interface_needs_a_token(client, chain):
    assert_error(client.get(f"{API}/events"), 401)


def test_a_bad_parameter_is_explained_in_the_callers_language(client, chain):
    headers = auth_header(chain["operator"])
    client.set_cookie(LANG_COOKIE, "zh_Hans")
    response = client.get(f"{API}/events", query_string={"perPage": "0"}, headers=headers)
    assert assert_error(response, 400, "perPage")["errors"]["perPage"] == ["请给出 1 到 1000 之间的整数。"]


def test_a_page_is_read_in_a_fixed_number_of_queries(client, chain):
    operator = chain["operator"]
    headers = auth_header(operator)
    with count_queries() as few:
        assert client.get(f"{API}/events", query_string={"perPage": "2"}, headers=headers).status_code == 200
    with count_queries() as many:
        assert client.get(f"{API}/events", query_string={"perPage": "1000"}, headers=headers).status_code == 200
    assert many.count == few.count
