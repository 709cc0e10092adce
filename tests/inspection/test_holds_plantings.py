"""A lot registered later from held or recalled lots (a harvest of held seedlings' planting) is held or recalled too."""

from __future__ import annotations

import pytest

from supply.models import Batch
from supply.models import RecallLot
from supply.services.inspection import holds
from supply.services.inspection import inspections
from supply.services.recalls import recalls
from tests.builders.chains import run
from tests.builders.custody import PLANTED_AT
from tests.builders.custody import SEEDLINGS_ON
from tests.builders.custody import register
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture()
def planted():
    """Seedlings planted in a field, berries harvested from the planting, and an inspector."""
    farm = make_user(role="producer", party=make_party(kind="farm"))
    field = make_site(party=farm.party, kind="field")
    berry = make_product(category="strawberry", unit="kg")
    seedlings = register(farm, field, make_product(category="strawberry_seedling", unit="plant"), "5000",
                         produced_on=SEEDLINGS_ON)
    planting = run(farm, field, "planting", [(seedlings.lot_code, None)], time=PLANTED_AT)["planting"]
    early = register(farm, field, berry, "800", planting=planting.code)
    return {"farm": farm, "field": field, "berry": berry, "seedlings": seedlings, "planting": planting,
            "early": early, "inspector": make_user(role="inspector")}


def status(batch) -> str:
    """Return a lot's stored status."""
    return Batch.get_by_id(batch.id).status


def harvest(w, quantity="100"):
    """Register a later harvest of the planting."""
    return register(w["farm"], w["field"], w["berry"], quantity, planting=w["planting"].code)


def test_a_later_harvest_of_held_seedlings_is_held_under_the_same_hold_and_released_with_it(planted):
    w = planted
    inspections.record_test(w["inspector"], {"lot": w["seedlings"].lot_code, "kind": "seedling_virus",
                                             "passed": False})
    assert status(w["early"]) == "on_hold"
    late = harvest(w)
    assert status(late) == "on_hold"
    [hold] = holds.list_holds(w["inspector"])
    assert late.lot_code in holds.held_lots([hold.id])[hold.id]
    holds.release_hold(w["inspector"], hold.id, "复检合格")
    assert status(late) == "active"


def test_a_later_harvest_of_recalled_seedlings_is_recalled_and_joins_the_open_recall(planted):
    w = planted
    recall = recalls.open_recall(w["inspector"], {"lot": w["seedlings"].lot_code, "level": 2, "reason": "病毒"})
    late = harvest(w)
    assert status(late) == "recalled"
    line = RecallLot.get(RecallLot.recall == recall.id, RecallLot.batch == late.id)
    assert line.relation == "downstream" and line.quantity == 100


def test_a_harvest_of_a_free_planting_stays_active(planted):
    assert status(harvest(planted)) == "active"
