"""Readings through the API: JSON batches and logger files, excursions found, bad input refused whole."""

from __future__ import annotations

from supply.models import Excursion
from supply.models import HoldProposal
from supply.models import TemperatureReading
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.cold_chain import cold_chain_world
from tests.builders.cold_chain import logger_csv
from tests.builders.cold_chain import reading_batch
from tests.builders.cold_chain import temperatures


def _url(world) -> str:
    return f"{API}/shipments/{world.shipment.code}/readings"


def test_a_json_batch_is_stored_and_read_back_with_its_figures(client):
    world = cold_chain_world()
    rows = temperatures()
    response = client.post(_url(world), json=reading_batch(rows, logger="T1"), headers=world.op_h)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["stored"] == len(rows) == 169 and body["skipped"] == 0
    assert (body["lowest"], body["highest"]) == ("0.5", "3.8")
    assert body["limits"] == {"low": "0", "high": "4"}
    assert body["first_at"] == "2026-07-15T08:00:00+08:00" and body["last_at"] == "2026-07-15T22:00:00+08:00"
    assert body["excursions"] == [] and body["new_excursions"] == []
    read = client.get(_url(world), headers=world.coop_h).get_json()
    assert len(read["readings"]) == 169
    assert read["readings"][3] == {"time": "2026-07-15T08:15:00+08:00", "temperature": "0.5"}


def test_the_same_batch_sent_again_adds_nothing(client):
    world = cold_chain_world()
    body = reading_batch(temperatures()[:50])
    client.post(_url(world), json=body, headers=world.coop_h)
    again = client.post(_url(world), json=body, headers=world.op_h).get_json()
    assert (again["stored"], again["skipped"], again["count"]) == (0, 50, 50)


def test_a_45_minute_excursion_is_recorded_and_proposes_a_hold(client):
    world = cold_chain_world()
    response = client.post(_url(world), data=logger_csv(temperatures(45)), content_type="text/csv",
                           headers=world.op_h)
    assert response.status_code == 201, response.get_json()
    (excursion,) = response.get_json()["new_excursions"]
    assert excursion["started_at"] == "2026-07-15T12:00:00+08:00"
    assert excursion["ended_at"] == "2026-07-15T12:45:00+08:00" and excursion["minutes"] == 45
    assert (excursion["lowest"], excursion["highest"]) == ("6.5", "6.7")
    (proposal,) = client.get(f"{API}/hold-proposals", headers=world.inspector_h).get_json()["items"]
    assert proposal["lot"] == world.batch.lot_code and proposal["status"] == "proposed"
    assert proposal["shipment"] == world.shipment.code


def test_a_20_minute_excursion_proposes_nothing(client):
    world = cold_chain_world()
    response = client.post(_url(world), data=logger_csv(temperatures(20)), content_type="text/csv",
                           headers=world.op_h)
    assert response.status_code == 201
    assert response.get_json()["new_excursions"] == [] and response.get_json()["highest"] == "6.7"
    assert Excursion.select().count() == 0 and HoldProposal.select().count() == 0


def test_an_excursion_sent_in_two_batches_is_found_once_and_lengthened(client):
    world = cold_chain_world()
    rows = temperatures(45)
    first = client.post(_url(world), json=reading_batch(rows[:56]), headers=world.op_h).get_json()
    assert len(first["new_excursions"]) == 1 and first["new_excursions"][0]["minutes"] == 35
    second = client.post(_url(world), json=reading_batch(rows[56:]), headers=world.op_h).get_json()
    assert second["new_excursions"] == []
    assert [e["minutes"] for e in second["excursions"]] == [45]
    assert HoldProposal.select().count() == 1


def test_a_file_uploaded_as_a_form_field_is_read_too(client):
    world = cold_chain_world()
    response = client.post(_url(world), data={"file": (__import__("io").BytesIO(logger_csv(temperatures())),
                                                       "rc5.csv")},
                           content_type="multipart/form-data", headers=world.coop_h)
    assert response.status_code == 201 and response.get_json()["stored"] == 169
    assert {r.logger for r in TemperatureReading.select()} == {"RC5-0042"}


def test_only_the_sender_or_receiver_logs_temperatures(client):
    world = cold_chain_world()
    with unchanged():
        assert_error(client.post(_url(world), json=reading_batch(temperatures()[:3]), headers=world.inspector_h), 403)


def test_bad_readings_answer_422_naming_the_field_and_write_nothing(client):
    world = cold_chain_world()
    good = reading_batch(temperatures()[:10])["readings"]
    cases = [
        ([*good[:4], {**good[4], "temperature": "-61"}], "readings.4.temperature", "physical range"),
        ([*good[:2], {**good[2], "temperature": 60.5}], "readings.2.temperature", "physical range"),
        ([{**good[0], "time": "2026-07-14T23:00:00+08:00"}], "readings.0.time", "outside"),
        ([{**good[0], "time": "2026-07-16T09:00:00+08:00"}], "readings.0.time", "outside"),
        ([{**good[0], "time": "2026-07-15T09:00:00"}], "readings.0.time", "offset"),
        ([{**good[0], "temperature": "warm"}], "readings.0.temperature", "Not a number"),
        ([good[0], good[0]], "readings.1.time", "twice"),
        ([{"time": good[0]["time"]}], "readings.0.temperature", "Missing"),
    ]
    for readings, field, reason in cases:
        with unchanged():
            assert_error(client.post(_url(world), json={"readings": readings}, headers=world.op_h), 422, field,
                         reason)


def test_bad_logger_files_answer_422_naming_the_line_and_write_nothing(client):
    world = cold_chain_world()
    rows = temperatures()[:6]
    good = logger_csv(rows).decode().splitlines()  # the comment, the header, then readings from line 3

    def changed(line: int, column: int, value: str) -> str:
        cells = good[line - 1].split(",")
        cells[column] = value
        return "\n".join([*good[:line - 1], ",".join(cells), *good[line:]])

    cases = [
        (changed(5, 1, "35.8°F"), "file.5.temperature", "Mixed units"),
        (changed(2, 0, "Date,Time"), "file", "Unknown logger format"),
        (changed(4, 1, "-75"), "file.4.temperature", "physical range"),
        (changed(4, 0, "2026-07-14T08:05:00+08:00"), "file.4.time", "outside"),
        (changed(6, 0, "2026-07-15 08:25"), "file.6.time", "offset"),
    ]
    for text, field, reason in cases:
        with unchanged():
            response = client.post(_url(world), data=text.encode(), content_type="text/csv", headers=world.op_h)
            assert_error(response, 422, field, reason)


def test_a_file_in_fahrenheit_throughout_is_converted(client):
    world = cold_chain_world()
    rows = [(when, "35.6") for when, _ in temperatures()[:3]]
    text = logger_csv(rows, header="time,temperature(°F),humidity")
    response = client.post(_url(world), data=text, content_type="text/csv", headers=world.op_h)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["highest"] == "2"
