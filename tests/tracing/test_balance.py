"""Mass balance per batch: produced = used + loss + on hand + in transit, declared events left out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supply.models import Event
from supply.models import EventBatch
from supply.services.custody.declarations import declare_error
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.custody.shipments import cancel_shipment
from supply.services.custody.shipments import create_shipment
from supply.services.errors import NotFound
from supply.services.tracing.balance import mass_balance
from supply.services.tracing.trace import trace
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.chains import register
from tests.builders.chains import strawberry_chain
from tests.builders.chains import vegetable_chain
from tests.builders.chains import yak_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

pytestmark = pytest.mark.usefixtures("database_url")
FLOWS = ("produced", "received", "shipped", "returned", "used", "loss", "on_hand", "in_transit")


def flows(lot: str, actor) -> dict[str, Decimal]:
    """Return the balance of a lot as {flow: quantity}, with `balanced`."""
    result = mass_balance(actor, lot)
    return {**{name: getattr(result, name) for name in FLOWS}, "balanced": result.balanced}


def expect(balanced: bool = True, **quantities) -> dict:
    """Build the expected flows: zero unless given."""
    return {**{name: Decimal(quantities.get(name, 0)) for name in FLOWS}, "balanced": balanced}


def test_merged_lot_shipped_with_a_shortfall_and_split():
    chain = vegetable_chain()
    assert flows("VEG-M", chain["operator"]) == expect(produced=500, shipped=500, received=490, used=490, loss=10)


def test_member_lot_used_whole_and_pack_on_hand():
    chain = vegetable_chain()
    assert flows("VEG-A", chain["coop"]) == expect(produced=300, used=300)
    assert flows("VEG-S1", chain["operator"]) == expect(produced=250, used=250)
    assert flows("VEG-S2", chain["operator"]) == expect(produced=240, on_hand=240)
    assert flows("VEG-P1", chain["operator"]) == expect(produced=25, on_hand=25)


def _sent(quantity: str):
    sender = make_user(role="producer")
    site = make_site(party=sender.party)
    receiver = make_party(kind="operator")
    batch = register(sender, site, make_product(), "500")
    shipment = create_shipment(sender, {"from_site": site.code, "to_party": receiver.code,
                                        "lines": [{"lot": batch.lot_code, "quantity": Decimal(quantity)}]})
    return sender, batch, shipment


def test_quantity_in_transit_still_balances():
    sender, batch, _ = _sent("200")
    assert flows(batch.lot_code, sender) == expect(produced=500, shipped=200, on_hand=300, in_transit=200)


def test_cancelled_shipment_returns_the_quantity():
    sender, batch, shipment = _sent("200")
    cancel_shipment(sender, shipment.code, "车辆故障")
    assert flows(batch.lot_code, sender) == expect(produced=500, shipped=200, returned=200, on_hand=500)


def test_declared_event_is_left_out():
    sender, batch, shipment = _sent("200")
    # A bare declaration (the declaration service also moves the quantities back; this one does not).
    record_event(event_type="ObjectEvent", biz_step="shipping", party=sender.party, lines=[],
                 declares=shipment.dispatch_event, declaration_reason="did_not_occur")
    result = mass_balance(sender, batch.lot_code)
    assert result.shipped == 0
    assert result.produced == 500
    assert (result.on_hand, result.in_transit) == (300, 200)


def test_declared_commissioning_is_not_production():
    user = make_user()
    batch = register(user, make_site(party=user.party), make_product(), "80")
    commissioning = Event.select().join(EventBatch).where(EventBatch.batch == batch.id).get()
    record_event(event_type="ObjectEvent", biz_step="commissioning", party=user.party,
                 lines=[Line(batch, "object", Decimal("80"), "kg")], declares=commissioning,
                 declaration_reason="incorrect_data")
    assert mass_balance(user, batch.lot_code).produced == 0


def test_yak_and_seedlings_used_whole():
    yak = yak_chain()
    assert flows("YAK-1", yak["abattoir_user"]) == expect(produced=1, shipped=1, received=1, used=1)
    assert flows("YAK-C", yak["abattoir_user"]) == expect(produced=220, used=220)
    assert flows("YAK-CUT2", yak["abattoir_user"]) == expect(produced=80, on_hand=80)
    berries = strawberry_chain()
    assert flows("SEED-1", berries["farm"]) == expect(produced=5000, used=5000)


def test_another_partys_producer_may_not_read_the_balance():
    vegetable_chain()
    with pytest.raises(NotFound):  # as for a lot that does not exist
        mass_balance(make_user(role="producer"), "VEG-M")


def test_api_balance(client):
    chain = vegetable_chain()
    response = client.get(f"{API}/batches/VEG-M/balance", headers=auth_header(chain["coop"]))
    assert response.status_code == 200
    assert response.json == {"lot": "VEG-M", "unit": "kg", "produced": "500", "received": "490", "shipped": "500",
                             "returned": "0", "used": "490", "loss": "10", "on_hand": "0", "in_transit": "0",
                             "difference": "0", "balanced": True}
    assert_error(client.get(f"{API}/batches/VEG-M/balance", headers=auth_header(make_user())), 404)
    assert_error(client.get(f"{API}/batches/NOPE/balance", headers=auth_header(chain["coop"])), 404)


def test_declared_transformation_through_the_declaration_service():
    chain = vegetable_chain()
    pack = Event.select().where(Event.biz_step == "commissioning", Event.event_type == "TransformationEvent",
                                Event.party == chain["operator"].party.id).order_by(Event.id.desc()).get()
    declare_error(chain["operator"], pack.event_id, "did_not_occur", "包装未进行")
    assert flows("VEG-S1", chain["operator"]) == expect(produced=250, on_hand=250)
    assert flows("VEG-P1", chain["operator"]) == expect(produced=0)
    result = trace(chain["operator"], "VEG-S1", direction="downstream")
    assert [node.lot for node in result.nodes] == ["VEG-S1"]
    declared = next(e for e in result.events if e.event_id == pack.event_id)
    assert declared.declared is True and len(declared.declared_by) == 1
