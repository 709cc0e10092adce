"""Bad capture documents: refused at once (not JSON, too big) or a failed job naming each bad event; never written."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from supply.models import CaptureJob
from supply.services.inspection.holds import place_manual_hold
from tests.builders.api import assert_error
from tests.builders.api import table_counts
from tests.builders.capture import capture
from tests.builders.capture import capture_world
from tests.builders.capture import captured
from tests.builders.capture import commissioning
from tests.builders.capture import document
from tests.builders.capture import example
from tests.builders.capture import lot_uri
from tests.builders.capture import records_only
from tests.builders.capture import shipping
from tests.builders.factories import auth_header
from tests.builders.factories import make_user


@contextmanager
def nothing_written():
    """Assert that the block writes no record (a capture job row aside)."""
    before = records_only(table_counts())
    yield
    assert records_only(table_counts()) == before


def failed(client, headers, body) -> list[dict]:
    """Capture a document that must fail; return its problems as (event, field, message) after checking the job."""
    with nothing_written():
        job = captured(client, headers, body)
    assert job["status"] == "failed", job
    assert job["result"] == {}
    return [(e["event"], e["field"], e["message"]) for e in job["errors"]]


@pytest.fixture()
def world(app):
    return capture_world(app)


def a_gtin_lot(world, code="CAP-A"):
    return lot_uri(code, world["broccoli"].gtin.zfill(14))


def test_a_body_that_is_not_json_is_refused_at_once_with_400(client, world):
    with nothing_written():
        before = CaptureJob.select().count()
        assert_error(capture(client, world["coop_h"], b"{not json"), 400, "document")
        assert CaptureJob.select().count() == before


def test_a_document_over_10_mb_or_10000_events_is_refused_at_once_with_413(client, world):
    huge = document(commissioning(world["packhouse"], "CAP-Z", 1, product=world["broccoli"]))
    huge["padding"] = "x" * (10 * 1024 * 1024)
    many = document(*[commissioning(world["packhouse"], f"CAP-{n}", 1, product=world["broccoli"])
                      for n in range(10_001)])
    with nothing_written():
        assert_error(capture(client, world["coop_h"], huge), 413, "document", "10 MB")
        assert_error(capture(client, world["coop_h"], many), 413, "document", "10,000")


def test_a_body_that_is_not_a_document_type_is_refused_with_415(client, world):
    assert_error(capture(client, world["coop_h"], b"{}", content_type="text/plain"), 415)


def test_json_that_is_not_an_epcis_document_fails_its_job(client, world):
    assert failed(client, world["coop_h"], {"type": "EPCISQueryDocument", "epcisBody": {}}) == [
        (None, "", "This is not an EPCISDocument: give type EPCISDocument and an epcisBody with an eventList.")]
    assert failed(client, world["coop_h"], [1, 2])[0][0] is None


def test_a_document_invalid_against_the_schema_names_the_event_and_the_field(client, world):
    good = commissioning(world["packhouse"], "CAP-N", 5, product=world["broccoli"])
    bad = commissioning(world["packhouse"], "CAP-M", 5, product=world["broccoli"])
    bad["eventTime"] = "yesterday"
    del bad["action"]
    problems = failed(client, world["coop_h"], document(good, bad))
    assert {p[0] for p in problems} == {1}
    assert all(p[2] == "Not valid against the EPCIS 2.0 JSON Schema." for p in problems)


def test_an_unknown_business_step_is_refused_with_its_event_index(client, world):
    good = commissioning(world["packhouse"], "CAP-N", 5, product=world["broccoli"])
    odd = commissioning(world["packhouse"], "CAP-M", 5, product=world["broccoli"])
    odd["bizStep"] = "urn:example:bizstep:teleporting"
    assert failed(client, world["coop_h"], document(good, odd)) == [
        (1, "bizStep", "Unknown business step: use a CBV 2.0 business step.")]


def test_an_epc_of_another_party_is_refused_as_unknown(client, world):
    event = shipping(world["packhouse"], world["cold"], [(lot_uri("CAP-X"), 10)])
    assert failed(client, world["coop_h"], document(event)) == [
        (0, "quantityList.0.epcClass", "Unknown EPC: we hold no lot with this code that you may use.")]


def test_an_event_at_another_partys_site_is_refused(client, world):
    event = commissioning(world["other_site"], "CAP-N", 5, product=world["broccoli"])
    problems = failed(client, world["coop_h"], document(event))
    assert problems == [(0, "bizLocation", "This site belongs to another party.")]


def test_shipping_more_than_is_on_hand_is_refused_and_the_events_before_it_are_not_written(client, world):
    registered = commissioning(world["packhouse"], "CAP-N", 5, product=world["broccoli"])
    too_much = shipping(world["packhouse"], world["cold"], [(a_gtin_lot(world), 301)])
    assert failed(client, world["coop_h"], document(registered, too_much)) == [
        (1, "quantityList.0.quantity", "More than is on hand.")]


def test_shipping_a_held_lot_is_refused(client, world):
    inspector = make_user(role="inspector")
    place_manual_hold(inspector, {"lot": "CAP-A", "reason": "农残复检"})
    event = shipping(world["packhouse"], world["cold"], [(a_gtin_lot(world), 10)])
    problems = failed(client, world["coop_h"], document(event))
    assert problems == [(0, "quantityList", "This batch is on hold or recalled and may not move.")]


def test_every_bad_event_is_listed_and_nothing_is_written(client, world):
    events = [commissioning(world["packhouse"], "CAP-N", 5, product=world["broccoli"]),
              shipping(world["packhouse"], world["cold"], [(lot_uri("NO-SUCH-LOT"), 1)]),
              commissioning(world["packhouse"], "CAP-A", 5, product=world["broccoli"]),
              shipping(world["packhouse"], world["cold"], [(a_gtin_lot(world), 10)])]
    problems = failed(client, world["coop_h"], document(*events))
    assert [p[0] for p in problems] == [1, 2]
    assert problems[0][2] == "Unknown EPC: we hold no lot with this code that you may use."
    assert problems[1][2] == "This lot code is taken."


def test_the_job_speaks_the_callers_language(client, world):
    event = shipping(world["packhouse"], world["cold"], [(lot_uri("CAP-X"), 10)])
    client.set_cookie("lang", "zh_Hans")
    job = captured(client, world["coop_h"], document(event))
    assert job["message"] == "部分事件被拒绝；文档中的任何内容都未写入。"
    assert job["errors"][0]["message"] == "未知的 EPC：我们没有您可使用的此编码的批次。"


def test_a_retried_capture_with_the_same_idempotency_key_is_captured_once(client, world):
    body = json.dumps(document(commissioning(world["packhouse"], "CAP-N", 5, product=world["broccoli"])))
    headers = {**world["coop_h"], "Idempotency-Key": "capture-0715-1"}
    first = capture(client, headers, body.encode())
    with nothing_written():
        again = capture(client, headers, body.encode())
    assert again.status_code == 202 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]


def test_another_users_capture_is_not_found(client, world):
    job = captured(client, world["coop_h"], document(
        commissioning(world["packhouse"], "CAP-N", 5, product=world["broccoli"])))
    assert_error(client.get(job["status_url"], headers=world["op_h"]), 404)


def test_an_inspector_may_not_capture(client, world):
    headers = auth_header(make_user(role="inspector"))
    with nothing_written():
        response = capture(client, headers, document(
            commissioning(world["packhouse"], "CAP-N", 5, product=world["broccoli"])))
    assert_error(response, 403)


def test_a_receipt_needs_a_shipment_of_those_lots_on_its_way_to_the_receiver(client, world):
    def receiving(headers, site):
        event = {"type": "ObjectEvent", "eventTime": "2026-07-15T15:00:00.000+08:00", "eventTimeZoneOffset": "+08:00",
                 "action": "OBSERVE", "bizStep": "receiving", "disposition": "in_progress",
                 "quantityList": [{"epcClass": a_gtin_lot(world), "quantity": 10, "uom": "KGM"}],
                 "bizLocation": {"id": f"https://trace.example.cn/site/{site.code}"}}
        return failed(client, headers, document(event))

    assert receiving(world["op_h"], world["cold"]) == [
        (0, "quantityList.0.epcClass", "Unknown EPC: we hold no lot with this code that you may use.")]
    assert receiving(world["coop_h"], world["packhouse"]) == [
        (0, "quantityList", "No open shipment of these lots to your party.")]


def test_the_standards_examples_as_they_stand_are_refused_for_their_glns_and_single_items(client, world):
    assert failed(client, world["coop_h"], example("ObjectEvent.jsonld")) == [
        (0, "readPoint.id", "Not one of our site URIs."), (1, "bizLocation.id", "Not one of our site URIs.")]
    event = example("ObjectEvent.jsonld")["epcisBody"]["eventList"][0]
    event["readPoint"]["id"] = f"https://trace.example.cn/site/{world['packhouse'].code}"
    event["destinationList"] = [{"type": "owning_party", "destination": "https://trace.example.cn/party/"
                                                                        + world["cold"].party.code}]
    assert failed(client, world["coop_h"], document(event)) == [
        (0, "epcList", "Name the lots in a quantity list (epcClass and quantity): we track lots, not single items.")]
