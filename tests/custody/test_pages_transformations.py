"""The transformation page: one form per kind, through the same schema and service as the API."""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import Planting
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import banner
from tests.builders.pages import field_error
from tests.builders.pages import flash
from tests.builders.pages import input_value
from tests.builders.pages import log_in
from tests.builders.pages import selected

EAR_TAG = "163012345678901"


@pytest.fixture()
def plant(client):
    """A signed-in operator with a packhouse, an abattoir and a nursery, and a vegetable in kg."""
    user = make_user(role="operator")
    party = user.party
    log_in(client, user)
    return SimpleNamespace(
        user=user, packhouse=make_site(party=party, kind="packhouse"), abattoir=make_site(party=party, kind="abattoir"),
        nursery=make_site(party=party, kind="nursery"), veg=make_product(category="vegetable", unit="kg"),
    )


def form(kind: str, site, inputs=(), outputs=(), **overrides) -> dict:
    """Fill the form of a kind: rows of (lot, quantity) and of (product, quantity, unit, lot code)."""
    data = {"kind": kind, "site": site.code, "time": "2026-07-16T09:00", "loss": "", "loss_reason": "",
            "doc_number": "", "input_rows": "5", "output_rows": "5"}
    for i in range(5):
        lot, quantity = inputs[i] if i < len(inputs) else ("", "")
        data.update({f"inputs.{i}.lot": lot, f"inputs.{i}.quantity": quantity})
        product, quantity, unit, lot_code = outputs[i] if i < len(outputs) else ("", "", "", "")
        data.update({f"outputs.{i}.product": product, f"outputs.{i}.quantity": quantity, f"outputs.{i}.unit": unit,
                     f"outputs.{i}.lot_code": lot_code})
    data.update(overrides)
    return data


def new_lot(response) -> Batch:
    """Return the batch whose page a successful form redirected to."""
    assert response.status_code == 302, response.text
    lot = response.headers["Location"].rsplit("/batches/", 1)[1]
    return Batch.get(Batch.lot_code == lot)


def fresh(batch: Batch) -> Batch:
    """Read a batch again."""
    return Batch.get_by_id(batch.id)


@pytest.mark.parametrize("kind", ["merge", "split", "grade_pack", "repack", "slaughter", "cut", "planting"])
def test_each_kind_has_its_form(client, plant, kind):
    html = client.get(f"/transformations/?kind={kind}").text
    assert f'<input type="hidden" name="kind" value="{kind}">' in html
    assert f'<option value="{plant.packhouse.code}"' in html
    assert 'name="inputs.0.lot"' in html
    assert ('name="outputs.0.product"' in html) is (kind != "planting")
    assert ('name="inputs.1.lot"' in html) is (kind not in ("split", "slaughter", "cut"))
    assert 'name="csrf_token"' in html


def test_page_in_chinese(client, plant):
    client.set_cookie("lang", "zh_Hans")
    html = client.get("/transformations/?kind=split").text
    assert '<html lang="zh-Hans">' in html
    assert "数量" in html and "单位" in html  # "Quantity", "Unit"


def test_slaughter_offers_only_live_yak_lots(client, plant):
    yak = make_batch(site=plant.abattoir, product=make_product(category="live_yak", unit="head"),
                     quantity=Decimal("1"), ear_tag=EAR_TAG)
    veg = make_batch(site=plant.packhouse, product=plant.veg)
    html = client.get("/transformations/?kind=slaughter").text
    assert f'<option value="{yak.lot_code}"' in html
    assert f'<option value="{veg.lot_code}"' not in html
    assert f'<option value="{veg.lot_code}"' in client.get("/transformations/?kind=split").text


def test_lot_in_the_address_fills_in_site_and_input(client, plant):
    lot = make_batch(site=plant.packhouse, product=plant.veg)
    html = client.get(f"/transformations/?kind=split&lot={lot.lot_code}").text
    assert selected(html, "site") == plant.packhouse.code
    assert selected(html, "inputs.0.lot") == lot.lot_code
    assert f'href="/transformations/?kind=merge&amp;lot={lot.lot_code}"' in html  # the kind tabs keep the lot


def test_merge_makes_one_lot_of_the_inputs(client, plant):
    a = make_batch(site=plant.packhouse, product=plant.veg, quantity=Decimal("300"))
    b = make_batch(site=plant.packhouse, product=plant.veg, quantity=Decimal("200"))
    response = client.post("/transformations/", data=form(
        "merge", plant.packhouse, inputs=[(a.lot_code, ""), (b.lot_code, "")], outputs=[("", "500", "", "M-0716")]))
    merged = new_lot(response)
    assert merged.lot_code == "M-0716"
    assert (merged.quantity, merged.unit, merged.product_id) == (Decimal("500"), "kg", plant.veg.id)
    assert (fresh(a).on_hand, fresh(b).on_hand, fresh(a).status) == (0, 0, "consumed")
    assert {link.parent_id for link in BatchLink.select().where(BatchLink.child == merged.id)} == {a.id, b.id}
    page = client.get(response.headers["Location"]).text
    assert "Merge recorded. New lots: M-0716." in flash(page)


