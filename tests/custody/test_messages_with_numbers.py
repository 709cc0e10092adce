"""Refusals name the numbers and the places, in the reader's language, the same on the pages and in the API."""

from __future__ import annotations

from tests.builders.custody import register
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in


def _world():
    user = make_user()
    field = make_site(party=user.party, kind="field", name="一号地")
    cold = make_site(party=user.party, kind="cold_store", name="预冷库")
    return user, field, cold, make_product()


def test_taking_from_a_site_that_holds_none_names_where_the_lot_is(client):
    user, field, cold, veg = _world()
    lot = register(user, cold, veg, "1250")
    body = {"kind": "split", "site": field.code, "inputs": [{"lot": lot.lot_code, "quantity": "100"}],
            "outputs": [{"quantity": "50"}, {"quantity": "50"}]}
    client.set_cookie("lang", "zh_Hans")  # the API answers in the language the user chose
    response = client.post("/api/v1/transformations", headers=auth_header(user), json=body)
    assert response.status_code == 409
    assert response.json["errors"]["inputs.0.quantity"] == [
        "超过现有库存。", f"批次 {lot.lot_code} 在 一号地 有 0 千克；在 预冷库 有 1,250 千克。"]
    client.delete_cookie("lang")
    english = client.post("/api/v1/transformations", headers=auth_header(user), json=body)
    assert english.json["errors"]["inputs.0.quantity"][1] == (
        f"Lot {lot.lot_code} at 一号地: 0 kg; at 预冷库: 1,250 kg.")


def test_an_unbalanced_merge_says_what_went_in_and_what_came_out(client):
    user, _field, cold, veg = _world()
    a = register(user, cold, veg, "4000")
    b = register(user, cold, veg, "240")
    log_in(client, user, lang="zh_Hans")
    response = client.post("/transformations/", data={
        "kind": "merge", "site": cold.code, "inputs.0.lot": a.lot_code, "inputs.0.quantity": "4000",
        "inputs.1.lot": b.lot_code, "inputs.1.quantity": "240", "outputs.0.quantity": "4250", "loss": "50"})
    assert response.status_code == 422
    assert field_error(response.text, "outputs") == "产出加损耗须等于投入：投入 4,240 千克，产出加损耗 4,300 千克。"
