"""Holds: a failing test holds the lot and everything made from it; held lots cannot move until released."""

from __future__ import annotations

from decimal import Decimal

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Hold
from supply.models import HoldBatch
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import table_counts
from tests.builders.api import unchanged
from tests.builders.chains import register
from tests.builders.chains import vegetable_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in

DOWNSTREAM = {"VEG-A", "VEG-M", "VEG-S1", "VEG-S2", "VEG-P1"}


def status(lot: str) -> str:
    """Return a lot's stored status."""
    return Batch.get(Batch.lot_code == lot).status


def failing_test(client, headers, lot="VEG-A", **changes):
    """Post a failing enzyme-inhibition test (62 % inhibition, pass/fail derived) and return the response."""
    body = {"lot": lot, "kind": "pesticide_rapid", "method": "enzyme_inhibition", "analyte": "有机磷和氨基甲酸酯类",
            "value": "62.5", "value_unit": "%", "kit_lot": "KIT-2607", "operator": "李检测",
            "tested_at": "2026-07-16T09:30:00+08:00", **changes}
    return client.post(f"{API}/tests", json=body, headers=headers)


def ship_body(world, lot, quantity="10"):
    """A shipment of a lot from the operator's cold store to a new party."""
    return {"from_site": world["cold"].code, "to_party": make_party(kind="retailer").code,
            "lines": [{"lot": lot, "quantity": quantity}]}


def split_body(world, lot):
    """A split of 20 of a lot at the operator's cold store into two lots."""
    return {"kind": "split", "site": world["cold"].code, "inputs": [{"lot": lot, "quantity": "20"}],
            "outputs": [{"quantity": "10"}, {"quantity": "10"}]}


def test_failing_test_holds_the_lot_and_everything_made_from_it(client):
    world = vegetable_chain()
    inspector = make_user(role="inspector")
    response = failing_test(client, auth_header(inspector))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["passed"] is False  # derived: 62.5 % inhibition >= 50 %
    assert {lot for lot in DOWNSTREAM if status(lot) == "on_hold"} == DOWNSTREAM
    assert status("VEG-B") == "consumed"  # the other input of the merge is not held
    hold = Hold.get()
    assert {line.batch.lot_code for line in HoldBatch.select().where(HoldBatch.hold == hold)} == DOWNSTREAM
    event = Event.get(Event.biz_step == "holding")
    assert event.disposition == "non_sellable_other"
    touched = {line.batch.lot_code for line in EventBatch.select().where(EventBatch.event == event)}
    assert touched == DOWNSTREAM
    inspecting = Event.get(Event.biz_step == "inspecting")
    assert inspecting.disposition == "non_conformant" and inspecting.data["value"] == "62.5"
    listed = client.get(f"{API}/holds", headers=auth_header(inspector)).get_json()["items"]
    assert [set(item["lots"]) for item in listed] == [DOWNSTREAM]
    assert world["a"].lot_code == "VEG-A"


def test_held_lot_cannot_ship_or_transform_and_others_still_can(client):
    world = vegetable_chain()
    failing_test(client, auth_header(make_user(role="inspector")))
    operator = auth_header(world["operator"])
    shipment = ship_body(world, "VEG-S2")
    with unchanged():
        assert_error(client.post(f"{API}/shipments", json=shipment, headers=operator), 409, "lot")
        assert_error(client.post(f"{API}/transformations", json=split_body(world, "VEG-S2"), headers=operator),
                     409, "lot")
    free = register(world["operator"], world["cold"], world["product"], "100", lot_code="VEG-FREE")
    assert client.post(f"{API}/shipments", json=ship_body(world, free.lot_code), headers=operator).status_code == 201
    assert client.post(f"{API}/transformations", json=split_body(world, free.lot_code),
                       headers=operator).status_code == 201


def test_release_needs_a_reason_and_changes_nothing_without_one(client):
    vegetable_chain()
    inspector = auth_header(make_user(role="inspector"))
    failing_test(client, inspector)
    hold = Hold.get()
    for body in ({"reason": "   "}, {"reason": ""}, {}):
        with unchanged():
            assert_error(client.post(f"{API}/holds/{hold.id}/release", json=body, headers=inspector), 422, "reason")
    assert Hold.get_by_id(hold.id).released_at is None
    assert status("VEG-S2") == "on_hold"


