"""Readings of a storing interval: by the party of the storing site, within the interval, excursions proposed on
the stored lot."""

from __future__ import annotations

import datetime

from supply.clock import LOCAL_TZ
from supply.models import HoldProposal
from supply.services.custody.observations import record_storing
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.cold_chain import cold_chain_world
from tests.builders.cold_chain import reading_batch

START = datetime.datetime(2026, 7, 16, 8, 0, tzinfo=LOCAL_TZ)


def _stored(world):
    event = record_storing(world.operator, {"site": world.cold.code, "lot": world.batch.lot_code,
                                            "interval_start": START,
                                            "interval_end": START + datetime.timedelta(hours=24)})
    return f"{API}/storings/{event.event_id}/readings"


def _rows(minutes_outside: int) -> list[tuple]:
    return [(START + datetime.timedelta(minutes=10 * i), "7.5" if 60 <= 10 * i < 60 + minutes_outside else "1.5")
            for i in range(100)]


def test_a_cold_rooms_readings_find_an_excursion_on_the_stored_lot(client):
    world = cold_chain_world()
    url = _stored(world)
    response = client.post(url, json=reading_batch(_rows(60), logger="ROOM-2"), headers=world.op_h)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["storing"] and body["stored"] == 100 and body["limits"] == {"low": "0", "high": "4"}
    assert [e["minutes"] for e in body["new_excursions"]] == [60]
    (proposal,) = HoldProposal.select()
    assert proposal.batch_id == world.batch.id
    assert client.get(url, headers=world.inspector_h).get_json()["count"] == 100


def test_only_the_storing_sites_party_logs_and_only_within_the_interval(client):
    world = cold_chain_world()
    url = _stored(world)
    late = [(START + datetime.timedelta(hours=25), "2")]
    with unchanged():
        assert_error(client.post(url, json=reading_batch(_rows(0)[:3]), headers=world.coop_h), 403)
        assert_error(client.post(url, json=reading_batch(late), headers=world.op_h), 422, "readings.0.time",
                     "outside")
        assert_error(client.post(f"{API}/storings/urn:uuid:nothing/readings", json=reading_batch(late),
                                 headers=world.op_h), 404)
