"""The database itself refuses to change the event log or a received shipment; verify-chain finds what was deleted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from peewee import DatabaseError
from playhouse.test_utils import count_queries

from supply.db import db
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.services.custody import chain
from supply.services.custody.declarations import declare_error
from supply.services.custody.observations import record_storing
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from tests.builders.custody import register
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.tampering import tampering

LOG = "append-only"
FINAL = "a received shipment is final"


@pytest.fixture()
def world(app):
    """A cooperative's lot of 100 kg shipped to a cold store and received with 10 kg lost."""
    coop = make_user(role="producer")
    packhouse = make_site(party=coop.party, kind="packhouse")
    operator = make_user(role="operator")
    store = make_site(party=operator.party, kind="cold_store")
    lot = register(coop, packhouse, make_product(), "100")
    shipment = create_shipment(coop, {"from_site": packhouse.code, "to_party": operator.party.code,
                                      "lines": [{"lot": lot.lot_code, "quantity": Decimal("100")}]})
    receive_shipment(operator, shipment.code, {"site": store.code, "lines": [
        {"lot": lot.lot_code, "received": Decimal("90"), "loss_reason": "压伤"}]})
    return {"coop": coop, "packhouse": packhouse, "operator": operator, "store": store, "lot": lot,
            "shipment": Shipment.get_by_id(shipment.id)}


def _refused(match: str, write) -> None:
    with pytest.raises(DatabaseError, match=match):
        with db.atomic():
            write()


def _receipt(world) -> Event:
    return Event.get_by_id(world["shipment"].close_event_id)


@pytest.mark.parametrize("write", [
    lambda e: Event.update(doc_number="forged").where(Event.id == e.id).execute(),
    lambda e: Event.delete().where(Event.id == e.id).execute(),
    lambda e: EventBatch.update(quantity=Decimal("100")).where(EventBatch.event == e.id).execute(),
    lambda e: EventBatch.delete().where(EventBatch.event == e.id).execute(),
], ids=["update event", "delete event", "update event_batch", "delete event_batch"])
def test_the_event_log_refuses_updates_and_deletes(world, write):
    receipt = _receipt(world)
    _refused(LOG, lambda: write(receipt))
    assert Event.get_by_id(receipt.id).doc_number == receipt.doc_number
    assert [line.quantity for line in EventBatch.select().where(EventBatch.event == receipt.id)] == [Decimal("90")]
    assert chain.verify_all().intact


@pytest.mark.parametrize("write", [
    lambda s: ShipmentLine.update(received=Decimal("100"), loss=Decimal("0")).where(
        ShipmentLine.shipment == s.id).execute(),
    lambda s: ShipmentLine.delete().where(ShipmentLine.shipment == s.id).execute(),
    lambda s: Shipment.update(status="in_transit", close_event=None).where(Shipment.id == s.id).execute(),
    lambda s: Shipment.delete().where(Shipment.id == s.id).execute(),
], ids=["update line", "delete line", "reopen shipment", "delete shipment"])
def test_a_received_shipment_and_its_lines_are_final(world, write):
    _refused(FINAL, lambda: write(world["shipment"]))
    [line] = world["shipment"].lines
    assert (line.received, line.loss, line.loss_reason) == (Decimal("90"), Decimal("10"), "压伤")
    assert Shipment.get_by_id(world["shipment"].id).status == "received"


def test_a_shipment_in_transit_keeps_its_lines_open_to_the_receipt(world):
    shipment = create_shipment(world["operator"], {
        "from_site": world["store"].code, "to_party": world["coop"].party.code,
        "lines": [{"lot": world["lot"].lot_code, "quantity": Decimal("40")}]})
    receive_shipment(world["coop"], shipment.code, {"site": world["packhouse"].code})
    [line] = Shipment.get_by_id(shipment.id).lines
    assert (line.received, line.loss) == (Decimal("40"), Decimal("0"))


