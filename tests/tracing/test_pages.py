"""The batch page: timeline in Beijing time, genealogy as server-side SVG, the direction/depth switch, balance."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.models import Event
from supply.services.custody.events import record_event
from supply.services.custody.shipments import cancel_shipment
from supply.services.custody.shipments import create_shipment
from tests.builders.chains import EAR_TAG
from tests.builders.chains import register
from tests.builders.chains import run
from tests.builders.chains import strawberry_chain
from tests.builders.chains import vegetable_chain
from tests.builders.chains import yak_chain
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in
from tests.builders.tampering import tampering


def svg_of(html: str) -> str:
    """Return the genealogy SVG of a page."""
    found = re.search(r"<svg .*?</svg>", html, re.S)
    assert found, "no SVG on the page"
    return found.group(0)


def node_links(html: str) -> set[str]:
    """Return the lots the SVG's boxes link to."""
    return set(re.findall(r'<a href="/batches/([^"?]+)\?', svg_of(html)))


def boxes(html: str) -> dict[str, int]:
    """Return the lots drawn as boxes, linked or not, with the x of each box."""
    found = re.findall(r'<rect x="(\d+)"[^>]*/>\s*<text [^>]*>([^<]+)</text>', svg_of(html))
    return {lot: int(x) for x, lot in found}


def test_page_shows_timeline_graph_and_balance(client):
    chain = vegetable_chain()
    log_in(client, chain["operator"])
    response = client.get("/batches/VEG-M")
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", html)  # the graph needs no script; none inline
    for text in ("Merged from 2 lots", "Shipped to", "Carrier: 青海冷链物流", "Vehicle: 青A·12345",
                 "Set point: 2.0 °C", "Received from", "Lost on the way: 10 kg", "压伤",
                 "Temperature: 1.5 to 4", "Split into 2 lots"):
        assert text in html, text
    assert chain["operator"].party.name_en in html  # the receiver's name, not only its code
    assert set(boxes(html)) == {"VEG-A", "VEG-B", "VEG-M", "VEG-S1", "VEG-S2", "VEG-P1"}
    # The cooperative's member lots are drawn, but the operator may not open them.
    assert node_links(html) == {"VEG-M", "VEG-S1", "VEG-S2", "VEG-P1"}
    svg = svg_of(html)
    labels = re.findall(r'paint-order="stroke">([^<]+)</text>', svg)
    assert sorted(labels) == ["200 kg", "240 kg", "250 kg", "250 kg", "300 kg"]
    assert 'viewBox="0 0 ' in svg
    assert "Balanced: everything produced is used, lost, on hand or in transit." in html


def test_timeline_is_in_beijing_time_and_in_order(client):
    chain = vegetable_chain()
    with tampering():  # a shipment recorded late with an earlier time than the merge before it
        Event.update(event_time=datetime.datetime(2026, 7, 1, 22, 30)).where(
            Event.biz_step == "shipping", Event.party == chain["coop"].party.id).execute()
    log_in(client, chain["coop"])
    html = client.get("/batches/VEG-M").text
    timeline = html[html.index('id="timeline"'):html.index('id="genealogy"')]
    assert "2026-07-02 06:30" in timeline
    # Ordered by when it happened, not by when it was recorded.
    steps = re.findall(r'<p class="step">(.*?)</p>', timeline, re.S)
    assert [s.split()[0] for s in steps] == ["Shipped", "Merged", "Received", "Split"]


def test_direction_and_depth_switch(client):
    chain = vegetable_chain()
    log_in(client, chain["operator"])
    upstream = client.get("/batches/VEG-P1?direction=upstream&depth=1").text
    assert set(boxes(upstream)) == {"VEG-P1", "VEG-S1"}
    assert "goes on beyond 1 step or 150 lots;" in upstream
    assert re.search(r'direction=upstream[^"]*"[^>]*aria-current="page">Where it came from', upstream)
    full = client.get("/batches/VEG-P1?direction=upstream&depth=5").text
    assert set(boxes(full)) == {"VEG-P1", "VEG-S1", "VEG-M", "VEG-A", "VEG-B"}
    assert "goes on beyond" not in full
    downstream = client.get("/batches/VEG-P1?direction=downstream").text
    assert "No linked lots in this direction." in downstream
    # Unknown values fall back to the defaults rather than failing.
    assert client.get("/batches/VEG-P1?direction=sideways&depth=99").status_code == 200


def test_columns_go_from_sources_on_the_left_to_products_on_the_right(client):
    chain = vegetable_chain()
    log_in(client, chain["operator"])
    x = boxes(client.get("/batches/VEG-M").text)
    assert x["VEG-A"] == x["VEG-B"] < x["VEG-M"] < x["VEG-S1"] == x["VEG-S2"] < x["VEG-P1"]


