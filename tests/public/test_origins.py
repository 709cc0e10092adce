"""A processed lot's page tells its first mile: the farms or pasture it came from, links to its input lots, and the
upstream steps that made it, in time order; a wide merge names its largest farms and counts the rest."""

from __future__ import annotations

import re
from decimal import Decimal

from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.places import county_name
from tests.builders.chains import EAR_TAG
from tests.builders.chains import run
from tests.builders.chains import ship_and_receive
from tests.builders.chains import yak_chain
from tests.builders.custody import register
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.public.test_page import page
from tests.public.test_page import token


def _steps(text: str) -> list[str]:
    """Return the journey's steps as plain text, in page order."""
    journey = text[text.index("<h2>Journey</h2>"):]
    items = re.findall(r"<li><div class=\"when\">(.*?)</li>", journey, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def test_a_yak_cut_names_the_pasture_and_county_it_came_from_not_the_abattoir(client):
    chain = yak_chain()
    herder = chain["herder"]
    pasture = Batch.get(Batch.lot_code == "YAK-1").origin_site
    text = page(client, "YAK-CUT1")
    origin = text[text.index("<h2>Origin</h2>"):text.index("</section>", text.index("<h2>Origin</h2>"))]
    assert herder.party.name_en in origin or herder.party.name in origin
    assert (pasture.name_en or pasture.name) in origin
    assert county_name(pasture.county, "en") in origin
    assert "lot YAK-1" in origin and "1 head" in origin
    abattoir = chain["abattoir_user"].party
    assert f"Made into this lot by {abattoir.name_en or abattoir.name}" in origin


def test_the_input_lots_link_to_their_own_pages(client):
    yak_chain()
    text = page(client, "YAK-CUT1")
    for lot in ("YAK-1", "YAK-C"):
        assert f'<a class="lot" href="/t/{token(lot)}">{lot}</a>' in text


def test_the_journey_includes_the_upstream_steps_in_time_order(client):
    yak_chain()
    steps = _steps(page(client, "YAK-CUT1"))
    words = ("Born or registered", "Shipped", "Received", "Slaughtered", "Cut")
    kinds = [next((word for word in words if word in step), step) for step in steps]
    assert kinds == ["Born or registered", "Shipped", "Received", "Slaughtered", "Cut"]
    assert steps[0].count("YAK-1") == 1 and "YAK-C" in steps[3]
    assert f"yak {EAR_TAG}" in steps[3] and f"yak {EAR_TAG}" in steps[4]
    assert "YAK-CUT1" not in " ".join(steps)  # the page's own steps name no lot: they are this lot's


def test_the_public_json_names_the_first_mile(client):
    yak_chain()
    data = client.get(f"/01/{_gtin_lot('YAK-CUT1')}?linkType=gs1:traceability",
                      base_url="https://trace.example.cn", follow_redirects=True).get_json()
    [first] = data["first_mile"]
    assert first["lots"] == ["YAK-1"] and first["unit"] == "head" and first["quantity"] == "1.000"
    assert {lot["lot"]: lot["first_mile"] for lot in data["made_from"]} == {"YAK-C": False, "YAK-1": True}
    assert data["made_from"][0]["page"] == f"/t/{token('YAK-C')}"
    assert all(step["time"].endswith("+08:00") for step in data["journey"])  # Beijing time, as every time we show


def _gtin_lot(lot: str) -> str:
    """Give the lot's product a GTIN and return the Digital Link path after /01/."""
    batch = Batch.get(Batch.lot_code == lot)
    product = batch.product
    product.gtin = "06901234567892"
    product.save()
    return f"{product.gtin}/10/{lot}"


def _wide_merge(farms: int, prefix: str = "FARM", lot: str = "WIDE") -> str:
    """Member farms each register a lot (more on the later ones) and send it to a cooperative, which merges them."""
    coop = make_user(role="producer", party=make_party(kind="cooperative", name_en="Duoba Co-op"))
    packhouse = make_site(party=coop.party, kind="packhouse")
    potato = make_product(category="vegetable", unit="kg", name="青薯9号马铃薯", name_en="Qingshu No. 9 potato")
    lots, total = [], 0
    for i in range(farms):
        farmer = make_user(role="producer", party=make_party(kind="farm"))
        field = make_site(party=farmer.party, kind="field", name=f"多巴{i}号地", name_en=f"Duoba field {i}",
                          county="湟中区")
        quantity = 100 + 10 * i
        lots.append(register(farmer, field, potato, str(quantity), lot_code=f"{prefix}-{i:02}").lot_code)
        ship_and_receive(farmer, field, coop, packhouse, lots[-1], str(quantity))
        total += quantity
    run(coop, packhouse, "merge", [(code, None) for code in lots], [{"lot_code": lot, "quantity": str(total)}])
    return lot


def test_a_wide_merge_names_its_largest_farms_and_counts_the_rest(client):
    _wide_merge(7)
    text = page(client, "WIDE")
    origin = text[text.index("<h2>Origin</h2>"):text.index("</section>", text.index("<h2>Origin</h2>"))]
    named = re.findall(r"Duoba field (\d)", origin)
    assert named == ["6", "5", "4", "3", "2"]  # largest first
    assert "and 2 more farms" in origin and "Huangzhong District" in origin
    assert f"{Decimal('160'):f} kg" in origin


def test_the_page_reads_a_wide_genealogy_in_a_fixed_number_of_queries(client):
    _wide_merge(3)
    with count_queries() as few:
        page(client, "WIDE")
    _wide_merge(12, prefix="MORE", lot="WIDER")
    with count_queries() as many:
        page(client, "WIDER")
    assert many.count == few.count


def test_many_upstream_steps_fold_by_lot(client):
    _wide_merge(22)
    text = page(client, "WIDE")
    assert "Steps of the lots it was made from" in text
    assert text.count("<details>") == 22
    assert "<summary><span class=\"lot\">FARM-00</span> · 3 steps</summary>" in text  # harvested, shipped, received
