"""The EPCIS export carries a shipment's logged readings in the receiving event's sensorElementList, valid against
the official schema."""

from __future__ import annotations

import json

from tests.builders.api import API
from tests.builders.cold_chain import cold_chain_world
from tests.builders.cold_chain import logger_csv
from tests.builders.cold_chain import temperatures
from tests.interchange.test_exports import SCHEMA_PATH
from tests.interchange.test_exports import assert_valid


def _document(client, world) -> dict:
    response = client.get(f"{API}/exports/epcis", query_string={"lot": world.batch.lot_code}, headers=world.op_h)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def test_the_receiving_event_carries_the_readings_as_sensor_reports(client):
    world = cold_chain_world()
    client.post(f"{API}/shipments/{world.shipment.code}/readings", data=logger_csv(temperatures(45)),
                content_type="text/csv", headers=world.op_h)
    document = _document(client, world)
    assert_valid(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")), document)
    (receiving,) = [e for e in document["epcisBody"]["eventList"] if e["bizStep"] == "receiving"]
    (element,) = [e for e in receiving["sensorElementList"] if "deviceID" in e.get("sensorMetadata", {})]
    assert element["sensorMetadata"]["deviceID"].endswith("logger-RC5-0042")
    assert element["sensorMetadata"]["startTime"] == "2026-07-15T08:00:00.000+08:00"
    temperatures_sent = [r for r in element["sensorReport"] if r["type"] == "Temperature"]
    assert len(temperatures_sent) == 169
    assert temperatures_sent[48] == {"type": "Temperature", "value": 6.5, "uom": "CEL",
                                     "time": "2026-07-15T12:00:00.000+08:00"}
    humidity = [r for r in element["sensorReport"] if r["type"] == "RelativeHumidity"]
    assert len(humidity) == 169 and humidity[0]["value"] == 85 and humidity[0]["uom"] == "P1"
    (shipping,) = [e for e in document["epcisBody"]["eventList"] if e["bizStep"] == "shipping"]
    assert "sensorElementList" not in shipping


def test_a_shipment_on_its_way_carries_its_readings_on_the_shipping_event(client):
    world = cold_chain_world(received=False)
    client.post(f"{API}/shipments/{world.shipment.code}/readings", data=logger_csv(temperatures()[:12]),
                content_type="text/csv", headers=world.coop_h)
    document = _document(client, world)
    (shipping,) = [e for e in document["epcisBody"]["eventList"] if e["bizStep"] == "shipping"]
    (element,) = shipping["sensorElementList"]
    assert len(element["sensorReport"]) == 24
