"""The whole truth on a pack's scan page, for chains written through the API, in all three languages: a yak from
its ear tag to a 500 g pack, and seedlings from the nursery to a punnet of berries. Each pack names its first-mile
origin with its county, links its input lots, tells the upstream journey in time order, shows the quarantine or
virus certificate with its date, and loses its ✔ once recalled."""

from __future__ import annotations

import datetime
import re

from supply.models import Batch
from supply.models import Party
from supply.models import Site
from supply.services.recalls.recalls import open_recall
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.validity import certify
from tests.interchange.test_epcis_times import post
from tests.interchange.test_epcis_times import yak_chain_through_the_api

D = datetime.date
LANGUAGES = {"en": {"Accept-Language": "en"}, "zh_Hans": {"Accept-Language": "zh-CN"},
             "zh_Hant": {"Accept-Language": "zh-TW"}}
DATONG = {"en": "Datong Hui and Tu Autonomous County", "zh_Hans": "大通回族土族自治县", "zh_Hant": "大通回族土族自治縣"}
HUANGZHONG = {"en": "Huangzhong District", "zh_Hans": "湟中区", "zh_Hant": "湟中區"}


def public_page(client, lot: str, language: str) -> str:
    """Return a lot's public page in a language."""
    batch = Batch.get(Batch.lot_code == lot)
    response = client.get(f"/t/{batch.public_token}", headers=LANGUAGES[language])
    assert response.status_code == 200
    return response.get_data(as_text=True)


def card(text: str, heading: str) -> str:
    """Return the card of a page that starts with a heading (up to the card's end)."""
    start = text.index(heading)
    return text[start:text.index("</section>", start)]


def journey_lots(text: str) -> list[str]:
    """Return, in page order, the lot each journey step names (an empty string for the page's own lot)."""
    journey = text[text.index('<ol class="timeline">'):]
    steps = re.findall(r"<li><div class=\"when\">.*?</li>", journey, re.S)
    found = [re.search(r'<span class="lot">([^<]+)</span>', step) for step in steps]
    return [lot.group(1) if lot else "" for lot in found]


def link_to(lot: str) -> str:
    """Return the link a page gives to another lot's public page."""
    return f'<a class="lot" href="/t/{Batch.get(Batch.lot_code == lot).public_token}">{lot}</a>'


def test_a_yak_pack_tells_its_pasture_journey_and_quarantine_in_every_language(client):
    chain = yak_chain_through_the_api(client)
    yak = Batch.get(Batch.lot_code == chain["yak"])
    Site.update(county=DATONG["zh_Hans"]).where(Site.id == yak.origin_site_id).execute()
    certify("animal_quarantine", batch=yak, number="QA-630121-0042", valid_from=D(2026, 11, 10),
            valid_to=D(2026, 11, 17))
    certify("geo_indication", party=Party.get_by_id(yak.origin_party_id), number="AGI01573",
            valid_from=D(2020, 1, 1), valid_to=None)
    for language in LANGUAGES:
        text = public_page(client, chain["pack"], language)
        origin = card(text, 'class="origins"')
        assert DATONG[language] in origin, language
        assert ("寶庫鄉夏季牧場" if language == "zh_Hant" else "宝库乡夏季牧场") in origin, language  # the pasture
        for lot in (chain["yak"], chain["carcass"], chain["brisket"]):
            assert link_to(lot) in text, (language, lot)
        assert journey_lots(text) == [chain["yak"]] * 3 + [chain["carcass"], chain["brisket"], ""], language
        assert "QA-630121-0042" in text and "2026-11-10" in card(text, 'id="certificates"'), language
        assert "✔" in card(text, 'id="certificates"'), language
    english = public_page(client, chain["pack"], "en")
    assert "For this lot from its issue date, 2026-11-10" in english
    assert "Born or registered at" in english and "Slaughtered: yak 263012100000511" in english

    open_recall(make_user(role="inspector"), {"lot": chain["pack"], "level": 1, "reason": "沙门氏菌阳性"})
    for language in LANGUAGES:
        certificates = card(public_page(client, chain["pack"], language), 'id="certificates"')
        assert "✔" not in certificates and "mark-greyed" in certificates, language


