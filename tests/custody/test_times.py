"""Time as EPCIS means it: a lot starts at its production time, and nothing is dated before a lot's start."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from supply.clock import utcnow
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

BEFORE_START = "This is before the lot's commissioning (its harvest, birth or making)."
BAD_OFFSET = "Not a real time zone offset"


@pytest.fixture()
def world(app):
    """A cooperative with a field and broccoli, an operator with a cold store, an inspector; their API headers."""
    coop = make_user(role="producer", party=make_party(kind="cooperative"))
    operator = make_user(role="operator", party=make_party(kind="operator"))
    return SimpleNamespace(
        coop=coop, operator=operator, field=make_site(party=coop.party, kind="field"),
        cold=make_site(party=operator.party, kind="cold_store"), veg=make_product(category="vegetable", unit="kg"),
        coop_h=auth_header(coop), op_h=auth_header(operator), inspector_h=auth_header(make_user(role="inspector")),
    )


def register(client, w, **body):
    """Register 500 kg of broccoli at the cooperative's field; return the response."""
    return client.post(f"{API}/batches", headers=w.coop_h,
                       json={"product": w.veg.code, "site": w.field.code, "quantity": "500", **body})


def registered(client, w, **body) -> str:
    """Register a lot and return its lot code."""
    response = register(client, w, **body)
    assert response.status_code == 201, response.json
    return response.json["lot_code"]


def commissioning(lot: str) -> Event:
    """Return the event that started a lot."""
    return Event.select().join(EventBatch).join(Batch).where(Batch.lot_code == lot).order_by(Event.id).first()


def ship(client, w, lot: str, departed_at: str):
    """Send 100 kg of a lot from the field to the operator's cold store."""
    return client.post(f"{API}/shipments", headers=w.coop_h, json={
        "from_site": w.field.code, "to_party": w.operator.party.code, "to_site": w.cold.code,
        "lines": [{"lot": lot, "quantity": "100"}], "departed_at": departed_at, "set_point": "2"})


# --- the production time is the commissioning time ------------------------------------------------------------

def test_a_production_time_is_the_commissioning_event_time_with_its_own_offset(client, world):
    before = utcnow()
    response = register(client, world, produced_at="2026-11-01T23:30:00+06:00")
    assert response.status_code == 201, response.json
    assert response.json["produced_on"] == "2026-11-02"  # 01:30 on the 2nd in Beijing
    event = commissioning(response.json["lot_code"])
    assert (event.biz_step, event.action) == ("commissioning", "ADD")
    assert event.event_time == datetime.datetime(2026, 11, 1, 17, 30) and event.event_tz == "+06:00"
    assert event.data["produced_at"] == "2026-11-01T23:30:00+06:00"
    assert before <= event.record_time <= utcnow()  # recorded now, weeks after it happened


def test_a_date_alone_starts_the_lot_at_the_first_moment_of_its_day_in_beijing(client, world):
    lot = registered(client, world, produced_on="2026-11-02")
    event = commissioning(lot)
    assert (event.event_time, event.event_tz) == (datetime.datetime(2026, 11, 1, 16, 0), "+08:00")
    assert event.data["produced_on"] == "2026-11-02" and event.data["produced_at"] is None


def test_a_time_without_offset_is_beijing_time_and_may_come_with_its_day(client, world):
    lot = registered(client, world, produced_on="2026-11-02", produced_at="2026-11-02T06:15")
    event = commissioning(lot)
    assert (event.event_time, event.event_tz) == (datetime.datetime(2026, 11, 1, 22, 15), "+08:00")


def _in_an_hour() -> str:
    return (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)).isoformat()


@pytest.mark.parametrize(("body", "field", "reason"), [
    ({"produced_at": _in_an_hour()}, "produced_at", "The time may not be in the future."),
    ({"produced_at": "2026-11-02T06:00:00+25:00"}, "produced_at", BAD_OFFSET),
    ({"produced_at": "2026-11-02T06:00:00+08:61"}, "produced_at", BAD_OFFSET),
    ({"produced_at": "2026-11-02T06:00:00+13:37"}, "produced_at", BAD_OFFSET),
    ({"produced_at": "2026-11-02T06:00:00-13:00"}, "produced_at", BAD_OFFSET),
    ({"produced_at": "2026-11-02T06:00:00+08:00:30"}, "produced_at", BAD_OFFSET),
    ({"produced_at": "early November"}, "produced_at", "Not a valid datetime."),
    ({"produced_at": "2026-11-02T06:00:00+08:00", "produced_on": "2026-11-01"}, "produced_on",
     "Not the day of the production time in Beijing time."),
    ({"produced_at": "2026-11-01T20:00:00Z", "produced_on": "2026-11-01"}, "produced_on",
     "Not the day of the production time in Beijing time."),
])
def test_a_bad_production_time_is_refused_and_writes_nothing(client, world, body, field, reason):
    with unchanged():
        response = register(client, world, **body)
    assert_error(response, 422, field, reason)