def test_a_declared_receipt_keeps_what_was_received_on_its_event(world):
    receipt = _receipt(world)
    declare_error(world["operator"], receipt.event_id, "incorrect_data")
    # The lines are the shipment's current receipt, reset for the next one; the declared receipt keeps its own.
    [line] = world["shipment"].lines
    assert (line.received, line.loss, line.loss_reason) == (None, None, "")
    assert [row.quantity for row in EventBatch.select().where(EventBatch.event == receipt.id)] == [Decimal("90")]
    assert Event.get_by_id(receipt.id).data["losses"] == [{"lot": world["lot"].lot_code, "quantity": "10",
                                                           "reason": "压伤"}]
    receive_shipment(world["operator"], world["shipment"].code, {"site": world["store"].code})
    [line] = world["shipment"].lines
    assert (line.received, line.loss) == (Decimal("100"), Decimal("0"))
    # Received again, the shipment is final again: only the first receipt was declared.
    _refused(FINAL, lambda: ShipmentLine.update(received=Decimal("1")).where(ShipmentLine.id == line.id).execute())
    assert chain.verify_all().intact


def test_tampering_switches_the_triggers_off_for_the_block_only(world):
    receipt = _receipt(world)
    with tampering("event"):
        Event.update(doc_number="forged").where(Event.id == receipt.id).execute()
    assert Event.get_by_id(receipt.id).doc_number == "forged"
    _refused(LOG, lambda: Event.update(doc_number="again").where(Event.id == receipt.id).execute())
    report = chain.verify_all()
    assert (report.intact, report.event_id, report.problem) == (False, receipt.event_id, "content")


def test_verify_chain_passes_an_intact_log(app, world):
    result = app.test_cli_runner().invoke(args=["verify-chain"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Intact: 3 event(s) checked")


def test_verify_chain_names_the_lot_whose_last_event_was_deleted(app, world):
    lot = world["lot"]
    stored = record_storing(world["operator"], {"lot": lot.lot_code, "site": world["store"].code,
                                                 "temperature_min": Decimal("1"), "temperature_max": Decimal("3")})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["verify-chain"]).exit_code == 0
    # Every event before it still links up: only the lot's stored chain head tells that one is missing.
    with tampering():
        EventBatch.delete().where(EventBatch.event == stored.id).execute()
        Event.delete().where(Event.id == stored.id).execute()
    result = runner.invoke(args=["verify-chain"])
    assert result.exit_code == 1
    assert f"BROKEN at batch {lot.lot_code}: its stored chain head does not match" in result.output
    assert _receipt(world).event_id in result.output  # where its chain now ends
    report = chain.verify_batch(Batch.get_by_id(lot.id))
    assert (report.intact, report.problem, report.lot) == (False, "head", lot.lot_code)


def test_verify_chain_names_a_lot_left_with_no_event_at_all(app):
    user = make_user()
    lot = register(user, make_site(party=user.party), make_product(), "5")
    [commissioning] = EventBatch.select().where(EventBatch.batch == lot.id)
    with tampering():
        EventBatch.delete().where(EventBatch.batch == lot.id).execute()
        Event.delete().where(Event.id == commissioning.event_id).execute()
    result = app.test_cli_runner().invoke(args=["verify-chain"])
    assert result.exit_code == 1
    assert f"BROKEN at batch {lot.lot_code}" in result.output and "(no event at all)" in result.output
    assert chain.verify_batch(Batch.get_by_id(lot.id)).problem == "head"


def test_verify_all_reads_by_pages_never_per_batch(app, monkeypatch):
    user = make_user()
    site, product = make_site(party=user.party), make_product()
    monkeypatch.setattr(chain, "CHUNK", 4)

    def queries_for(lots: int) -> int:
        for _ in range(lots):
            register(user, site, product, "5")
        with count_queries() as counter:
            assert chain.verify_all().intact
        return counter.count

    # 3 lots fill one page of events and one of batches, 12 lots three of each: two more pages of events (the
    # events and their lines) and two more of batches cost 6 queries, not one or more per lot.
    few = queries_for(3)
    many = queries_for(9)
    assert many == few + 2 * 2 + 2, (few, many)
