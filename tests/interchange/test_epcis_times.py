"""EPCIS times along a whole yak chain: eventTime is when things happened, recordTime when they were written."""

from __future__ import annotations

import datetime
import json

import pytest

from tests.builders.api import API
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.interchange.test_exports import SCHEMA_PATH
from tests.interchange.test_exports import assert_valid

EAR_TAG = "263012100000511"


@pytest.fixture(scope="module")
def epcis_schema() -> dict:
    """The official EPCIS 2.0 JSON Schema from ../shared."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def post(client, path: str, headers: dict, body: dict) -> dict:
    """Post a body to the API and return the answer of a write that went through."""
    response = client.post(API + path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.json
    return response.json


def yak_chain_through_the_api(client) -> dict:
    """A yak born on 11-02 and registered today, shipped 11-10, slaughtered 11-11, cut, and its brisket packed."""
    herder = make_user(role="producer", party=make_party(kind="farm", name="大通县牧场"))
    pasture = make_site(party=herder.party, kind="pasture", name="宝库乡夏季牧场")
    abattoir_user = make_user(role="operator", party=make_party(kind="operator", name="大通牦牛肉业"))
    abattoir = make_site(party=abattoir_user.party, kind="abattoir", name="北川屠宰车间")
    live = make_product(category="live_yak", unit="head", name="大通牦牛", name_en="Datong yak")
    carcass = make_product(category="yak_meat", unit="kg", name="牦牛胴体", name_en="Yak carcass")
    brisket = make_product(category="yak_meat", unit="kg", name="牦牛腩", name_en="Yak brisket")
    shank = make_product(category="yak_meat", unit="kg", name="牦牛腱子", name_en="Yak shank")
    pack = make_product(category="yak_meat", unit="pack", name="牦牛腩 500 g", name_en="Yak brisket 500 g")
    herder_h, abattoir_h = auth_header(herder), auth_header(abattoir_user)

    written = datetime.datetime.now(datetime.UTC)
    yak = post(client, "/batches", herder_h, {"product": live.code, "site": pasture.code, "quantity": "1",
                                              "ear_tag": EAR_TAG, "produced_on": "2026-11-02", "field_name": "三号圈"})
    registered = datetime.datetime.now(datetime.UTC)
    shipment = post(client, "/shipments", herder_h, {
        "from_site": pasture.code, "to_party": abattoir_user.party.code, "to_site": abattoir.code,
        "lines": [{"lot": yak["lot_code"], "quantity": "1"}], "departed_at": "2026-11-10T07:30:00+08:00"})
    post(client, f"/shipments/{shipment['code']}/receive", abattoir_h,
         {"site": abattoir.code, "received_at": "2026-11-10T15:20:00+08:00"})
    body = post(client, "/transformations", abattoir_h, {
        "kind": "slaughter", "site": abattoir.code, "time": "2026-11-11T06:00:00+08:00",
        "inputs": [{"lot": yak["lot_code"]}], "outputs": [{"product": carcass.code, "quantity": "220"}]})
    carcass_lot = body["outputs"][0]["lot_code"]
    cuts = post(client, "/transformations", abattoir_h, {
        "kind": "cut", "site": abattoir.code, "time": "2026-11-11T14:00:00+08:00",
        "inputs": [{"lot": carcass_lot, "quantity": "220"}], "loss": "5", "loss_reason": "剔骨损耗",
        "outputs": [{"product": brisket.code, "quantity": "120"}, {"product": shank.code, "quantity": "95"}]})
    brisket_lot = cuts["outputs"][0]["lot_code"]
    packed = post(client, "/transformations", abattoir_h, {
        "kind": "grade_pack", "site": abattoir.code, "time": "2026-11-12T09:00:00+08:00",
        "inputs": [{"lot": brisket_lot}], "outputs": [{"product": pack.code, "quantity": "236"}]})
    return {"yak": yak["lot_code"], "carcass": carcass_lot, "brisket": brisket_lot,
            "pack": packed["outputs"][0]["lot_code"], "headers": abattoir_h, "written": (written, registered)}


def moment(text: str) -> datetime.datetime:
    """Read an EPCIS time."""
    return datetime.datetime.fromisoformat(text)


def lots_of(event: dict) -> set[str]:
    """Return the lot codes an EPCIS event names (its lots, inputs and outputs)."""
    return {lot["xn:lotCode"] for lot in event.get("xn:lots", [])}


def started_lots(event: dict) -> set[str]:
    """Return the lots an event commissions: a registration's object, a transformation's outputs."""
    lots = {lot["xn:lotCode"] for lot in event.get("xn:lots", [])}
    if event["type"] == "TransformationEvent":
        outputs = {entry["epcClass"] for entry in event.get("outputQuantityList", [])}
        return {lot["xn:lotCode"] for lot in event["xn:lots"] if lot["xn:epcClass"] in outputs}
    return lots if event.get("action") == "ADD" else set()


def test_the_export_of_a_yak_pack_lists_its_chain_in_the_order_it_happened(client, epcis_schema):
    chain = yak_chain_through_the_api(client)
    response = client.get(f"{API}/exports/epcis", query_string={"lot": chain["pack"], "trace": "up"},
                          headers=chain["headers"])
    assert response.status_code == 200, response.get_data(as_text=True)
    document = json.loads(response.get_data(as_text=True))
    assert_valid(epcis_schema, document)
    events = document["epcisBody"]["eventList"]

    steps = [event.get("xn:transformationKind") or event["bizStep"] for event in events]
    assert steps == ["commissioning", "shipping", "receiving", "slaughter", "cut", "grade_pack"]
    assert [event["eventTime"] for event in events] == [
        "2026-11-02T00:00:00.000+08:00", "2026-11-10T07:30:00.000+08:00", "2026-11-10T15:20:00.000+08:00",
        "2026-11-11T06:00:00.000+08:00", "2026-11-11T14:00:00.000+08:00", "2026-11-12T09:00:00.000+08:00"]
    assert all(event["eventTimeZoneOffset"] == "+08:00" and event["recordTime"].endswith("+08:00")
               for event in events)

    # Each lot's commissioning comes before every later event about it.
    for i, event in enumerate(events):
        for lot in started_lots(event):
            later = [other for other in events[i + 1:] if lot in lots_of(other)]
            earlier = [other for other in events[:i] if lot in lots_of(other)]
            assert earlier == [] and all(moment(other["eventTime"]) > moment(event["eventTime"]) for other in later)
    assert {lot for event in events for lot in started_lots(event)} >= {chain["yak"], chain["carcass"],
                                                                        chain["brisket"], chain["pack"]}

    # Born on 11-02, registered weeks later: its recordTime is the moment it was written.
    registration = events[0]
    start, end = chain["written"]
    recorded = moment(registration["recordTime"])
    assert start - datetime.timedelta(milliseconds=1) <= recorded <= end
    assert recorded - moment(registration["eventTime"]) > datetime.timedelta(days=30)
    assert registration["ilmd"]["xn:producedOn"] == "2026-11-02" and "xn:producedAt" not in registration["ilmd"]
    assert all(moment(event["recordTime"]) >= recorded for event in events[1:])

    # The carcass keeps the ear tag, and so does every cut and pack made from it.
    slaughter = events[3]
    assert slaughter["xn:earTag"] == EAR_TAG
    assert {lot["xn:earTag"] for lot in slaughter["xn:lots"]} == {EAR_TAG}
    assert events[5]["xn:earTag"] == EAR_TAG


def test_a_registration_keeps_its_own_offset_and_a_receipt_reports_temperatures_over_the_journey(client,
                                                                                                  epcis_schema):
    farm = make_user(role="producer", party=make_party(kind="farm"))
    field = make_site(party=farm.party, kind="field")
    buyer = make_user(role="operator", party=make_party(kind="operator"))
    store = make_site(party=buyer.party, kind="cold_store")
    lettuce = make_product(category="vegetable", unit="kg", name="生菜", name_en="Lettuce")
    lot = post(client, "/batches", auth_header(farm), {"product": lettuce.code, "site": field.code, "quantity": "80",
                                                       "produced_at": "2026-11-03T04:45:00+06:00"})["lot_code"]
    shipment = post(client, "/shipments", auth_header(farm), {
        "from_site": field.code, "to_party": buyer.party.code, "lines": [{"lot": lot, "quantity": "80"}],
        "departed_at": "2026-11-03T08:00:00+08:00", "set_point": "2"})
    post(client, f"/shipments/{shipment['code']}/receive", auth_header(buyer), {
        "site": store.code, "received_at": "2026-11-04T21:30:00Z", "temperature_min": "0.5", "temperature_max": "3.8"})
    response = client.get(f"{API}/exports/epcis", query_string={"lot": lot}, headers=auth_header(farm))
    document = json.loads(response.get_data(as_text=True))
    assert_valid(epcis_schema, document)
    harvest, shipping, receiving = document["epcisBody"]["eventList"]
    assert (harvest["eventTime"], harvest["eventTimeZoneOffset"]) == ("2026-11-03T04:45:00.000+06:00", "+06:00")
    assert harvest["recordTime"].endswith("+06:00")
    assert harvest["ilmd"]["xn:producedAt"] == "2026-11-03T04:45:00+06:00"
    assert harvest["ilmd"]["xn:producedOn"] == "2026-11-03"
    assert shipping["eventTime"] == "2026-11-03T08:00:00.000+08:00"
    assert receiving["eventTime"] == "2026-11-05T05:30:00.000+08:00"
    [sensor] = receiving["sensorElementList"]
    assert sensor["sensorMetadata"] == {"startTime": "2026-11-03T08:00:00.000+08:00",
                                        "endTime": "2026-11-05T05:30:00.000+08:00"}
