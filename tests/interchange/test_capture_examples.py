"""The standard's example documents, adapted to our master data, captured through POST /api/v1/epcis/capture."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from supply.clock import LOCAL_TZ
from supply.models import Batch
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.services.custody.shipments import create_shipment
from tests.builders.capture import capture_world
from tests.builders.capture import captured
from tests.builders.capture import commissioning
from tests.builders.capture import document
from tests.builders.capture import example
from tests.builders.capture import lgtin
from tests.builders.capture import lot_uri
from tests.builders.capture import party_uri
from tests.builders.capture import site_uri
from tests.builders.custody import holding

TODAY = "2026-07-15T{}.000+08:00"


def intact(client, headers, lot: str) -> bool:
    """Tell whether a lot's hash chain checks out, as the verify endpoint says."""
    return client.get(f"/api/v1/batches/{lot}/verify", headers=headers).json["intact"]


def lots_only(event: dict, key: str, epcs: str, entries: list[dict]) -> dict:
    """Replace an example event's single items (and identifier patterns) by quantity elements of our lots."""
    event.pop(epcs, None)
    event[key] = entries
    return event


def test_the_object_event_example_ships_and_receives_a_lot(app, client):
    world = capture_world(app)
    gtin = world["broccoli"].gtin.zfill(14)
    shipping, receiving = example("ObjectEvent.jsonld")["epcisBody"]["eventList"]
    lots_only(shipping, "quantityList", "epcList",
              [{"epcClass": lot_uri("CAP-A", gtin), "quantity": 120, "uom": "KGM"}])
    shipping.update(eventTime=TODAY.format("10:00:00"), eventTimeZoneOffset="+08:00",
                    readPoint={"id": site_uri(world["packhouse"])},
                    destinationList=[{"type": "owning_party", "destination": party_uri(world["cold"].party)},
                                     {"type": "location", "destination": site_uri(world["cold"])}])
    lots_only(receiving, "quantityList", "epcList",
              [{"epcClass": lgtin(gtin, "CAP-A"), "quantity": 120, "uom": "KGM"}])
    receiving.update(eventTime=TODAY.format("14:00:00"), eventTimeZoneOffset="+08:00",
                     readPoint={"id": site_uri(world["cold"])}, bizLocation={"id": site_uri(world["cold"])})

    sent = captured(client, world["coop_h"], document(shipping))
    assert sent["status"] == "done", sent
    assert sent["result"] == {"shipments": 1, "events": 1}
    shipment = Shipment.get(Shipment.sender == world["coop"].party_id)
    assert (shipment.status, shipment.receiver_id) == ("in_transit", world["cold"].party_id)
    assert holding(world["a"], world["packhouse"]) == Decimal("180")

    received = captured(client, world["op_h"], document(receiving))
    assert received["status"] == "done", received
    assert Shipment.get_by_id(shipment.id).status == "received"
    assert holding(world["a"], world["cold"]) == Decimal("120")
    assert intact(client, world["coop_h"], "CAP-A")


def test_the_aggregation_event_example_receives_the_lots_of_a_pallet(app, client):
    world = capture_world(app)
    create_shipment(world["coop"], {"from_site": world["packhouse"].code, "to_party": world["cold"].party.code,
                                    "departed_at": datetime.datetime(2026, 7, 15, 10, tzinfo=LOCAL_TZ),
                                    "lines": [{"lot": "CAP-B", "quantity": Decimal("200")}]})
    event = example("AggregationEvent.jsonld")["epcisBody"]["eventList"][0]
    gtin = world["carrot"].gtin.zfill(14)
    lots_only(event, "childQuantityList", "childEPCs",
              [{"epcClass": lgtin(gtin, "CAP-B"), "quantity": 200, "uom": "KGM"}])
    event.update(eventTime=TODAY.format("15:00:00"), readPoint={"id": site_uri(world["cold"])},
                 bizLocation={"id": site_uri(world["cold"])})

    job = captured(client, world["op_h"], document(event))
    assert job["status"] == "done", job
    assert job["result"] == {"receipts": 1, "events": 1}
    assert holding(world["b"], world["cold"]) == Decimal("200")
    assert ShipmentLine.get(ShipmentLine.batch == world["b"].id).received == Decimal("200")