def test_split_with_loss_makes_several_lots(client, plant):
    lot = make_batch(site=plant.packhouse, product=plant.veg, quantity=Decimal("500"))
    response = client.post("/transformations/", data=form(
        "split", plant.packhouse, inputs=[(lot.lot_code, "500")],
        outputs=[("", "200", "", ""), ("", "", "", ""), ("", "250", "", "")], loss="50", loss_reason="修整损耗"))
    first = new_lot(response)
    children = list(BatchLink.select().where(BatchLink.parent == lot.id))
    assert sorted(Batch.get_by_id(c.child_id).quantity for c in children) == [Decimal("200"), Decimal("250")]
    assert first.quantity == Decimal("200")
    assert fresh(lot).on_hand == 0


def test_mass_balance_violation_shows_the_message_and_writes_nothing(client, plant):
    lot = make_batch(site=plant.packhouse, product=plant.veg, quantity=Decimal("500"))
    batches, events = Batch.select().count(), Event.select().count()
    response = client.post("/transformations/", data=form(
        "split", plant.packhouse, inputs=[(lot.lot_code, "500")], outputs=[("", "200", "", ""), ("", "200", "", "")]))
    assert response.status_code == 422
    assert field_error(response.text, "outputs") == ("Outputs plus loss must equal the inputs used: in 500 kg, "
                                                     "out plus loss 400 kg.")
    assert input_value(response.text, "outputs.1.quantity") == "200"  # what was typed comes back
    assert (Batch.select().count(), Event.select().count()) == (batches, events)
    assert fresh(lot).on_hand == Decimal("500")


def test_more_than_on_hand_is_shown_beside_the_input(client, plant):
    a = make_batch(site=plant.packhouse, product=plant.veg, quantity=Decimal("300"))
    b = make_batch(site=plant.packhouse, product=plant.veg, quantity=Decimal("200"))
    batches = Batch.select().count()
    response = client.post("/transformations/", data=form(
        "merge", plant.packhouse, inputs=[("", ""), (a.lot_code, "300"), (b.lot_code, "250")],
        outputs=[("", "550", "", "")]))
    assert response.status_code == 422
    assert "More than is on hand." in field_error(response.text, "inputs.1.quantity")  # the second row kept
    assert field_error(response.text, "inputs.0.quantity") == ""
    assert Batch.select().count() == batches
    assert (fresh(a).on_hand, fresh(b).on_hand) == (Decimal("300"), Decimal("200"))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"inputs.0.quantity": "x"}, "inputs.0.quantity", "Not a valid number."),
        ({"inputs.0.lot": "NO-SUCH"}, "inputs.0.lot", "No batch with this lot code."),
        ({"inputs.0.lot": "", "inputs.0.quantity": ""}, "inputs", "Give between 1 and 500 items."),
        ({"inputs.0.lot": ""}, "inputs.0.lot", "Missing data for required field."),
        ({"outputs.0.unit": "head"}, "outputs.0.unit", "This unit does not fit the product category."),
        ({"outputs.0.product": "NO-SUCH"}, "outputs.0.product", "Unknown product code."),
        ({"outputs.0.lot_code": "A B"}, "outputs.0.lot_code", "Use 1 to 20 characters of the GS1 set"),
        ({"outputs.0.lot_code": "西宁1"}, "outputs.0.lot_code", "Use 1 to 20 characters of the GS1 set"),
        ({"outputs.1.lot_code": "{taken}"}, "outputs.1.lot_code", "This lot code is taken."),
        ({"site": "NO-SUCH"}, "site", "Unknown site code."),
        ({"time": "tomorrow"}, "time", "Not a valid datetime."),
        ({"loss": "-1"}, "loss", "Must not be negative."),
    ],
)
def test_bad_input_is_shown_beside_the_field(client, plant, overrides, field, message):
    lot = make_batch(site=plant.packhouse, product=plant.veg, quantity=Decimal("500"))
    taken = make_batch(product=plant.veg)
    data = form("split", plant.packhouse, inputs=[(lot.lot_code, "500")],
                outputs=[("", "250", "", ""), ("", "250", "", "")])
    data.update({key: value.format(taken=taken.lot_code) for key, value in overrides.items()})
    batches = Batch.select().count()
    response = client.post("/transformations/", data=data)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert "Please correct the fields marked below." in banner(response.text)
    assert Batch.select().count() == batches
    assert fresh(lot).on_hand == Decimal("500")