def test_release_restores_movement(client):
    world = vegetable_chain()
    inspector = auth_header(make_user(role="inspector"))
    failing_test(client, inspector)
    hold = Hold.get()
    response = client.post(f"{API}/holds/{hold.id}/release", json={"reason": "复检合格（GB/T 5009.199）"},
                           headers=inspector)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["open"] is False
    assert status("VEG-S2") == "active" and status("VEG-A") == "consumed" and status("VEG-M") == "consumed"
    release = Event.select().where(Event.biz_step == "holding", Event.disposition == "active").get()
    assert release.data["reason"] == "复检合格（GB/T 5009.199）"
    operator = auth_header(world["operator"])
    assert client.post(f"{API}/shipments", json=ship_body(world, "VEG-S2"), headers=operator).status_code == 201
    assert_error(client.post(f"{API}/holds/{hold.id}/release", json={"reason": "again"}, headers=inspector), 409)
    assert client.get(f"{API}/holds", headers=inspector).get_json()["items"] == []


def test_release_keeps_lots_another_open_hold_or_a_recall_covers(client):
    vegetable_chain()
    inspector = auth_header(make_user(role="inspector"))
    failing_test(client, inspector)
    response = client.post(f"{API}/holds", json={"lot": "VEG-S1", "reason": "标签不符"}, headers=inspector)
    assert response.status_code == 201
    assert set(response.get_json()["lots"]) == {"VEG-S1", "VEG-P1"}
    Batch.update(status="recalled").where(Batch.lot_code == "VEG-S2").execute()
    first = Hold.select().order_by(Hold.id).first()
    client.post(f"{API}/holds/{first.id}/release", json={"reason": "复检合格"}, headers=inspector)
    assert status("VEG-S1") == "on_hold" and status("VEG-P1") == "on_hold"  # still under the manual hold
    assert status("VEG-S2") == "recalled"
    assert status("VEG-M") == "consumed"


def test_passing_test_holds_nothing(client):
    vegetable_chain()
    before = table_counts()
    response = failing_test(client, auth_header(make_user(role="inspector")), value="12.0")
    assert response.status_code == 201 and response.get_json()["passed"] is True
    after = table_counts()
    assert after["hold"] == before["hold"] and after["hold_batch"] == before["hold_batch"]
    assert all(status(lot) != "on_hold" for lot in DOWNSTREAM)
    assert Event.get(Event.biz_step == "inspecting").disposition == "conformant"


def test_only_inspectors_hold_and_release(client):
    world = vegetable_chain()
    inspector = auth_header(make_user(role="inspector"))
    failing_test(client, inspector)
    hold = Hold.get()
    for user in (world["coop"], world["operator"]):
        headers = auth_header(user)
        with unchanged():
            assert_error(client.post(f"{API}/holds/{hold.id}/release", json={"reason": "ok"}, headers=headers), 403)
            assert_error(client.post(f"{API}/holds", json={"lot": "VEG-S2", "reason": "x"}, headers=headers), 403)
        assert_error(client.get(f"{API}/holds", headers=headers), 403)
    admin = auth_header(make_user(role="admin"))
    assert client.post(f"{API}/holds/{hold.id}/release", json={"reason": "ok"}, headers=admin).status_code == 200
    assert_error(client.post(f"{API}/holds/999999/release", json={"reason": "ok"}, headers=inspector), 404)


def test_manual_hold_needs_a_reason_and_a_known_lot(client):
    vegetable_chain()
    inspector = auth_header(make_user(role="inspector"))
    with unchanged():
        assert_error(client.post(f"{API}/holds", json={"lot": "VEG-S2", "reason": " "}, headers=inspector), 422,
                     "reason")
        assert_error(client.post(f"{API}/holds", json={"lot": "NOPE", "reason": "x"}, headers=inspector), 404)


def test_failing_test_on_a_lot_in_transit_holds_it_and_release_gives_back_in_transit(client):
    coop = make_user(role="producer")
    field = make_site(party=coop.party)
    lot = register(coop, field, make_product(), "50")
    other = make_site(party=make_party(kind="operator"))
    body = {"from_site": field.code, "to_party": other.party.code, "lines": [{"lot": lot.lot_code, "quantity": "50"}]}
    assert client.post(f"{API}/shipments", json=body, headers=auth_header(coop)).status_code == 201
    inspector = auth_header(make_user(role="inspector"))
    failing_test(client, inspector, lot=lot.lot_code, passed=False, method="test_strip", value=None)
    assert status(lot.lot_code) == "on_hold"
    client.post(f"{API}/holds/{Hold.get().id}/release", json={"reason": "误报"}, headers=inspector)
    assert status(lot.lot_code) == "in_transit"
    assert Batch.get_by_id(lot.id).in_transit == Decimal("50")


