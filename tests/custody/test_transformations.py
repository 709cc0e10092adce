"""Transformations keep mass balance, never use more than is on hand, and keep the yak's ear tag."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from supply.clock import LOCAL_TZ
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.services.errors import Conflict
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from tests.builders.custody import PLANTED_AT
from tests.builders.custody import SEEDLINGS_ON
from tests.builders.custody import register
from tests.builders.custody import run
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

EAR_TAG = "263012100001234"


@pytest.fixture()
def coop(app):
    user = make_user()
    return {"user": user, "site": make_site(party=user.party, kind="packhouse"), "veg": make_product()}


def test_merge_balances_outputs_and_loss_against_inputs(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "500")
    b = register(coop["user"], coop["site"], coop["veg"], "300")
    result = run(coop["user"], "merge", coop["site"], [(a, "500"), (b, "300")], [{"quantity": "790"}],
                 loss="10", loss_reason="trimming")
    merged = result["outputs"][0]
    assert merged.quantity == Decimal("790") and merged.product_id == coop["veg"].id
    assert Batch.get_by_id(a.id).status == "consumed" and Batch.get_by_id(a.id).on_hand == 0
    parents = {link.parent_id: link.quantity for link in BatchLink.select().where(BatchLink.child == merged.id)}
    assert parents == {a.id: Decimal("500"), b.id: Decimal("300")}
    event = result["event"]
    assert event.event_type == "TransformationEvent" and event.data["balance"]["loss"] == "10"


def test_unbalanced_merge_is_refused_and_writes_nothing(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "500")
    b = register(coop["user"], coop["site"], coop["veg"], "300")
    events = Event.select().count()
    with pytest.raises(Invalid) as error:
        run(coop["user"], "merge", coop["site"], [(a, "500"), (b, "300")], [{"quantity": "800.5"}])
    assert error.value.errors == {"outputs": ["Outputs plus loss must equal the inputs used: in 800 kg, out plus "
                                              "loss 800.5 kg."]}
    assert Event.select().count() == events
    assert Batch.get_by_id(a.id).on_hand == Decimal("500")


def test_using_more_than_is_on_hand_is_a_conflict(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "100")
    with pytest.raises(Conflict) as error:
        run(coop["user"], "split", coop["site"], [(a, "150")], [{"quantity": "75"}, {"quantity": "75"}])
    assert "inputs.0.quantity" in error.value.errors
    assert Batch.get_by_id(a.id).on_hand == Decimal("100")


def test_split_makes_new_lots_that_trace_to_the_input(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "100")
    result = run(coop["user"], "split", coop["site"], [(a, "60")], [{"quantity": "30", "lot_code": "SPLIT-A"},
                                                                     {"quantity": "30"}])
    codes = {b.lot_code for b in result["outputs"]}
    assert "SPLIT-A" in codes and len(codes) == 2
    assert Batch.get_by_id(a.id).on_hand == Decimal("40")


def test_slaughter_and_cut_keep_the_ear_tag(coop):
    abattoir = make_site(party=coop["user"].party, kind="abattoir")
    yak = make_product(category="live_yak", unit="head")
    meat = make_product(category="yak_meat", unit="kg")
    animal = register(coop["user"], abattoir, yak, "1", ear_tag=EAR_TAG)
    carcass = run(coop["user"], "slaughter", abattoir, [(animal, None)],
                  [{"product": meat.code, "quantity": "182.5"}])["outputs"][0]
    assert carcass.ear_tag == EAR_TAG and carcass.unit == "kg"
    assert Batch.get_by_id(animal.id).status == "consumed"
    cuts = run(coop["user"], "cut", abattoir, [(carcass, "182.5")],
               [{"product": meat.code, "quantity": "60"}, {"product": meat.code, "quantity": "110"}],
               loss="12.5", loss_reason="bone")["outputs"]
    assert [c.ear_tag for c in cuts] == [EAR_TAG, EAR_TAG]


def test_slaughter_takes_only_a_live_yak(coop):
    veg = register(coop["user"], coop["site"], coop["veg"], "10")
    meat = make_product(category="yak_meat", unit="kg")
    with pytest.raises(Invalid) as error:
        run(coop["user"], "slaughter", coop["site"], [(veg, None)], [{"product": meat.code, "quantity": "5"}])
    assert "inputs.0.lot" in error.value.errors


def test_a_unit_change_uses_inputs_whole_and_records_the_yield(coop):
    yak = make_product(category="live_yak", unit="head")
    meat = make_product(category="yak_meat", unit="kg")
    animal = register(coop["user"], coop["site"], yak, "1", ear_tag=EAR_TAG)
    event = run(coop["user"], "slaughter", coop["site"], [(animal, None)],
                [{"product": meat.code, "quantity": "170"}])["event"]
    assert event.data["balance"]["mode"] == "unit_change"
    assert event.data["balance"]["yield"] == [{"unit": "kg", "quantity": "170"}]


def test_berries_trace_back_to_the_seedling_lot_through_the_planting(coop):
    field = make_site(party=coop["user"].party, kind="field")
    seedlings = make_product(category="strawberry_seedling", unit="plant")
    berries = make_product(category="strawberry", unit="kg")
    plants = register(coop["user"], field, seedlings, "2000", produced_on=SEEDLINGS_ON)
    planting = run(coop["user"], "planting", field, [(plants, "1500")], [], time=PLANTED_AT)["planting"]
    assert planting.code.startswith("PL")
    assert Batch.get_by_id(plants.id).on_hand == Decimal("500")
    harvest = register(coop["user"], field, berries, "350", planting=planting.code)
    link = BatchLink.get(BatchLink.child == harvest.id)
    assert (link.parent_id, link.kind, link.quantity) == (plants.id, "planting", Decimal("1500"))


def test_a_planting_elsewhere_cannot_be_named(coop):
    field = make_site(party=coop["user"].party, kind="field")
    other_field = make_site(party=coop["user"].party, kind="field")
    plants = register(coop["user"], field, make_product(category="strawberry_seedling", unit="plant"), "10")
    planting = run(coop["user"], "planting", field, [(plants, "10")], [])["planting"]
    with pytest.raises(Invalid) as error:
        register(coop["user"], other_field, make_product(category="strawberry", unit="kg"), "5",
                 planting=planting.code)
    assert error.value.errors == {"planting": ["This planting is at another site."]}


def test_transforming_at_another_partys_site_is_forbidden(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "100")
    stranger = make_user()
    with pytest.raises(Forbidden):
        run(stranger, "split", coop["site"], [(a, "50")], [{"quantity": "25"}, {"quantity": "25"}])


def test_the_api_answers_409_for_more_than_on_hand(client, coop):
    a = register(coop["user"], coop["site"], coop["veg"], "100")
    response = client.post("/api/v1/transformations", headers=auth_header(coop["user"]), json={
        "kind": "split", "site": coop["site"].code, "inputs": [{"lot": a.lot_code, "quantity": "101"}],
        "outputs": [{"quantity": "50"}, {"quantity": "51"}]})
    assert response.status_code == 409
    assert response.json["errors"]["inputs.0.quantity"][0] == "More than is on hand."


def test_an_output_made_late_in_the_evening_is_dated_by_the_local_day(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "10")
    evening = datetime.datetime(2026, 7, 3, 22, 30, tzinfo=LOCAL_TZ)
    outputs = run(coop["user"], "split", coop["site"], [(a, "10")], [{"quantity": "5"}, {"quantity": "5"}],
                  time=evening)["outputs"]
    assert {b.produced_on for b in outputs} == {datetime.date(2026, 7, 3)}
