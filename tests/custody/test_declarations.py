"""Error declarations leave the declared event in the history and out of balances and genealogy."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import Shipment
from supply.services.custody.declarations import declare_error
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from supply.services.errors import Conflict
from supply.services.errors import Forbidden
from tests.builders.custody import register
from tests.builders.custody import run
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user


@pytest.fixture()
def coop(app):
    user = make_user()
    return {"user": user, "site": make_site(party=user.party, kind="packhouse"), "veg": make_product()}


def test_a_declared_merge_gives_the_inputs_back_and_retracts_its_links(client, coop):
    a = register(coop["user"], coop["site"], coop["veg"], "500")
    b = register(coop["user"], coop["site"], coop["veg"], "300")
    result = run(coop["user"], "merge", coop["site"], [(a, "500"), (b, "300")], [{"quantity": "800"}])
    response = client.post(f"/api/v1/events/{result['event'].event_id}/declare-error",
                           json={"reason": "did_not_occur", "note": "录错了"}, headers=auth_header(coop["user"]))
    assert response.status_code == 201, response.json
    assert response.json["declares"] == result["event"].event_id
    assert Batch.get_by_id(a.id).on_hand == Decimal("500")
    assert Batch.get_by_id(result["outputs"][0].id).status == "consumed"
    assert not BatchLink.select().where(BatchLink.event == result["event"].id, BatchLink.retracted == False).exists()  # noqa: E712
    assert client.get(f"/api/v1/batches/{a.lot_code}/verify", headers=auth_header(coop["user"])).json["intact"]


def test_an_event_is_declared_once_and_a_declaration_never(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "10")
    commissioning = Event.get(Event.biz_step == "commissioning")
    declaration = declare_error(coop["user"], commissioning.event_id, "did_not_occur")
    assert Batch.get_by_id(a.id).on_hand == 0
    with pytest.raises(Conflict):
        declare_error(coop["user"], commissioning.event_id, "did_not_occur")
    with pytest.raises(Conflict):
        declare_error(coop["user"], declaration.event_id, "did_not_occur")


def test_a_registration_with_later_events_cannot_be_declared(coop):
    a = register(coop["user"], coop["site"], coop["veg"], "100")
    run(coop["user"], "split", coop["site"], [(a, "40")], [{"quantity": "20"}, {"quantity": "20"}])
    commissioning = Event.select().where(Event.biz_step == "commissioning", Event.event_type == "ObjectEvent").get()
    with pytest.raises(Conflict):
        declare_error(coop["user"], commissioning.event_id, "incorrect_data")
    assert Batch.get_by_id(a.id).on_hand == Decimal("60")


def test_a_wrong_receipt_is_declared_and_received_again(coop):
    operator = make_user(role="operator")
    store = make_site(party=operator.party, kind="cold_store")
    a = register(coop["user"], coop["site"], coop["veg"], "100")
    shipment = create_shipment(coop["user"], {"from_site": coop["site"].code, "to_party": operator.party.code,
                                              "lines": [{"lot": a.lot_code, "quantity": Decimal("100")}]})
    receive_shipment(operator, shipment.code, {"site": store.code, "lines": [
        {"lot": a.lot_code, "received": Decimal("90"), "loss_reason": "typo"}]})
    receipt = Event.get(Event.biz_step == "receiving")
    declare_error(operator, receipt.event_id, "incorrect_data")
    assert Shipment.get_by_id(shipment.id).status == "in_transit"
    assert Batch.get_by_id(a.id).in_transit == Decimal("100")
    receive_shipment(operator, shipment.code, {"site": store.code})
    assert Batch.get_by_id(a.id).on_hand == Decimal("100")


def test_only_the_recording_party_declares(coop):
    register(coop["user"], coop["site"], coop["veg"], "10")
    commissioning = Event.get(Event.biz_step == "commissioning")
    with pytest.raises(Forbidden):
        declare_error(make_user(), commissioning.event_id, "did_not_occur")


def test_storing_records_temperatures_without_moving_stock(client, coop):
    a = register(coop["user"], coop["site"], coop["veg"], "100")
    response = client.post("/api/v1/observations/storing", headers=auth_header(coop["user"]), json={
        "lot": a.lot_code, "site": coop["site"].code, "temperature_min": "0.5", "temperature_max": "3",
        "interval_start": "2026-07-01T08:00:00+08:00", "interval_end": "2026-07-02T08:00:00+08:00"})
    assert response.status_code == 201, response.json
    assert response.json["biz_step"] == "storing" and response.json["data"]["temperature_max"] == "3"
    assert response.json["event_time"] == "2026-07-02T08:00:00+08:00"
    assert Batch.get_by_id(a.id).on_hand == Decimal("100")
    bad = client.post("/api/v1/observations/storing", headers=auth_header(coop["user"]), json={
        "lot": a.lot_code, "site": coop["site"].code, "temperature_min": "5", "temperature_max": "3"})
    assert bad.status_code == 422 and "temperature_max" in bad.json["errors"]