def seedling_chain_through_the_api(client) -> dict:
    """Seedlings propagated at a nursery, virus-certified, sent to a farm and planted in two fields; the berries of
    both harvested, merged at the farm's packhouse and packed in punnets."""
    nursery_user = make_user(role="producer", party=make_party(kind="farm", name="湟中区草莓种苗繁育中心"))
    nursery = make_site(party=nursery_user.party, kind="nursery", name="鲁沙尔育苗大棚", county=HUANGZHONG["zh_Hans"])
    farmer = make_user(role="producer", party=make_party(kind="farm", name="上五庄草莓农场"))
    fields = [make_site(party=farmer.party, kind="field", name=f"{n}号棚", county=HUANGZHONG["zh_Hans"])
              for n in (1, 2)]
    seedling = make_product(category="strawberry_seedling", unit="plant", name="草莓苗")
    berry = make_product(category="strawberry", unit="kg", name="夏草莓", name_en="Summer strawberry")
    punnet = make_product(category="strawberry", unit="punnet", name="夏草莓 250 克盒", name_en="Strawberries 250 g")
    nursery_h, farmer_h = auth_header(nursery_user), auth_header(farmer)
    seedlings = post(client, "/batches", nursery_h, {"product": seedling.code, "site": nursery.code,
                                                     "quantity": "4000", "produced_on": "2026-05-10"})["lot_code"]
    shipment = post(client, "/shipments", nursery_h, {
        "from_site": nursery.code, "to_party": farmer.party.code, "to_site": fields[0].code,
        "lines": [{"lot": seedlings, "quantity": "4000"}], "departed_at": "2026-05-20T07:00:00+08:00"})
    post(client, f"/shipments/{shipment['code']}/receive", farmer_h,
         {"site": fields[0].code, "received_at": "2026-05-20T11:00:00+08:00"})
    planting = post(client, "/transformations", farmer_h, {
        "kind": "planting", "site": fields[0].code, "time": "2026-05-21T08:00:00+08:00",
        "inputs": [{"lot": seedlings, "quantity": "4000"}], "outputs": []})["planting"]
    picked = (("02", "300"), ("03", "260"))
    harvests = [post(client, "/batches", farmer_h, {
        "product": berry.code, "site": fields[0].code, "quantity": quantity, "planting": planting,
        "produced_at": f"2026-07-{day}T06:00:00+08:00"})["lot_code"] for day, quantity in picked]
    merged = post(client, "/transformations", farmer_h, {
        "kind": "merge", "site": fields[0].code, "time": "2026-07-03T10:00:00+08:00",
        "inputs": [{"lot": lot} for lot in harvests], "outputs": [{"quantity": "560"}]})["outputs"][0]["lot_code"]
    pack = post(client, "/transformations", farmer_h, {
        "kind": "grade_pack", "site": fields[0].code, "time": "2026-07-03T14:00:00+08:00",
        "inputs": [{"lot": merged}], "outputs": [{"product": punnet.code, "quantity": "2200"}]})["outputs"][0]
    return {"seedlings": seedlings, "harvests": harvests, "merged": merged, "pack": pack["lot_code"]}


def test_a_punnet_tells_its_farm_its_seedlings_and_their_virus_certificate_in_every_language(client):
    chain = seedling_chain_through_the_api(client)
    certify("seedling_virus", batch=Batch.get(Batch.lot_code == chain["seedlings"]), number="SV-2026-0142",
            valid_from=D(2026, 5, 17), valid_to=D(2026, 12, 31))
    for language in LANGUAGES:
        text = public_page(client, chain["pack"], language)
        origin = card(text, 'class="origins"')
        assert HUANGZHONG[language] in origin, language
        assert ("1號棚" if language == "zh_Hant" else "1号棚") in origin, language  # the field, not the nursery
        assert "鲁沙尔" not in origin and "魯沙爾" not in origin, language
        for lot in (chain["seedlings"], *chain["harvests"], chain["merged"]):
            assert link_to(lot) in text, (language, lot)
        lots = journey_lots(text)
        assert lots[:4] == [chain["seedlings"]] * 4, language  # propagated, shipped, received, planted
        assert lots[4:] == [*chain["harvests"], chain["merged"], ""], language
        certificates = card(text, 'id="certificates"')
        assert "SV-2026-0142" in certificates and "2026-05-17" in certificates, language
        assert chain["seedlings"] in certificates, language
    english = public_page(client, chain["pack"], "en")
    assert "Propagated and registered at" in english and "Merged from 2 farm lots" in english
    assert "Planted at" in english
