"""Exports: the EPCIS 2.0 document validates against the official schema and says what happened; the CSV sorts."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from jsonschema import Draft7Validator
from playhouse.test_utils import count_queries

from supply.clock import local_today
from supply.services.custody.transformations import transform
from supply.services.interchange.epcis import EPCIS_CONTEXT
from supply.services.interchange.epcis_extensions import NS
from supply.services.interchange.kde import COLUMNS
from supply.services.tracing import trace
from tests.builders import SHARED
from tests.builders.custody import PLANTED_AT
from tests.builders.custody import SEEDLINGS_ON
from tests.builders.custody import register
from tests.builders.exports import build_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

API = "/api/v1/exports"
BASE = "https://trace.example.cn"
SCHEMA_PATH = SHARED / "epcis" / "EPCIS-JSON-Schema.json"


@pytest.fixture(scope="module")
def schema() -> dict:
    """The official EPCIS 2.0 JSON Schema from ../shared (a missing file fails the tests, it skips nothing)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture()
def chain(app) -> dict:
    return build_chain()


def assert_valid(schema: dict, document: dict) -> None:
    """Assert the document validates, and that its times are RFC 3339 date-times too."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(document)]
    assert errors == []
    strict = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    assert [e.message for e in strict.iter_errors(document)] == []


def epcis(client, user, **params) -> dict:
    response = client.get(f"{API}/epcis", query_string=params, headers=auth_header(user))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/ld+json"
    return json.loads(response.get_data(as_text=True))


def by_step(document: dict, step: str) -> list[dict]:
    return [e for e in document["epcisBody"]["eventList"] if e.get("bizStep") == step]


def test_a_lots_trace_validates_and_says_what_happened(client, chain, schema):
    document = epcis(client, chain["operator"], lot=chain["merged"].lot_code, trace="both")
    assert_valid(schema, document)
    assert document["@context"] == [EPCIS_CONTEXT, {"xn": NS}]
    assert (document["type"], document["schemaVersion"]) == ("EPCISDocument", "2.0")
    events = document["epcisBody"]["eventList"]
    assert all(e["eventTime"].endswith("+08:00") and e["eventTimeZoneOffset"] == "+08:00" for e in events)
    assert all(e["eventID"].startswith("urn:uuid:") for e in events)
    lot_class = f"https://id.gs1.org/01/{chain['broccoli'].gtin}/10/{chain['merged'].lot_code}"

    harvests = [e for e in by_step(document, "commissioning") if e["type"] == "ObjectEvent"]
    assert sorted(e["ilmd"]["xn:fieldName"] for e in harvests) == ["一号地", "二号地"]
    assert all(e["action"] == "ADD" and e["disposition"] == "active" for e in harvests)
    assert sorted(e["quantityList"][0]["quantity"] for e in harvests) == [200, 300]
    assert {e["quantityList"][0]["uom"] for e in harvests} == {"KGM"}

    [merge] = [e for e in by_step(document, "commissioning") if e["type"] == "TransformationEvent"]
    assert sorted(q["quantity"] for q in merge["inputQuantityList"]) == [200, 300]
    assert merge["outputQuantityList"] == [{"epcClass": lot_class, "quantity": 495, "uom": "KGM"}]
    assert merge["xn:transformationKind"] == "merge"
    assert merge["xn:loss"] == {"xn:quantity": 5, "xn:uom": "KGM"} and merge["xn:lossReason"] == "修整损耗"

    [shipping] = by_step(document, "shipping")
    coop, field = chain["coop"].code, chain["field"].code
    operator, store = chain["operator"].party.code, chain["cold_store"].code
    assert (shipping["type"], shipping["action"], shipping["disposition"]) == ("ObjectEvent", "OBSERVE", "in_transit")
    assert shipping["quantityList"] == [{"epcClass": lot_class, "quantity": 495, "uom": "KGM"}]
    assert shipping["sourceList"] == [{"type": "owning_party", "source": f"{BASE}/party/{coop}"},
                                      {"type": "location", "source": f"{BASE}/site/{field}"}]
    assert shipping["destinationList"] == [{"type": "owning_party", "destination": f"{BASE}/party/{operator}"},
                                           {"type": "location", "destination": f"{BASE}/site/{store}"}]
    assert shipping["bizTransactionList"] == [{"type": "desadv", "bizTransaction": f"{BASE}/doc/desadv/DN-2026-001"}]
    assert shipping["readPoint"] == {"id": f"{BASE}/site/{field}"} and "bizLocation" not in shipping
    assert shipping["xn:shipment"] == chain["shipment"].code
    assert (shipping["xn:vehiclePlate"], shipping["xn:carrier"]) == ("青A·12345", "青海冷链运输")
    assert shipping["xn:lots"][0]["xn:productName"] == "西兰花"

    [receiving] = by_step(document, "receiving")
    assert receiving["disposition"] == "in_progress"
    assert receiving["quantityList"] == [{"epcClass": lot_class, "quantity": 490, "uom": "KGM"}]
    assert receiving["sourceList"][0] == {"type": "owning_party", "source": f"{BASE}/party/{coop}"}
    assert receiving["bizLocation"] == {"id": f"{BASE}/site/{store}"}
    [sensor] = receiving["sensorElementList"]
    assert sensor["sensorReport"] == [{"type": "Temperature", "minValue": 2.5, "maxValue": 6, "uom": "CEL"}]
    assert sensor["sensorMetadata"]["startTime"].endswith("+08:00")
    assert receiving["xn:losses"] == [{"xn:lotCode": chain["merged"].lot_code, "xn:quantity": 5, "xn:uom": "KGM",
                                       "xn:reason": "运输途中挤压损坏"}]


def test_an_error_declaration_repeats_the_declared_event(client, chain, schema):
    document = epcis(client, chain["operator"], lot=chain["merged"].lot_code)
    assert_valid(schema, document)
    storing = by_step(document, "storing")
    assert [e["eventID"] for e in storing] == [chain["wrong"].event_id, chain["right"].event_id,
                                               chain["wrong"].event_id]
    original, corrective, declared = storing
    assert "errorDeclaration" not in original and "errorDeclaration" not in corrective
    assert declared["errorDeclaration"]["reason"] == "incorrect_data"
    assert declared["errorDeclaration"]["correctiveEventIDs"] == [chain["right"].event_id]
    assert declared["xn:declarationID"] == chain["declaration"].event_id
    assert declared["xn:declarationNote"] == "温度记录仪读错"
    assert corrective["sensorElementList"][0]["sensorReport"][0] == {
        "type": "Temperature", "minValue": 1.5, "maxValue": 3.5, "uom": "CEL"}
    assert corrective["quantityList"] == [{"epcClass": original["quantityList"][0]["epcClass"]}]


def test_the_ear_tag_goes_from_the_yak_to_every_cut(client, chain, schema):
    cut = chain["cuts"][0]
    document = epcis(client, chain["operator"], lot=cut.lot_code, trace="up")
    assert_valid(schema, document)
    [slaughter] = [e for e in document["epcisBody"]["eventList"] if e.get("xn:transformationKind") == "slaughter"]
    [cutting] = [e for e in document["epcisBody"]["eventList"] if e.get("xn:transformationKind") == "cut"]
    assert slaughter["inputQuantityList"] == [
        {"epcClass": f"{BASE}/lot/{chain['yak'].lot_code}", "quantity": 1, "uom": "HEA"}]
    assert slaughter["outputQuantityList"][0]["quantity"] == 220
    assert slaughter["xn:earTag"] == cutting["xn:earTag"] == chain["ear_tag"]
    assert {lot["xn:earTag"] for lot in cutting["xn:lots"]} == {chain["ear_tag"]}
    assert {lot["xn:productName"] for lot in cutting["xn:lots"]} == {"牦牛胴体", "牦牛腩", "牦牛腱子"}
    [registration] = [e for e in by_step(document, "commissioning") if e["type"] == "ObjectEvent"]
    assert registration["ilmd"]["xn:earTag"] == chain["ear_tag"]
    # Upstream only: the sister cut's later events are not there, the vegetables never were.
    assert not by_step(document, "storing")


def test_a_period_holds_the_events_the_caller_may_see(client, chain, schema):
    today, yesterday = period()
    own = epcis(client, chain["producer"], **{"from": yesterday, "to": today})
    assert_valid(schema, own)
    steps = sorted(e["bizStep"] for e in own["epcisBody"]["eventList"])
    assert steps == ["commissioning", "commissioning", "commissioning", "shipping"]
    inspector = make_user(role="inspector")
    everything = epcis(client, inspector, **{"from": yesterday, "to": today})
    assert_valid(schema, everything)
    assert len(everything["epcisBody"]["eventList"]) == 13


def test_a_planting_goes_out_as_our_own_business_step(client, app, schema):
    grower = make_user()
    greenhouse = make_site(party=grower.party, kind="greenhouse", name="草莓大棚")
    seedlings = register(grower, greenhouse, make_product(category="strawberry_seedling", unit="plant",
                                                          name="草莓苗"), "2000", unit="plant",
                         produced_on=SEEDLINGS_ON)
    planting = transform(grower, {"kind": "planting", "site": greenhouse.code, "time": PLANTED_AT,
                                  "inputs": [{"lot": seedlings.lot_code, "quantity": None}]})["planting"]
    berries = register(grower, greenhouse, make_product(category="strawberry", name="草莓"), "80",
                       planting=planting.code)
    document = epcis(client, grower, lot=berries.lot_code, trace="up")
    assert_valid(schema, document)
    [planted] = [e for e in document["epcisBody"]["eventList"] if e["type"] == "TransformationEvent"]
    assert planted["bizStep"] == f"{NS}BizStep-planting"
    assert planted["transformationID"] == f"{BASE}/planting/{planting.code}"
    assert planted["inputQuantityList"][0]["uom"] == "H87" and "outputQuantityList" not in planted
    [harvest] = [e for e in document["epcisBody"]["eventList"]
                 if e["type"] == "ObjectEvent" and e["quantityList"][0]["uom"] == "KGM"]
    assert harvest["ilmd"]["xn:sourceLots"][0]["xn:planting"] == planting.code


def test_the_number_of_queries_does_not_grow_with_the_events(client, chain):
    user = make_user(role="inspector")
    today, yesterday = period()
    headers = auth_header(user)
    with count_queries(only_select=True) as first:
        client.get(f"{API}/epcis", query_string={"from": yesterday, "to": today}, headers=headers)
    build_chain()
    with count_queries(only_select=True) as second:
        response = client.get(f"{API}/epcis", query_string={"from": yesterday, "to": today}, headers=headers)
    assert len(response.json["epcisBody"]["eventList"]) == 26
    assert second.count == first.count


def period() -> tuple[str, str]:
    """Today and yesterday in Asia/Shanghai: the storing intervals of the chain may start before midnight."""
    today = local_today()
    return today.isoformat(), (today - datetime.timedelta(days=1)).isoformat()


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_the_kde_sheet_of_lots_has_one_row_per_tracking_event(client, chain):
    lots = f"{chain['merged'].lot_code},{chain['first'].lot_code}"
    rows = read_csv(client.get(f"{API}/kde.csv", query_string={"lots": lots}, headers=auth_header(chain["producer"])))
    header, *body = rows
    assert header == list(COLUMNS)
    assert all(len(row) == len(header) for row in body)
    records = [dict(zip(header, row, strict=True)) for row in body]
    kinds = [(r["Event type"], r["Lot role"], r["Traceability lot code"]) for r in records]
    merged, first, second = chain["merged"].lot_code, chain["first"].lot_code, chain["second"].lot_code
    assert kinds == [("harvest", "", first)] + sorted([("transformation", "input", first),
                                                       ("transformation", "input", second),
                                                       ("transformation", "output", merged)],
                                                      key=lambda k: k[2]) + [("shipping", "", merged),
                                                                             ("receiving", "", merged)]
    times = [r["Event time (Asia/Shanghai)"] for r in records]
    assert times == sorted(times) and all(t.endswith("+08:00") for t in times)
    shipping, receiving = records[-2], records[-1]
    assert (shipping["Quantity"], shipping["Unit of measure"], receiving["Quantity"]) == ("495", "kg", "490")
    assert shipping["Ship-from location"] == f"拦隆口镇田块 ({chain['field'].code})"
    assert shipping["Ship-to location"] == receiving["Ship-to location"] == f"城北冷库 ({chain['cold_store'].code})"
    assert receiving["Ship-from location"] == shipping["Ship-from location"]
    assert (shipping["Reference document type"], shipping["Reference document number"]) == ("desadv", "DN-2026-001")
    assert shipping["Shipment"] == receiving["Shipment"] == chain["shipment"].code
    assert shipping["Product description (Chinese)"] == "西兰花"
    assert shipping["Product description (English)"] == "Broccoli"
    assert shipping["Location where the lot code was assigned"] == f"拦隆口镇田块 ({chain['field'].code})"
    assert shipping["Traceability lot code source"] == f"湟中区绿源蔬菜合作社 ({chain['coop'].code})"
    assert records[0]["Field or pen"] == "一号地"
    assert len({r["Event ID"] for r in records}) == 4


def test_the_kde_sheet_of_a_product_and_period(client, chain):
    today, yesterday = period()
    params = {"product": chain["broccoli"].code, "from": yesterday, "to": today}
    own = read_csv(client.get(f"{API}/kde.csv", query_string=params, headers=auth_header(chain["producer"])))
    assert sorted(row[0] for row in own[1:]) == ["harvest", "harvest", "shipping", "transformation",
                                                 "transformation", "transformation"]
    everything = read_csv(client.get(f"{API}/kde.csv", query_string=params,
                                     headers=auth_header(make_user(role="inspector"))))
    assert [row[0] for row in everything[1:]].count("receiving") == 1
    assert not any(row[4] != chain["broccoli"].code for row in everything[1:])


def test_a_trace_cut_short_by_its_cap_says_so(client, chain, schema, monkeypatch):
    monkeypatch.setattr(trace, "MAX_NODES", 2)
    document = epcis(client, chain["producer"], lot=chain["merged"].lot_code, trace="up")
    assert_valid(schema, document)
    assert document["xn:traceTruncated"] is True
    assert "xn:traceTruncated" not in epcis(client, chain["producer"], lot=chain["merged"].lot_code)