def test_a_production_time_in_another_real_offset_is_kept(client, world):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+05:45")
    assert commissioning(lot).event_tz == "+05:45"


# --- nothing is dated before a lot's commissioning ----------------------------------------------------------

def test_a_shipment_before_the_lot_was_harvested_is_refused_naming_the_lot_and_its_time(client, world):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    with unchanged():
        response = ship(client, world, lot, "2026-11-02T05:59:00+08:00")
    body = assert_error(response, 422, "departed_at", BEFORE_START)
    assert body["errors"]["departed_at"] == [BEFORE_START, f"{lot}: 2026-11-02T06:00:00+08:00"]
    assert ship(client, world, lot, "2026-11-02T06:00:00+08:00").status_code == 201


def test_a_date_only_lot_may_leave_on_its_day_but_not_the_day_before(client, world):
    lot = registered(client, world, produced_on="2026-11-02")
    with unchanged():
        refused = ship(client, world, lot, "2026-11-01T23:50:00+08:00")
    assert assert_error(refused, 422, "departed_at")["errors"]["departed_at"][1] == f"{lot}: 2026-11-02T00:00:00+08:00"
    assert ship(client, world, lot, "2026-11-02T00:10:00+08:00").status_code == 201


def test_a_receipt_before_the_departure_is_refused(client, world):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    code = ship(client, world, lot, "2026-11-03T08:00:00+08:00").json["code"]
    with unchanged():
        response = client.post(f"{API}/shipments/{code}/receive", headers=world.op_h,
                               json={"site": world.cold.code, "received_at": "2026-11-03T07:00:00+08:00"})
    body = assert_error(response, 422, "received_at", "before the shipment's departure")
    assert body["errors"]["received_at"][1] == f"{code}: 2026-11-03T08:00:00+08:00"


def test_a_receipts_temperatures_run_from_the_departure_to_the_arrival_in_beijing_time(client, world):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    code = ship(client, world, lot, "2026-11-03T08:00:00+08:00").json["code"]
    response = client.post(f"{API}/shipments/{code}/receive", headers=world.op_h, json={
        "site": world.cold.code, "received_at": "2026-11-04T02:30:00Z", "temperature_min": "0.5",
        "temperature_max": "3.8"})
    assert response.status_code == 200, response.json
    receipt = Event.get(Event.biz_step == "receiving")
    assert receipt.data["temperature"] == {"min": "0.5", "max": "3.8", "from": "2026-11-03T08:00:00+08:00",
                                           "to": "2026-11-04T10:30:00+08:00"}
    assert receipt.event_time == datetime.datetime(2026, 11, 4, 2, 30)


def test_a_transformation_before_an_inputs_commissioning_is_refused(client, world):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    body = {"kind": "split", "site": world.field.code, "time": "2026-11-02T05:00:00+08:00",
            "inputs": [{"lot": lot, "quantity": "100"}], "outputs": [{"quantity": "60"}, {"quantity": "40"}]}
    with unchanged():
        response = client.post(f"{API}/transformations", json=body, headers=world.coop_h)
    assert assert_error(response, 422, "time", BEFORE_START)["errors"]["time"][1] == f"{lot}: 2026-11-02T06:00:00+08:00"
    made = client.post(f"{API}/transformations", json={**body, "time": "2026-11-02T09:00:00+08:00"},
                       headers=world.coop_h)
    assert made.status_code == 201, made.json
    outputs = [output["lot_code"] for output in made.json["outputs"]]
    # The outputs start with the split: a shipment of one of them before 09:00 is refused too.
    with unchanged():
        early = client.post(f"{API}/shipments", headers=world.coop_h, json={
            "from_site": world.field.code, "to_party": world.operator.party.code,
            "lines": [{"lot": outputs[0], "quantity": "10"}], "departed_at": "2026-11-02T08:00:00+08:00"})
    assert assert_error(early, 422, "departed_at")["errors"]["departed_at"][1] == (
        f"{outputs[0]}: 2026-11-02T09:00:00+08:00")


