"""Every list of lots lets the user tick several for labels: a shipment's lines, a recall's lots (each row of which
holds a form of its own), besides the batch list."""

from __future__ import annotations

import re

from supply.services.recalls.recalls import open_recall
from tests.builders.custody import shipment_pages_world
from tests.builders.custody import shipped
from tests.builders.pages import log_in
from tests.builders.recalls import merge_world

PICKER = '<form method="get" action="/labels" id="pick-lots"'


def _ticks(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="lot" value="([^"]+)" form="pick-lots"', html)


def test_a_shipments_lines_can_be_ticked_for_labels(client):
    world = shipment_pages_world(client)
    shipment = shipped(world)
    html = client.get(f"/shipments/{shipment.code}").get_data(as_text=True)
    assert PICKER in html
    assert _ticks(html) == [world.batch.lot_code]
    sheet = client.get(f"/labels?lot={world.batch.lot_code}&format=thermal").get_data(as_text=True)
    assert world.batch.lot_code in sheet


def test_a_recalls_lots_can_be_ticked_for_labels_outside_their_row_forms(client):
    world = merge_world()
    recall = open_recall(world["inspector"], {"lot": "F1", "level": 1, "reason": "农残快检不合格"})
    log_in(client, world["inspector"], "zh_Hans")
    html = client.get(f"/recalls/{recall.code}").get_data(as_text=True)
    assert PICKER in html
    ticked = _ticks(html)
    assert {"F1", "M", "S1", "P1"} <= set(ticked)
    assert html.index(PICKER) < html.index('<table class="recall-lots">')  # the form is not inside the table
    sheet = client.get("/labels?" + "&".join(f"lot={lot}" for lot in ("F1", "P1")) + "&format=sheet&copies=1")
    text = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and "F1" in text and "P1" in text
