"""A small season through the services, for the export tests: vegetables merged, shipped and received, a yak cut up."""

from __future__ import annotations

import datetime
from decimal import Decimal

from supply.clock import LOCAL_TZ
from supply.identifiers import gtin_check_digit
from supply.services.custody.declarations import declare_error
from supply.services.custody.observations import record_storing
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from tests.builders.custody import register
from tests.builders.custody import run
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.factories import seq


def make_ear_tag() -> str:
    """Make a valid yak ear tag (species 1, Qinghai county code 630123) unique within the test run."""
    return f"1630123{seq():08d}"


def make_gtin() -> str:
    """Make a valid GTIN-14 unique within the test run."""
    body = f"0690{seq():09d}"
    return body + gtin_check_digit(body)


def _ship_and_receive(sender, from_site, receiver, to_site, batch, quantity: str, received: str,
                      received_at=None, **extra):
    shipment = create_shipment(sender, {
        "from_site": from_site.code, "to_party": to_site.party.code, "to_site": to_site.code,
        "lines": [{"lot": batch.lot_code, "quantity": Decimal(quantity)}], **extra})
    line = {"lot": batch.lot_code, "received": Decimal(received)}
    if received != quantity:
        line["loss_reason"] = "运输途中挤压损坏"
    temperatures = {}
    if "set_point" in extra:
        temperatures = {"temperature_min": Decimal("2.5"), "temperature_max": Decimal("6.0")}
    receive_shipment(receiver, shipment.code, {"site": to_site.code, "lines": [line], "received_at": received_at,
                                               **temperatures})
    return shipment


def build_chain() -> dict:
    """Register two broccoli lots, merge them, ship and receive with a shortfall, store twice (one declared wrong);
    register a yak, ship it to an abattoir, slaughter and cut it."""
    coop = make_party(kind="cooperative", name="湟中区绿源蔬菜合作社", name_en="Lvyuan Vegetable Cooperative")
    producer = make_user(party=coop)
    field = make_site(party=coop, kind="field", name="拦隆口镇田块")
    broccoli = make_product(name="西兰花", name_en="Broccoli", gtin=make_gtin())
    operator_party = make_party(kind="operator", name="西宁冷链物流有限公司", name_en="Xining Cold Chain")
    operator = make_user(party=operator_party, role="operator")
    cold_store = make_site(party=operator_party, kind="cold_store", name="城北冷库")
    abattoir = make_site(party=operator_party, kind="abattoir", name="城北屠宰场")

    # The morning's harvest, merged, shipped and received, then stored: each before the next, all within the
    # last eight hours (so in the period of today and yesterday, whatever the time of day).
    now = datetime.datetime.now(LOCAL_TZ)
    harvested = now - datetime.timedelta(hours=8)
    first = register(producer, field, broccoli, "300", field_name="一号地", produced_on=harvested.date(),
                     produced_at=harvested)
    second = register(producer, field, broccoli, "200", field_name="二号地", produced_on=harvested.date())
    merged = run(producer, "merge", field, [(first, "300"), (second, "200")], [{"quantity": "495"}],
                 loss="5", loss_reason="修整损耗", time=now - datetime.timedelta(hours=6))["outputs"][0]
    shipment = _ship_and_receive(producer, field, operator, cold_store, merged, "495", "490",
                                 carrier="青海冷链运输", vehicle_plate="青A·12345", doc_number="DN-2026-001",
                                 set_point=Decimal("4.0"), departed_at=now - datetime.timedelta(hours=5),
                                 received_at=now - datetime.timedelta(hours=4))
    wrong = record_storing(operator, {
        "site": cold_store.code, "lot": merged.lot_code, "temperature_min": Decimal("-8"),
        "temperature_max": Decimal("-2"), "interval_start": now - datetime.timedelta(hours=3),
        "interval_end": now - datetime.timedelta(hours=2)})
    right = record_storing(operator, {
        "site": cold_store.code, "lot": merged.lot_code, "temperature_min": Decimal("1.5"),
        "temperature_max": Decimal("3.5"), "interval_start": now - datetime.timedelta(hours=3),
        "interval_end": now - datetime.timedelta(hours=2)})
    declaration = declare_error(operator, wrong.event_id, "incorrect_data", "温度记录仪读错", right.event_id)

    herder = make_user(party=make_party(kind="farm", name="湟源县牧场", name_en="Huangyuan Ranch"))
    pasture = make_site(party=herder.party, kind="pasture", name="日月山夏季牧场")
    live_yak = make_product(category="live_yak", unit="head", name="牦牛", name_en="Yak")
    carcass = make_product(category="yak_meat", unit="kg", name="牦牛胴体", name_en="Yak carcass")
    brisket = make_product(category="yak_meat", unit="kg", name="牦牛腩", name_en="Yak brisket")
    shank = make_product(category="yak_meat", unit="kg", name="牦牛腱子", name_en="Yak shank")
    ear_tag = make_ear_tag()
    yak = register(herder, pasture, live_yak, "1", unit="head", ear_tag=ear_tag, field_name="三号圈",
                   produced_on=harvested.date(), produced_at=harvested)
    _ship_and_receive(herder, pasture, operator, abattoir, yak, "1", "1")
    body = run(operator, "slaughter", abattoir, [(yak, None)],
               [{"product": carcass.code, "quantity": "220"}])["outputs"][0]
    cuts = run(operator, "cut", abattoir, [(body, "220")],
               [{"product": brisket.code, "quantity": "120"}, {"product": shank.code, "quantity": "95"}],
               loss="5", loss_reason="剔骨损耗")["outputs"]
    return {
        "coop": coop, "producer": producer, "field": field, "broccoli": broccoli, "operator": operator,
        "cold_store": cold_store, "abattoir": abattoir, "first": first, "second": second, "merged": merged,
        "shipment": shipment, "wrong": wrong, "right": right, "declaration": declaration, "herder": herder,
        "yak": yak, "ear_tag": ear_tag, "carcass": body, "cuts": cuts,
    }


def exports_world(app) -> dict:
    """A producer's lot with the producer's API headers, and another party's lot."""
    user = make_user()
    site = make_site(party=user.party)
    other = make_user()
    return {
        "headers": auth_header(user),
        "lot": register(user, site, make_product(), "100").lot_code,
        "other_lot": register(other, make_site(party=other.party), make_product(), "100").lot_code,
    }