def test_hold_and_test_events_cannot_be_declared_in_error_and_read_plainly_on_the_batch_page(client):
    vegetable_chain()
    inspector = make_user(role="inspector")
    headers = auth_header(inspector)
    failing_test(client, headers)
    hold = Hold.get()
    released = client.post(f"{API}/holds/{hold.id}/release", json={"reason": "复检合格"}, headers=headers)
    assert released.status_code == 200, released.get_json()
    for step in ("holding", "inspecting"):
        event = Event.select().where(Event.biz_step == step).order_by(Event.id).first()
        with unchanged():
            response = client.post(f"{API}/events/{event.event_id}/declare-error", headers=headers,
                                   json={"reason": "incorrect_data"})
        assert_error(response, 422, "event")
    log_in(client, inspector, "en")
    page = client.get("/batches/VEG-A").get_data(as_text=True)
    for heading in ("Test failed", "Put on hold", "Hold released"):
        assert heading in page


def test_release_page_answers_404_for_an_unknown_hold_and_409_for_a_released_one(client):
    vegetable_chain()
    inspector = make_user(role="inspector")
    failing_test(client, auth_header(inspector))
    hold = Hold.get()
    log_in(client, inspector)
    with unchanged():
        assert client.post("/inspections/holds/999999/release", data={"reason": "复检合格"}).status_code == 404
    assert client.post(f"/inspections/holds/{hold.id}/release", data={"reason": "复检合格"}).status_code == 302
    with unchanged():
        again = client.post(f"/inspections/holds/{hold.id}/release", data={"reason": "复检合格"})
    assert again.status_code == 409


def test_a_lot_made_between_the_walk_and_the_locks_is_held_too(app, monkeypatch):
    """A transformation that commits while a hold waits for its locks: the hold walks again once it has them."""
    from supply.services.custody import stock
    from supply.services.inspection import holds
    from tests.builders.chains import run

    world = vegetable_chain()
    original, pending = stock.lock_batches, [True]

    def lock_after_a_transformation(batch_ids):
        if pending:
            pending.clear()
            run(world["operator"], world["cold"], "grade_pack", [("VEG-S2", None)],
                [{"lot_code": "VEG-P2", "quantity": "24", "unit": "carton"}])
        return original(batch_ids)

    monkeypatch.setattr(stock, "lock_batches", lock_after_a_transformation)
    holds.place_manual_hold(make_user(role="inspector"), {"lot": "VEG-A", "reason": "复检"})
    assert status("VEG-P2") == "on_hold"


def test_the_public_page_names_the_test_method_in_the_visitors_language(client):
    vegetable_chain()
    failing_test(client, auth_header(make_user(role="inspector")))
    token = Batch.get(Batch.lot_code == "VEG-A").public_token
    english = client.get(f"/t/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    traditional = client.get(f"/t/{token}", headers={"Accept-Language": "zh-HK"}).get_data(as_text=True)
    assert "Enzyme inhibition (GB/T 5009.199)" in english and "酶抑制法" in traditional
    assert "enzyme_inhibition" not in english + traditional


def test_the_public_page_names_every_test_method_never_its_key(client):
    vegetable_chain()
    headers = auth_header(make_user(role="inspector"))
    for method in ("pcr", "elisa"):
        response = client.post(f"{API}/tests", json={"lot": "VEG-A", "kind": "seedling_virus", "method": method,
                                                     "passed": True}, headers=headers)
        assert response.status_code == 201, response.get_json()
    token = Batch.get(Batch.lot_code == "VEG-A").public_token
    english = client.get(f"/t/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    traditional = client.get(f"/t/{token}", headers={"Accept-Language": "zh-HK"}).get_data(as_text=True)
    assert " · PCR" in english and " · ELISA" in english and "酶聯免疫法（ELISA）" in traditional
    assert " · pcr" not in english + traditional and " · elisa" not in english + traditional


def test_the_journey_starts_with_the_harvest_day_even_when_the_lot_was_registered_later(client):
    vegetable_chain()
    failing_test(client, auth_header(make_user(role="inspector")), tested_at="2026-07-02T09:30:00+08:00")
    token = Batch.get(Batch.lot_code == "VEG-A").public_token
    page = client.get(f"/t/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    harvest, inspected = page.index("Harvested and registered"), page.index("Inspected at")
    assert harvest < inspected
    assert '<div class="when">2026-07-01</div>' in page  # the harvest day, not the day it was typed in


def test_the_public_page_of_a_held_lot_says_so_until_the_hold_is_released(client):
    vegetable_chain()
    headers = auth_header(make_user(role="inspector"))
    failing_test(client, headers)
    token = Batch.get(Batch.lot_code == "VEG-P1").public_token
    english = client.get(f"/t/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'class="hold"' in english and "on hold until an inspector has checked it" in english
    traditional = client.get(f"/t/{token}", headers={"Accept-Language": "zh-HK"}).get_data(as_text=True)
    assert "該批產品已被扣留" in traditional
    released = client.post(f"{API}/holds/{Hold.get().id}/release", json={"reason": "复检合格"}, headers=headers)
    assert released.status_code == 200
    assert 'class="hold"' not in client.get(f"/t/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
