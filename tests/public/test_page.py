"""The public scan page: origin, journey, upstream lots, recall banner, verification, scans, languages, 404s."""

from __future__ import annotations

import re

from playhouse.test_utils import count_queries

from supply.clock import to_local
from supply.models import Batch
from supply.models import LotVerification
from supply.models import Scan
from supply.services.audit.writes import announce_write
from tests.builders.chains import EAR_TAG
from tests.builders.chains import vegetable_chain
from tests.builders.chains import yak_chain
from tests.builders.factories import make_batch
from tests.builders.factories import make_product

EN = {"Accept-Language": "en"}


def token(lot: str) -> str:
    """Return the public token of a lot."""
    return Batch.get(Batch.lot_code == lot).public_token


def shown(record) -> str:
    """Return the name an English reader sees: the English name when there is one."""
    return record.name_en or record.name


def page(client, lot: str, headers=EN) -> str:
    """Fetch a lot's public page and return its text."""
    response = client.get(f"/t/{token(lot)}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_merged_lot_shows_origin_journey_temperatures_and_sources(client):
    chain = vegetable_chain()
    text = page(client, "VEG-M")
    assert "VEG-M" in text and shown(chain["product"]) in text
    assert shown(chain["coop"].party) in text and shown(chain["field"]) in text
    assert f"Merged from 2 farm lots at {shown(chain['field'])}" in text
    assert f"Shipped from {shown(chain['field'])} to {shown(chain['operator'].party)}" in text
    assert f"Received at {shown(chain['cold'])}" in text
    assert "Temperature 1.5 to 4.0 °C" in text or "Temperature 1.5 to 4 °C" in text
    assert "Processed into lot VEG-S1, VEG-S2" in text
    assert "VEG-A" in text and "VEG-B" in text
    # Checked when its last event was written (no check on the page): the mark says when, in Beijing time.
    verified_at = LotVerification.get_by_id(Batch.get(Batch.lot_code == "VEG-M").id).verified_at
    assert f"✔ Verified · {to_local(verified_at):%Y-%m-%d %H:%M}" in text
    assert "<svg" in text and 'class="map"' in text


def test_yak_cut_names_the_ear_tag(client):
    yak_chain()
    text = page(client, "YAK-CUT1")
    assert f"Cut from the carcass of yak {EAR_TAG}" in text
    assert "YAK-1" in text and "YAK-C" in text


def test_no_personal_data_on_the_page(client):
    chain = vegetable_chain()
    text = page(client, "VEG-M")
    for party in (chain["coop"].party, chain["operator"].party):
        assert party.phone not in text
        assert party.credit_code not in text
    for user in (chain["coop"], chain["operator"]):
        assert user.email not in text and user.name not in text


def test_recall_banner_for_the_batch_and_for_an_upstream_lot(client):
    chain = vegetable_chain()
    assert "has been recalled" not in page(client, "VEG-M")
    Batch.update(status="recalled").where(Batch.id == chain["a"].id).execute()
    announce_write()  # written behind the services' back: kept pages learn of it from the data version
    text = page(client, "VEG-M")
    assert "A lot this batch was made from has been recalled" in text
    Batch.update(status="recalled").where(Batch.lot_code == "VEG-M").execute()
    announce_write()
    assert "This batch has been recalled" in page(client, "VEG-M")


def test_scans_are_counted_and_a_copied_label_is_flagged(client):
    batch = make_batch(product=make_product(unit="punnet", category="strawberry"), quantity=2)
    url = f"/t/{batch.public_token}"
    client.get(url)
    client.head(url)
    assert "scanned 2 times" in client.get(url, headers=EN).get_data(as_text=True)
    assert "scanned 1 time since" in client.get(f"/t/{make_batch().public_token}", headers=EN).get_data(True)
    assert "label may have been copied" not in client.get(url, headers=EN).get_data(as_text=True)
    Scan.insert_many([{"batch_id": batch.id}] * 30).execute()
    assert "label may have been copied" in client.get(url, headers=EN).get_data(as_text=True)


def test_languages_by_header_and_by_switch(client):
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    assert 'lang="zh-Hans"' in client.get(url).get_data(as_text=True)
    assert "批次号" in client.get(url).get_data(as_text=True)
    for tag in ("zh-HK", "zh-TW", "zh-Hant"):
        text = client.get(url, headers={"Accept-Language": tag}).get_data(as_text=True)
        assert 'lang="zh-Hant"' in text and "批次號" in text and "此碼已被掃描" in text, tag
    assert "Lot code" in client.get(url, headers=EN).get_data(as_text=True)
    switched = client.get(f"/lang/zh_Hant?next={url}")
    assert switched.status_code == 302 and switched.headers["Location"].endswith(url)
    text = client.get(url, headers=EN).get_data(as_text=True)
    assert 'lang="zh-Hant"' in text and "流轉歷程" in text


def test_traditional_cookie_reads_simplified_on_untranslated_pages(client):
    client.get("/lang/zh_Hant?next=/login")
    assert 'lang="zh-Hans"' in client.get("/login").get_data(as_text=True)


def test_unknown_and_malformed_tokens_give_a_friendly_404_in_the_visitors_language(client):
    for bad in ("unknown-token-xyz", "a", "x" * 300, "abc%20def", "%E4%B8%AD%E6%96%87", "abc%00"):
        response = client.get(f"/t/{bad}", headers=EN)
        assert response.status_code == 404, bad
        assert response.mimetype == "text/html"
        assert "Code not found" in response.get_data(as_text=True)
    hant = client.get("/t/unknown-token-xyz", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert "查無此碼" in hant
    assert client.get("/t/" + "a/" * 400).status_code == 404
    assert client.get("/t/").status_code == 404


def test_page_is_light_self_contained_and_queries_are_bounded(app, client):
    vegetable_chain()
    url = f"/t/{token('VEG-M')}"
    with count_queries() as counter:
        response = client.get(url, headers=EN)
    assert counter.count <= 24  # the facts gathered (a dozen queries) and kept (a short write)
    app.extensions["public_page_cache"].clear()
    with count_queries() as kept:
        assert client.get(url, headers=EN).get_data(as_text=True) == response.get_data(
            as_text=True).replace("scanned 1 time", "scanned 2 times")
    # Drawn from the kept facts: the version, one read (facts, chain check, scans), and the scan counted and written
    # at once (the testing settings; a server holds scans and counts from its tally).
    assert kept.count <= 4, [q.msg[0][:60] for q in kept.get_queries()]
    assert len(response.data) < 60 * 1024
    text = response.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert "<script" not in text
