"""No green on red: a carried claim loses its ✔ on a recalled or held lot, and while a certificate behind it is
suspended or revoked today; the page says what the lot was certified as and why it is greyed."""

from __future__ import annotations

import datetime

import pytest

from supply.clock import local_today
from supply.models import Batch
from supply.services.certification.claims import batch_certification
from supply.services.certification.standing import claim_standings
from supply.services.inspection.holds import place_hold
from supply.services.recalls.recalls import open_recall
from tests.builders.custody import register
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.validity import certify

EN = {"Accept-Language": "en"}
HANS = {"Accept-Language": "zh-CN"}
pytestmark = pytest.mark.usefixtures("database_url")
D = datetime.date


@pytest.fixture()
def organic_lot():
    """A farm's organic broccoli lot, harvested while its organic certificate was valid."""
    farmer = make_user(role="producer", party=make_party(kind="farm"))
    field = make_site(party=farmer.party, kind="field")
    lot = register(farmer, field, make_product(category="vegetable", unit="kg"), "100", lot_code="ORG-LOT")
    return {"farmer": farmer, "lot": lot}


def certificates_card(client, lot: str, headers=EN) -> str:
    """Return the certificates card of a lot's public page."""
    text = client.get(f"/t/{Batch.get(Batch.lot_code == lot).public_token}", headers=headers).get_data(as_text=True)
    start = text.index('id="certificates"')
    return text[start:text.index("</section>", start)]


def test_a_certified_lot_in_good_standing_shows_the_mark(client, organic_lot):
    certify(party=organic_lot["farmer"].party, number="ORG-1", valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    card = certificates_card(client, "ORG-LOT")
    assert "✔ Organic" in card and "mark-greyed" not in card


def test_a_recalled_lot_shows_no_mark_but_what_it_was_certified_as(client, organic_lot):
    certify(party=organic_lot["farmer"].party, number="ORG-1")
    open_recall(make_user(role="inspector"), {"lot": "ORG-LOT", "level": 2, "reason": "农残超标"})
    card = certificates_card(client, "ORG-LOT")
    assert "✔" not in card
    assert "Organic: certified on the lot's date; this lot is recalled." in card
    assert "✔" not in certificates_card(client, "ORG-LOT", HANS)


def test_a_held_lot_shows_no_mark(client, organic_lot):
    certify(party=organic_lot["farmer"].party, number="ORG-1")
    place_hold(make_user(role="inspector"), Batch.get(Batch.lot_code == "ORG-LOT"), "快检阳性")
    card = certificates_card(client, "ORG-LOT")
    assert "✔" not in card and "Organic: certified on the lot's date; this lot is on hold." in card


def test_a_certificate_suspended_today_greys_the_claim_with_its_date(client, organic_lot):
    suspended_on = local_today() - datetime.timedelta(days=3)
    certify(party=organic_lot["farmer"].party, number="ORG-1", status="suspended", status_from=suspended_on,
            changes=[("suspend", suspended_on)])
    card = certificates_card(client, "ORG-LOT")
    assert "✔" not in card
    assert f"Organic: certified on the lot's date; the certificate is suspended from {suspended_on}." in card
    assert f"Suspended from {suspended_on}" in card  # the certificate itself, as it stands today


def test_a_suspension_dated_later_keeps_the_mark_until_its_day(organic_lot):
    later = local_today() + datetime.timedelta(days=10)
    certify(party=organic_lot["farmer"].party, number="ORG-1", status="suspended", status_from=later,
            changes=[("suspend", later)])
    certification = batch_certification(Batch.get(Batch.lot_code == "ORG-LOT"))
    [today] = claim_standings(certification, recalled=False, held=False, today=local_today())
    [then] = claim_standings(certification, recalled=False, held=False, today=later)
    assert (today.standing, then.standing, then.since) == ("certified", "suspended", later)