def _transformation(world, name: str, inputs: list[dict]) -> dict:
    event = example(name)["epcisBody"]["eventList"][0]
    lots_only(event, "inputQuantityList", "inputEPCList", inputs)
    lots_only(event, "outputQuantityList", "outputEPCList",
              [{"epcClass": lot_uri("CAP-MIX", world["mix"].gtin.zfill(14)), "quantity": 400, "uom": "KGM"}])
    event.update(eventTime=TODAY.format("11:00:00"), readPoint={"id": site_uri(world["packhouse"])},
                 **{"xn:loss": {"xn:quantity": 20}, "xn:lossReason": "修整损耗"})
    return event


@pytest.mark.parametrize(("name", "lot_name"), [
    ("TransformationEvent.jsonld", lgtin),
    ("TransformationEventWithDigitalLink.jsonld", lambda gtin, lot: lot_uri(lot, gtin)),
])
def test_the_transformation_event_examples_merge_lots_into_a_new_one(app, client, name, lot_name):
    world = capture_world(app)
    inputs = [{"epcClass": lot_name(world["broccoli"].gtin.zfill(14), "CAP-A"), "quantity": 300, "uom": "KGM"},
              {"epcClass": lot_name(world["carrot"].gtin.zfill(14), "CAP-B"), "quantity": 120}]
    job = captured(client, world["coop_h"], document(_transformation(world, name, inputs)))
    assert job["status"] == "done", job
    assert job["result"] == {"transformations": 1, "lots": 1, "events": 1}
    made = Batch.get(Batch.lot_code == "CAP-MIX")
    assert (made.product_id, made.quantity, made.holder_id) == (world["mix"].id, Decimal("400"),
                                                                world["coop"].party_id)
    assert holding(world["a"], world["packhouse"]) == 0
    assert holding(world["b"], world["packhouse"]) == Decimal("80")
    assert intact(client, world["coop_h"], "CAP-MIX")
    balance = client.get("/api/v1/batches/CAP-B/balance", headers=world["coop_h"]).json
    assert (balance["used"], balance["on_hand"]) == ("120", "80")


def test_a_commissioning_and_a_storing_with_sensor_reports_register_and_record_temperatures(app, client):
    world = capture_world(app)
    stored = {"type": "ObjectEvent", "eventTime": TODAY.format("18:00:00"), "eventTimeZoneOffset": "+08:00",
              "action": "OBSERVE", "bizStep": "storing", "disposition": "in_progress",
              "quantityList": [{"epcClass": lot_uri("CAP-N"), "quantity": 50, "uom": "KGM"}],
              "bizLocation": {"id": site_uri(world["packhouse"])},
              "sensorElementList": [{"sensorMetadata": {"startTime": TODAY.format("12:00:00"),
                                                        "endTime": TODAY.format("18:00:00")},
                                     "sensorReport": [{"type": "gs1:Temperature", "minValue": 1.5,
                                                       "maxValue": 3.5, "uom": "CEL"}]}]}
    job = captured(client, world["coop_h"], document(
        commissioning(world["packhouse"], "CAP-N", 50, product=world["broccoli"], producedOn="2026-07-15",
                      fieldName="一号地"), stored))
    assert job["status"] == "done", job
    assert job["result"] == {"lots": 1, "observations": 1, "events": 2}
    events = client.get("/api/v1/batches/CAP-N/events", headers=world["coop_h"]).json["events"]
    steps = [(e["biz_step"], e["data"].get("temperature_min"), e["data"].get("temperature_max")) for e in events]
    assert steps == [("commissioning", None, None), ("storing", "1.5", "3.5")]
    assert Batch.get(Batch.lot_code == "CAP-N").field_name == "一号地"
    assert intact(client, world["coop_h"], "CAP-N")
