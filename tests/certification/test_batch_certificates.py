"""A certificate on the batch itself vouches for the lot from the day it was issued: a quarantine certificate for
the shipment it travels with, a virus certificate for seedlings potted before it. It is listed, never hidden, on
the lot's page and, as an upstream fact with its lot, on every page downstream, across plantings too; claims still
count only on the lot's own date."""

from __future__ import annotations

import datetime

import pytest

from supply.models import Batch
from supply.services.certification.claims import batch_certification
from tests.builders.chains import strawberry_chain
from tests.builders.chains import yak_chain
from tests.builders.validity import certify

pytestmark = pytest.mark.usefixtures("database_url")
D = datetime.date
EN = {"Accept-Language": "en"}


def batch(lot: str) -> Batch:
    """Return a lot's batch."""
    return Batch.get(Batch.lot_code == lot)


def numbers(states) -> dict[str, tuple[str, str, str]]:
    """Return each certificate's state, the date it vouches for and its event, by number."""
    return {state.number: (state.state, state.date_vouched.isoformat(), state.event) for state in states}


def test_a_virus_certificate_issued_after_potting_covers_the_seedlings_and_reaches_the_berries(client):
    strawberry_chain()  # seedlings propagated on 2026-05-20, berries harvested on 2026-07-01
    certify("seedling_virus", batch=batch("SEED-1"), number="SV-2026-0142", valid_from=D(2026, 7, 8),
            valid_to=D(2026, 12, 31))
    assert numbers(batch_certification(batch("SEED-1")).certificates) == {
        "SV-2026-0142": ("valid", "2026-07-08", "issue")}
    berries = batch_certification(batch("BERRY-1"))
    assert numbers(berries.upstream) == {"SV-2026-0142": ("valid", "2026-07-08", "issue")}
    assert berries.upstream[0].lots == ["SEED-1"]
    text = client.get(f"/t/{batch('BERRY-1').public_token}", headers=EN).get_data(as_text=True)
    assert "SV-2026-0142" in text and "For this lot from its issue date, 2026-07-08 · Lot SEED-1" in text


def test_the_animals_quarantine_certificate_shows_on_its_cuts(client):
    yak_chain()
    certify("animal_quarantine", batch=batch("YAK-1"), number="QA-6301-0001", valid_from=D(2026, 7, 5),
            valid_to=D(2026, 7, 8))
    cut = batch_certification(batch("YAK-CUT1"))
    assert numbers(cut.upstream)["QA-6301-0001"] == ("valid", "2026-07-05", "issue")
    assert cut.upstream[0].lots == ["YAK-1"]
    text = client.get(f"/t/{batch('YAK-CUT1').public_token}", headers=EN).get_data(as_text=True)
    assert "QA-6301-0001" in text and "Animal quarantine certificate" in text


def test_a_batch_certificate_that_ended_before_the_lot_is_listed_as_expired_not_hidden():
    strawberry_chain()
    certify("seedling_virus", batch=batch("SEED-1"), number="SV-OLD", valid_from=D(2026, 1, 1),
            valid_to=D(2026, 3, 31))
    assert numbers(batch_certification(batch("SEED-1")).certificates) == {"SV-OLD": ("expired", "2026-05-20",
                                                                                      "propagation")}


def test_a_claim_certificate_issued_after_the_lots_date_makes_no_claim():
    strawberry_chain()
    certify("green_food", batch=batch("BERRY-1"), number="LB-15-19012700330A", valid_from=D(2026, 7, 10),
            valid_to=D(2029, 7, 9))
    found = batch_certification(batch("BERRY-1"))
    assert numbers(found.certificates) == {"LB-15-19012700330A": ("valid", "2026-07-10", "issue")}
    assert found.carried == []
