"""Real chains built through the services: vegetables farm to pack, a yak to its cuts, seedlings to berries."""

from __future__ import annotations

from decimal import Decimal

from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from supply.services.custody.transformations import transform
from tests.builders.custody import PLANTED_AT
from tests.builders.custody import SEEDLINGS_ON
from tests.builders.custody import register
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

EAR_TAG = "163012200000042"


def ship_and_receive(sender, from_site, receiver, to_site, lot, quantity, received=None, reason=""):
    """Send a quantity of a lot to another party and receive it (with a shortfall when told)."""
    shipment = create_shipment(sender, {
        "from_site": from_site.code, "to_party": to_site.party.code, "to_site": to_site.code,
        "lines": [{"lot": lot, "quantity": Decimal(quantity)}], "carrier": "青海冷链物流",
        "vehicle_plate": "青A·12345", "set_point": Decimal("2.0"), "doc_number": "DN-001",
    })
    line = {"lot": lot, "received": Decimal(received if received is not None else quantity), "loss_reason": reason}
    receive_shipment(receiver, shipment.code, {"site": to_site.code, "lines": [line],
                                               "temperature_min": Decimal("1.5"), "temperature_max": Decimal("4.0")})
    return shipment


def run(user, site, kind, inputs, outputs=(), **extra):
    """Record a transformation; inputs are (lot, quantity or None), outputs dicts of the output specs."""
    data = {"kind": kind, "site": site.code,
            "inputs": [{"lot": lot, "quantity": None if q is None else Decimal(q)} for lot, q in inputs],
            "outputs": [{**spec, "quantity": Decimal(spec["quantity"])} for spec in outputs], **extra}
    return transform(user, data)


def vegetable_chain() -> dict:
    """Two member lots merged by a cooperative, shipped to an operator (10 kg lost), split, one half packed."""
    coop = make_user(role="producer", party=make_party(kind="cooperative"))
    field = make_site(party=coop.party, kind="field")
    operator = make_user(role="operator", party=make_party(kind="operator"))
    cold = make_site(party=operator.party, kind="cold_store")
    broccoli = make_product(category="vegetable", unit="kg")
    a = register(coop, field, broccoli, "300", lot_code="VEG-A")
    b = register(coop, field, broccoli, "200", lot_code="VEG-B")
    run(coop, field, "merge", [("VEG-A", "300"), ("VEG-B", "200")], [{"lot_code": "VEG-M", "quantity": "500"}])
    shipment = ship_and_receive(coop, field, operator, cold, "VEG-M", "500", received="490", reason="压伤")
    run(operator, cold, "split", [("VEG-M", "490")],
        [{"lot_code": "VEG-S1", "quantity": "250"}, {"lot_code": "VEG-S2", "quantity": "240"}])
    run(operator, cold, "grade_pack", [("VEG-S1", None)], [{"lot_code": "VEG-P1", "quantity": "25", "unit": "carton"}])
    return {"coop": coop, "field": field, "operator": operator, "cold": cold, "product": broccoli, "a": a, "b": b,
            "shipment": shipment}


def yak_chain() -> dict:
    """A live yak with an ear tag raised on a pasture, sent to an abattoir, slaughtered and cut."""
    herder = make_user(role="producer", party=make_party(kind="farm"))
    pasture = make_site(party=herder.party, kind="pasture")
    abattoir_user = make_user(role="operator", party=make_party(kind="operator"))
    abattoir = make_site(party=abattoir_user.party, kind="abattoir")
    live = make_product(category="live_yak", unit="head", name="大通牦牛", name_en="Datong yak")
    meat = make_product(category="yak_meat", unit="kg", name="牦牛肉", name_en="Yak beef")
    register(herder, pasture, live, "1", lot_code="YAK-1", ear_tag=EAR_TAG)
    ship_and_receive(herder, pasture, abattoir_user, abattoir, "YAK-1", "1")
    run(abattoir_user, abattoir, "slaughter", [("YAK-1", None)],
        [{"lot_code": "YAK-C", "product": meat.code, "quantity": "220"}])
    run(abattoir_user, abattoir, "cut", [("YAK-C", "220")],
        [{"lot_code": "YAK-CUT1", "product": meat.code, "quantity": "120"},
         {"lot_code": "YAK-CUT2", "product": meat.code, "quantity": "80"}],
        loss=Decimal("20"), loss_reason="bones")
    return {"herder": herder, "abattoir_user": abattoir_user, "meat": meat}


def strawberry_chain() -> dict:
    """A seedling lot planted in a field, and the berries harvested there naming that planting."""
    farm = make_user(role="producer", party=make_party(kind="farm"))
    field = make_site(party=farm.party, kind="field")
    seedling = make_product(category="strawberry_seedling", unit="plant", name="草莓苗")
    berry = make_product(category="strawberry", unit="kg", name="夏草莓", name_en="Summer strawberry")
    register(farm, field, seedling, "5000", lot_code="SEED-1", produced_on=SEEDLINGS_ON)
    planting = run(farm, field, "planting", [("SEED-1", None)], time=PLANTED_AT)["planting"]
    register(farm, field, berry, "800", lot_code="BERRY-1", planting=planting.code)
    return {"farm": farm, "field": field, "planting": planting}
