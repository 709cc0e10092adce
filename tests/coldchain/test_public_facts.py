"""The public page's kept facts and the cold chain: readings and excursions forget them, kept pages equal
gathered ones, and the page reads the cold chain in a bounded number of queries."""

from __future__ import annotations

import re

from supply.models import Excursion
from supply.models import PublicLot
from supply.models import ReadingSeries
from tests.builders.api import API
from tests.builders.cold_chain import cold_chain_world
from tests.builders.cold_chain import reading_batch
from tests.builders.cold_chain import temperatures

LANGUAGES = ({"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}, {"Accept-Language": "zh-TW"})


def _page(client, world, headers=LANGUAGES[0]) -> str:
    response = client.get(f"/t/{world.batch.public_token}", headers=headers)
    assert response.status_code == 200
    return re.sub(r"scanned \d+ times?|已被扫描 \d+ 次|已被掃描 \d+ 次", "", response.get_data(as_text=True))


def _kept(world) -> bool:
    return PublicLot.select().where(PublicLot.batch_id == world.batch.id).exists()


def _forget_pages(app) -> None:
    if "public_page_cache" in app.extensions:  # made with the first page
        app.extensions["public_page_cache"].clear()


def test_readings_forget_the_kept_facts_of_the_lots_shipped(app, client):
    world = cold_chain_world()
    before = _page(client, world)
    assert _kept(world) and "Cold chain" not in before
    client.post(f"{API}/shipments/{world.shipment.code}/readings", json=reading_batch(temperatures()[:60]),
                headers=world.op_h)
    assert not _kept(world)
    _forget_pages(app)
    assert "Cold chain kept 0.5–3.8 °C over 4.9 h" in _page(client, world)


def test_an_excursion_lengthened_forgets_the_kept_facts(app, client):
    world = cold_chain_world()
    rows = temperatures(45)
    client.post(f"{API}/shipments/{world.shipment.code}/readings", json=reading_batch(rows[:56]), headers=world.op_h)
    _page(client, world)
    assert _kept(world)
    series = ReadingSeries.get()
    # Even behind the services' back: the trigger watches the excursion's row itself.
    Excursion.update(highest=Excursion.highest + 1).where(Excursion.series == series.id).execute()
    assert not _kept(world)


def test_pages_drawn_from_kept_facts_with_a_cold_chain_equal_pages_gathered(app, client):
    world = cold_chain_world()
    client.post(f"{API}/shipments/{world.shipment.code}/readings", json=reading_batch(temperatures(45)),
                headers=world.op_h)
    for headers in LANGUAGES:
        _forget_pages(app)
        PublicLot.delete().where(PublicLot.batch_id == world.batch.id).execute()
        gathered = _page(client, world, headers)
        assert _kept(world)
        _forget_pages(app)
        assert _page(client, world, headers) == gathered, headers