def test_another_partys_site_is_refused_beside_the_site(client, plant):
    foreign = make_site(party=make_party(kind="operator"))
    lot = make_batch(site=foreign, product=plant.veg)
    response = client.post("/transformations/", data=form(
        "split", foreign, inputs=[(lot.lot_code, "")], outputs=[("", "250", "", ""), ("", "250", "", "")]))
    assert response.status_code == 422
    assert field_error(response.text, "site") == "This site belongs to another party."
    assert fresh(lot).on_hand == Decimal("500")


def test_slaughter_and_cut_keep_the_ear_tag(client, plant):
    yak = make_batch(site=plant.abattoir, product=make_product(category="live_yak", unit="head"),
                     quantity=Decimal("1"), ear_tag=EAR_TAG)
    carcass_product = make_product(category="yak_meat", unit="kg")
    carcass = new_lot(client.post("/transformations/", data=form(
        "slaughter", plant.abattoir, inputs=[(yak.lot_code, "")], outputs=[(carcass_product.code, "220.5", "", "")])))
    assert (carcass.ear_tag, carcass.quantity, carcass.unit) == (EAR_TAG, Decimal("220.5"), "kg")
    assert fresh(yak).status == "consumed"

    brisket, shank = make_product(category="yak_meat", unit="kg"), make_product(category="yak_meat", unit="kg")
    response = client.post("/transformations/", data=form(
        "cut", plant.abattoir, inputs=[(carcass.lot_code, "")],
        outputs=[(brisket.code, "100", "", ""), (shank.code, "110", "", "")], loss="10.5", loss_reason="骨头"))
    first = new_lot(response)
    cuts = [Batch.get_by_id(link.child_id)
            for link in BatchLink.select().where(BatchLink.parent == carcass.id)]
    assert first in cuts
    assert sorted((c.product_id, c.ear_tag) for c in cuts) == [(brisket.id, EAR_TAG), (shank.id, EAR_TAG)]


def test_slaughter_needs_a_meat_product(client, plant):
    yak = make_batch(site=plant.abattoir, product=make_product(category="live_yak", unit="head"),
                     quantity=Decimal("1"), ear_tag=EAR_TAG)
    response = client.post("/transformations/", data=form(
        "slaughter", plant.abattoir, inputs=[(yak.lot_code, "")], outputs=[("", "220", "kg", "")]))
    assert response.status_code == 422
    assert field_error(response.text, "outputs.0.product") == "Name the product of this output."
    assert fresh(yak).on_hand == 1


def test_planting_shows_the_planting_code(client, plant):
    seedlings = make_batch(site=plant.nursery, product=make_product(category="strawberry_seedling", unit="plant"),
                           quantity=Decimal("1000"))
    response = client.post("/transformations/", data=form("planting", plant.nursery,
                                                          inputs=[(seedlings.lot_code, "600")]))
    assert response.status_code == 302
    planting = Planting.get(Planting.site == plant.nursery.id)
    assert fresh(seedlings).on_hand == Decimal("400")
    page = client.get(response.headers["Location"]).text
    assert planting.code in flash(page)
    assert "name it when you register the harvest" in flash(page)


def test_planting_in_a_packhouse_is_refused(client, plant):
    seedlings = make_batch(site=plant.packhouse, product=make_product(category="strawberry_seedling", unit="plant"),
                           quantity=Decimal("10"))
    response = client.post("/transformations/", data=form("planting", plant.packhouse,
                                                          inputs=[(seedlings.lot_code, "")]))
    assert response.status_code == 422
    assert field_error(response.text, "site") == "Seedlings are planted in a field, greenhouse or nursery."
    assert not Planting.select().exists()
    assert fresh(seedlings).on_hand == Decimal("10")


def test_more_rows_keeps_what_was_typed(client, plant):
    lot = make_batch(site=plant.packhouse, product=plant.veg)
    response = client.post("/transformations/", data=form(
        "grade_pack", plant.packhouse, inputs=[(lot.lot_code, "")], outputs=[("", "5", "carton", "")],
        more="output_rows"))
    assert response.status_code == 200
    assert len(re.findall(r'name="outputs\.\d+\.quantity"', response.text)) == 10
    assert selected(response.text, "outputs.0.unit") == "carton"
    assert fresh(lot).on_hand == Decimal("500")


def test_inspectors_may_not_transform(client, plant):
    log_in(client, make_user(role="inspector"))
    assert client.get("/transformations/").status_code == 403
