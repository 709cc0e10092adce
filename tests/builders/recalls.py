"""A genealogy with a merge and splits, built through the services, for the recall tests."""

from __future__ import annotations

from supply.models import Party
from tests.builders.chains import register
from tests.builders.chains import run
from tests.builders.chains import ship_and_receive
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

GTIN14 = "06901234567892"


def merge_world() -> dict:
    """Two farms' lots merged by a cooperative, split in two, packed in cartons, one carton lot sent to a shop.

    F1 (farm 1) + F2 (farm 2) -> M -> S1, S2; S1 -> P1, P2 (cartons); S2 -> P3; P1 shipped to a retailer.
    F1X and F2X are the farms' other lots, never merged.
    """
    farm1 = make_user(role="producer", party=make_party(kind="farm", county="湟中区", phone="13900000001"))
    farm2 = make_user(role="producer", party=make_party(kind="farm", county="大通回族土族自治县"))
    coop = make_user(role="producer", party=make_party(kind="cooperative", phone="0971-5550000",
                                                       address="湟中区鲁沙尔镇1号"))
    shop = make_user(role="operator", party=make_party(kind="retailer", county="城西区"))
    field1 = make_site(party=farm1.party, county="湟中区")
    field2 = make_site(party=farm2.party, county="大通回族土族自治县")
    packhouse = make_site(party=coop.party, kind="packhouse", county="湟中区")
    store = make_site(party=shop.party, kind="market", county="城西区")
    broccoli = make_product(category="vegetable", unit="kg", gtin=GTIN14)
    register(farm1, field1, broccoli, "300", lot_code="F1")
    register(farm1, field1, broccoli, "100", lot_code="F1X")
    register(farm2, field2, broccoli, "200", lot_code="F2")
    register(farm2, field2, broccoli, "150", lot_code="F2X")
    ship_and_receive(farm1, field1, coop, packhouse, "F1", "300")
    ship_and_receive(farm2, field2, coop, packhouse, "F2", "200", received="195", reason="压伤")
    run(coop, packhouse, "merge", [("F1", "300"), ("F2", "195")], [{"lot_code": "M", "quantity": "495"}])
    run(coop, packhouse, "split", [("M", "495")],
        [{"lot_code": "S1", "quantity": "300"}, {"lot_code": "S2", "quantity": "195"}])
    run(coop, packhouse, "grade_pack", [("S1", None)],
        [{"lot_code": "P1", "quantity": "20", "unit": "carton"},
         {"lot_code": "P2", "quantity": "10", "unit": "carton"}])
    run(coop, packhouse, "grade_pack", [("S2", None)], [{"lot_code": "P3", "quantity": "19", "unit": "carton"}])
    ship_and_receive(coop, packhouse, shop, store, "P1", "12")
    return {"farm1": farm1, "farm2": farm2, "coop": coop, "shop": shop, "packhouse": packhouse, "store": store,
            "product": broccoli, "inspector": make_user(role="inspector"),
            "parties": {name: Party.get_by_id(user.party_id) for name, user in
                        (("farm1", farm1), ("farm2", farm2), ("coop", coop), ("shop", shop))}}


def recall_pages_world(app):
    """The merge-and-split world."""
    return merge_world()


def recall_api_world(app):
    """The merge-and-split world with the inspector's API headers."""
    built = merge_world()
    built["headers"] = auth_header(built["inspector"])
    return built
