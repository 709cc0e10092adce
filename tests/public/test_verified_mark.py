"""The scan page says when the lot's hash chain was last verified, in every language; a lot found broken shows the
warning (on a kept page too, at once); a lot not verified yet says so; the page never checks the chain itself."""

from __future__ import annotations

import datetime

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import LotVerification
from supply.services.custody.verifier import verify_round
from tests.builders.custody import register
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.tampering import tampering

EN = {"Accept-Language": "en"}
HANS = {"Accept-Language": "zh-CN"}
HANT = {"Accept-Language": "zh-TW"}
GTIN = "06901234567892"
# 2026-12-07 10:40:05 in Beijing, as stored (UTC).
CHECKED = datetime.datetime(2026, 12, 7, 2, 40, 5)
BROKEN = {"en": "✖ The record of this batch could not be verified.", "zh_Hans": "✖ 这批产品的记录无法核验。",
          "zh_Hant": "✖ 此批次的記錄未能通過驗證。"}


def a_lot(lot_code: str = "VERIFY-1") -> Batch:
    """Register a lot through the service (so it is verified at its write), of a product with a GTIN."""
    user = make_user(role="producer")
    return register(user, make_site(party=user.party), make_product(gtin=GTIN), "50", lot_code=lot_code)


def text_of(client, lot: Batch, headers=EN) -> str:
    """Fetch a lot's scan page and return its text."""
    response = client.get(f"/t/{lot.public_token}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def checked_at(lot: Batch, when: datetime.datetime) -> None:
    """Say the lot's chain was last verified (intact) at a given time."""
    LotVerification.update(verified_at=when, intact=True).where(LotVerification.batch == lot.id).execute()


def forge(lot: Batch) -> None:
    """Alter the lot's registration event behind the service's back."""
    event = Event.select().join(EventBatch).where(EventBatch.batch == lot.id).get()
    with tampering("event"):
        Event.update(doc_number="forged").where(Event.id == event.id).execute()


def test_the_mark_says_when_the_lot_was_last_verified_in_every_language(client):
    lot = a_lot()
    checked_at(lot, CHECKED)
    assert "✔ Verified · 2026-12-07 10:40" in text_of(client, lot, EN)
    assert "✔ 已核验 · 2026-12-07 10:40" in text_of(client, lot, HANS)
    assert "✔ 已驗證 · 2026-12-07 10:40" in text_of(client, lot, HANT)
    assert "At that check the history of this batch had not been altered." in text_of(client, lot, EN)


def test_a_lot_found_broken_shows_the_warning_even_on_a_kept_page(client):
    lot = a_lot()
    for _ in range(2):  # rendered, then kept
        assert "✔ Verified · " in text_of(client, lot)
    forge(lot)
    # The page does not check on its own: until the verifier has found it, the last check is what it shows.
    assert "✔ Verified · " in text_of(client, lot)

    assert verify_round(10).newly_broken == ["VERIFY-1"]

    english, simplified, traditional = (text_of(client, lot, h) for h in (EN, HANS, HANT))
    assert BROKEN["en"] in english and "Verified · " not in english
    assert BROKEN["zh_Hans"] in simplified and "已核验" not in simplified
    assert BROKEN["zh_Hant"] in traditional and "已驗證 ·" not in traditional


def test_a_lot_not_verified_yet_says_so_plainly(client):
    lot = make_batch()  # inserted behind the services, as an old database's lots were: no check recorded yet
    english = text_of(client, lot)
    assert "The record of this batch has not been verified yet." in english
    assert "✔ Verified" not in english and BROKEN["en"] not in english
    assert "这批产品的记录尚未核验。" in text_of(client, lot, HANS)
    assert "此批次的記錄尚未驗證。" in text_of(client, lot, HANT)


def test_the_public_json_gives_when_the_record_was_verified(client):
    lot = a_lot()
    checked_at(lot, CHECKED)
    url = f"/01/{GTIN}/10/{lot.lot_code}?linkType=gs1:traceability"
    answer = client.get(url, base_url="https://trace.example.cn", follow_redirects=True).get_json()
    assert (answer["record_verified"], answer["record_verified_at"]) == (True, "2026-12-07T10:40:05+08:00")

    forge(lot)
    report = verify_round(10)
    answer = client.get(url, base_url="https://trace.example.cn", follow_redirects=True).get_json()
    assert answer["record_verified"] is False
    assert answer["record_verified_at"] == report.started.replace(tzinfo=datetime.UTC).astimezone(
        datetime.timezone(datetime.timedelta(hours=8))).isoformat(timespec="seconds")

    never = make_batch(product=make_product(gtin="06901234567885"), lot_code="NEVER-1")
    answer = client.get(f"/01/06901234567885/10/{never.lot_code}?linkType=gs1:traceability",
                        base_url="https://trace.example.cn", follow_redirects=True).get_json()
    assert (answer["record_verified"], answer["record_verified_at"]) == (None, None)