@pytest.mark.parametrize(("interval", "field", "reason"), [
    ({"interval_start": "2026-11-02T05:00:00+08:00", "interval_end": "2026-11-02T09:00:00+08:00"}, "interval_start",
     BEFORE_START),
    ({"interval_end": "2026-11-02T05:00:00+08:00"}, "interval_end", BEFORE_START),
    ({"time": "2026-11-02T05:00:00+08:00"}, "time", BEFORE_START),
    ({"interval_start": "2026-11-02T09:00:00+08:00", "interval_end": "2026-11-02T08:00:00+08:00"}, "interval_end",
     "The interval ends before it starts."),
])
def test_a_storing_interval_before_the_lot_or_ending_before_it_starts_is_refused(client, world, interval, field,
                                                                                  reason):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    with unchanged():
        response = client.post(f"{API}/observations/storing", headers=world.coop_h, json={
            "lot": lot, "site": world.field.code, "temperature_min": "1", "temperature_max": "4", **interval})
    assert_error(response, 422, field, reason)


def test_a_storing_interval_is_written_with_the_events_offset(client, world):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    response = client.post(f"{API}/observations/storing", headers=world.coop_h, json={
        "lot": lot, "site": world.field.code, "temperature_min": "1", "temperature_max": "4",
        "interval_start": "2026-11-02T01:00:00Z", "interval_end": "2026-11-02T03:30:00Z"})
    assert response.status_code == 201, response.json
    stored = Event.get(Event.biz_step == "storing")
    assert (stored.data["interval_start"], stored.data["interval_end"]) == ("2026-11-02T09:00:00+08:00",
                                                                            "2026-11-02T11:30:00+08:00")
    assert (stored.event_time, stored.event_tz) == (datetime.datetime(2026, 11, 2, 3, 30), "+08:00")


@pytest.mark.parametrize(("path", "field", "body"), [
    ("/tests", "tested_at", {"kind": "pesticide_rapid", "method": "test_strip", "passed": True}),
    ("/inspections", "inspected_at", {"kind": "sampling"}),
])
def test_an_inspection_or_test_dated_before_the_lot_is_refused(client, world, path, field, body):
    lot = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    if path == "/inspections":
        body = {**body, "party": world.coop.party.code}
    with unchanged():
        response = client.post(API + path, headers=world.inspector_h,
                               json={"lot": lot, field: "2026-11-01T12:00:00+08:00", **body})
    assert assert_error(response, 422, field, BEFORE_START)["errors"][field][1] == f"{lot}: 2026-11-02T06:00:00+08:00"
    later = client.post(API + path, headers=world.inspector_h,
                        json={"lot": lot, field: "2026-11-02T12:00:00+08:00", **body})
    assert later.status_code == 201, later.json


def test_a_planting_before_its_seedlings_and_a_harvest_before_its_planting_are_refused(client, world):
    nursery = make_product(category="strawberry_seedling", unit="plant")
    berry = make_product(category="strawberry", unit="kg")
    seedlings = registered(client, world, product=nursery.code, quantity="2000", produced_on="2026-05-20")
    planting = {"kind": "planting", "site": world.field.code, "inputs": [{"lot": seedlings}]}
    with unchanged():
        early = client.post(f"{API}/transformations", headers=world.coop_h,
                            json={**planting, "time": "2026-05-19T09:00:00+08:00"})
    assert_error(early, 422, "time", BEFORE_START)
    planted = client.post(f"{API}/transformations", headers=world.coop_h,
                          json={**planting, "time": "2026-06-01T09:00:00+08:00"})
    assert planted.status_code == 201, planted.json
    code = planted.json["planting"]
    # A date alone is the first moment of its day, before a planting at 09:00 that day: give the time.
    for dated in ({"produced_on": "2026-05-31"}, {"produced_on": "2026-06-01"},
                  {"produced_at": "2026-06-01T08:59:00+08:00"}):
        field = "produced_at" if "produced_at" in dated else "produced_on"
        with unchanged():
            response = register(client, world, product=berry.code, quantity="80", planting=code, **dated)
        body = assert_error(response, 422, field, "before the planting it was harvested from")
        assert body["errors"][field][1] == f"{code}: 2026-06-01T09:00:00+08:00"
    assert register(client, world, product=berry.code, quantity="80", planting=code,
                    produced_at="2026-06-01T16:00:00+08:00").status_code == 201
    assert register(client, world, product=berry.code, quantity="80", planting=code,
                    produced_on="2026-07-01").status_code == 201


def test_a_registration_before_a_source_lots_commissioning_is_refused(client, world):
    mother = registered(client, world, produced_at="2026-11-02T06:00:00+08:00")
    with unchanged():
        response = register(client, world, source_lots=[mother], produced_on="2026-11-01")
    body = assert_error(response, 422, "produced_on", "before the commissioning of a lot it comes from")
    assert body["errors"]["produced_on"][1] == f"{mother}: 2026-11-02T06:00:00+08:00"