def test_yak_cut_page_names_the_carcass_ear_tag(client):
    chain = yak_chain()
    log_in(client, chain["abattoir_user"])
    html = client.get("/batches/YAK-CUT1").text
    assert f"Cut from the carcass of ear tag {EAR_TAG}" in html
    assert "Processing loss: 20 kg" in html
    assert node_links(client.get("/batches/YAK-CUT1?direction=upstream").text) == {"YAK-CUT1", "YAK-C", "YAK-1"}
    carcass = client.get("/batches/YAK-C").text
    assert f"Slaughtered: carcass of the yak with ear tag {EAR_TAG}" in carcass


def test_berry_page_links_back_to_the_seedlings(client):
    chain = strawberry_chain()
    log_in(client, chain["farm"])
    html = client.get("/batches/BERRY-1").text
    assert f"Harvested from planting {chain['planting'].code} of seedling lot" in html
    assert node_links(html) == {"BERRY-1", "SEED-1"}  # the farm's own seedlings
    seedlings = client.get("/batches/SEED-1").text
    assert f"Planting code: {chain['planting'].code}" in seedlings


def test_declared_event_is_struck_through_with_its_declaration(client):
    chain = vegetable_chain()
    shipping = Event.get(Event.biz_step == "shipping", Event.party == chain["coop"].party.id)
    record_event(event_type="ObjectEvent", biz_step="shipping", party=chain["coop"].party, lines=[],
                 declares=shipping, declaration_reason="incorrect_data", data={"note": "车牌写错"})
    log_in(client, chain["coop"])
    html = client.get("/batches/VEG-M").text
    assert re.search(r"<del>\s*Shipped to", html)
    assert "Declared in error on" in html and "its data were wrong" in html
    assert "Error declaration: its data were wrong" in html and "车牌写错" in html


def test_cancelled_shipment_is_on_the_timeline(client):
    user = make_user()
    site = make_site(party=user.party)
    batch = register(user, site, make_product(), "100")
    shipment = create_shipment(user, {"from_site": site.code, "to_party": make_party(kind="operator").code,
                                      "lines": [{"lot": batch.lot_code, "quantity": Decimal("40")}]})
    cancel_shipment(user, shipment.code, "车辆故障")
    log_in(client, user)
    html = client.get(f"/batches/{batch.lot_code}").text
    assert f"Shipment {shipment.code} cancelled" in html
    assert "Reason: 车辆故障" in html
    assert "Returned by cancelled shipments" in html


def test_page_query_count_does_not_grow_with_the_graph(client):
    user = make_user()
    site = make_site(party=user.party)
    product = make_product()
    for prefix, width in (("SMALL", 2), ("LARGE", 10)):
        lots = [register(user, site, product, "10", lot_code=f"{prefix}{i}").lot_code for i in range(width)]
        run(user, site, "merge", [(lot, "10") for lot in lots],
            [{"lot_code": f"{prefix}M", "quantity": str(10 * width)}])
        run(user, site, "split", [(f"{prefix}M", str(10 * width))],
            [{"lot_code": f"{prefix}S{i}", "quantity": "10"} for i in range(width)])
    log_in(client, user)
    with count_queries() as small:
        small_page = client.get("/batches/SMALLM").text
    with count_queries() as large:
        large_page = client.get("/batches/LARGEM").text
    assert len(boxes(small_page)) == 5 and len(node_links(large_page)) == 21
    assert small.count == large.count
    assert large.count <= 15  # batch, trace, events, balance, certificates and claims: a fixed number


def test_an_inspector_may_open_every_box(client):
    vegetable_chain()
    log_in(client, make_user(role="inspector"))
    assert node_links(client.get("/batches/VEG-M").text) == {"VEG-A", "VEG-B", "VEG-M", "VEG-S1", "VEG-S2", "VEG-P1"}


def test_another_partys_producer_gets_403(client):
    vegetable_chain()
    log_in(client, make_user(role="producer"))
    assert client.get("/batches/VEG-M").status_code == 404


def test_chinese_page_renders(client):
    chain = vegetable_chain()
    log_in(client, chain["coop"])
    client.set_cookie("lang", "zh_Hans")
    response = client.get("/batches/VEG-M")
    assert response.status_code == 200
    assert "<svg" in response.text and "VEG-A" in response.text


def test_unbalanced_batch_says_so(client):
    user = make_user()
    batch = register(user, make_site(party=user.party), make_product(), "100")
    Batch.update(on_hand=Decimal("90")).where(Batch.id == batch.id).execute()
    log_in(client, user)
    assert "Does not balance: 10 kg unaccounted for." in client.get(f"/batches/{batch.lot_code}").text
