"""The demo data: Xining-like records that pass every rule, real chains through them, and logins generated at
seed time."""

from __future__ import annotations

import datetime
import stat
from decimal import Decimal
from pathlib import Path

from supply.clock import local_today
from supply.clock import to_local
from supply.demo import loader as demo
from supply.identifiers import is_valid_ear_tag
from supply.identifiers import is_valid_uscc
from supply.identifiers import normalise_gtin
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Certificate
from supply.models import Event
from supply.models import EventBatch
from supply.models import Hold
from supply.models import Party
from supply.models import Planting
from supply.models import Product
from supply.models import Recall
from supply.models import RecallLot
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.models import TestResult
from supply.models import User
from supply.models.party import SITE_KINDS
from supply.services.accounts.users import check_credentials
from supply.services.certification.certificates import evaluate
from supply.services.custody.chain import verify_all
from supply.services.tracing.trace import trace_from
from supply.units import CATEGORIES

COUNTIES = {"城东区", "城中区", "城西区", "城北区", "湟中区", "大通回族土族自治县", "湟源县"}
BUYER_DISTRICTS = {"深圳市罗湖区", "广州市白云区"}


def test_seed_demo_builds_a_xining_season(database_url):
    passwords = demo.generate_passwords()
    counts = demo.seed_demo(passwords)
    assert counts == {"parties": Party.select().count(), "sites": Site.select().count(),
                      "products": Product.select().count(), "users": User.select().count(),
                      "batches": Batch.select().count(), "shipments": Shipment.select().count()}
    kinds = [party.kind for party in Party.select()]
    assert kinds.count("cooperative") >= 3 and kinds.count("farm") >= 10 and kinds.count("operator") >= 2
    assert "inspector" in kinds and "certifier" in kinds
    assert all(is_valid_uscc(party.credit_code) for party in Party.select())
    # Everyone is in Xining but the buyers in the Greater Bay Area (a change with the chains: they receive there).
    assert {party.county for party in Party.select() if party.kind != "retailer"} == COUNTIES
    assert {party.county for party in Party.select() if party.county not in COUNTIES} == BUYER_DISTRICTS
    assert {site.kind for site in Site.select()} == set(SITE_KINDS)
    for site in Site.select():
        if site.county in BUYER_DISTRICTS:
            assert Decimal("22.4") < site.latitude < Decimal("23.4")
            assert Decimal("113") < site.longitude < Decimal("115")
            continue
        assert site.county in COUNTIES
        assert Decimal("36.3") < site.latitude < Decimal("37.3")
        assert Decimal("101.0") < site.longitude < Decimal("102.0")
    assert {product.category for product in Product.select()} == set(CATEGORIES)
    gtins = [product.gtin for product in Product.select() if product.gtin]
    assert gtins and all(normalise_gtin(gtin) == gtin and gtin.startswith("069") for gtin in gtins)
    # About 150 lots since the demo has chains (it had 50 lone registrations before).
    assert 140 <= counts["batches"] <= 160
    for batch in Batch.select():
        assert datetime.date(2026, 6, 1) <= batch.produced_on <= min(datetime.date(2026, 9, 30), local_today())
    yaks = Batch.select().join(Product).where(Product.category == "live_yak")
    assert yaks.count() >= 5
    assert all(is_valid_ear_tag(yak.ear_tag) and yak.ear_tag.startswith("2630121") and yak.quantity == 1
               for yak in yaks)
    # Tests: the failing Duoba farm lot is the one on hold; every other test passed (two broccoli lots with
    # compliance certificates, the cooperative's tests of its Hong Kong lots, seedling virus, quarantine).
    held = [batch for batch in Batch.select() if batch.status == "on_hold"]
    assert [batch.origin_party.code for batch in held] == ["FARM-HZ-DUOBA"]
    assert Hold.select().where(Hold.released_at.is_null()).count() == 1
    issued = Certificate.select().where(Certificate.kind == "compliance")
    assert {(c.basis, c.batch.origin_party.code) for c in issued} == {("own_test", "COOP-HZ-VEG"),
                                                                       ("commissioned_test", "COOP-HZ-VEG")}
    failing = [test.batch for test in TestResult.select() if not test.passed]
    assert failing == held
    assert {test.kind for test in TestResult.select()} == {"pesticide_rapid", "seedling_virus", "quarantine"}


def test_demo_logins_work_for_every_role_with_the_generated_passwords(database_url):
    passwords = demo.generate_passwords()
    assert passwords != demo.generate_passwords()
    demo.seed_demo(passwords)
    roles = set()
    for login in demo.DEMO_LOGINS:
        user = check_credentials(login.email, passwords[login.email])
        assert user is not None
        roles.add(user.role)
    assert roles == {"admin", "producer", "operator", "inspector"}
    assert check_credentials(demo.DEMO_LOGINS[0].email, "wrong password") is None


def test_seed_demo_command_saves_the_logins_and_if_empty_prints_them_again(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    loaded = Batch.select().count()
    assert f"{loaded} batches" in first.output and f"{Shipment.select().count()} shipments" in first.output
    logins_file = Path(app.instance_path) / demo.LOGINS_FILE
    assert stat.S_IMODE(logins_file.stat().st_mode) == 0o600
    saved = logins_file.read_text(encoding="utf-8")
    admin_line = next(line for line in saved.splitlines() if "admin@example.com" in line)
    password = admin_line.split()[1]
    assert check_credentials("admin@example.com", password) is not None
    assert admin_line in first.output

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "demo data not loaded" in again.output
    assert admin_line in again.output
    assert Batch.select().count() == loaded

    twice = runner.invoke(args=["seed-demo"])
    assert twice.exit_code != 0
    assert "loaded already" in twice.output
    assert logins_file.read_text(encoding="utf-8") == saved


def _upstream(lot: str) -> list[Batch]:
    """Return the lots a lot was made from, all the way up (the trace's recursive walk)."""
    codes = [node.lot for node in trace_from(Batch.get(Batch.lot_code == lot), "upstream", depth=10).nodes]
    return list(Batch.select().where(Batch.lot_code.in_(codes), Batch.lot_code != lot))


def _made_by(kind: str, batch: Batch) -> Event:
    """Return the transformation event of a kind that made a lot."""
    return (Event.select()
            .join(EventBatch)
            .where(EventBatch.batch == batch.id, EventBatch.role == "output", Event.data["kind"] == kind)
            .get())


def test_demo_vegetables_go_from_member_farms_to_shenzhen_and_a_recall_reaches_a_pack(client):
    demo.seed_demo(demo.generate_passwords())
    assert verify_all().intact
    # Nothing happens to a lot before the day it was harvested or made; every receipt follows its departure.
    lines = (EventBatch.select(EventBatch, Event, Batch).join_from(EventBatch, Event).join_from(EventBatch, Batch))
    assert all(to_local(line.event.event_time).date() >= line.batch.produced_on for line in lines)
    shipments = list(Shipment.select())
    assert len(shipments) >= 60 and {s.status for s in shipments} == {"received"}
    assert all(s.received_at > s.departed_at for s in shipments)

    # A Hong Kong carton lot: packed by the Duoba cooperative from a merge of member farms' lots.
    cartons = Batch.select().join(Product).where(Product.code == "VEG-BROCCOLI-CTN", Batch.quantity > 0,
                                                 Batch.holder == Party.get(Party.code == "BUY-SZ-HKVEG"))
    carton = cartons.order_by(Batch.produced_on).first()
    [merged] = [b for b in _upstream(carton.lot_code) if b.origin_party.code == "COOP-HZ-VEG"]
    assert _made_by("merge", merged).site.code == "S-HZ-VEG-PK"
    farms = {b.origin_party for b in _upstream(carton.lot_code) if b.origin_party.kind == "farm"}
    assert len(farms) >= 2 and all(farm.county == "湟中区" for farm in farms)
    # Cooled at the packhouse and at the Ganhe cold store, received in Shenzhen with the truck's temperatures.
    storing = Event.select().join(EventBatch).where(Event.biz_step == "storing",
                                                    EventBatch.batch.in_([merged.id, carton.id]))
    assert {e.site.code for e in storing} == {"S-HZ-VEG-PK", "S-GH-COLD"}
    assert all(e.data["temperature_max"] for e in storing)
    receipts = Event.select().join(EventBatch).where(Event.biz_step == "receiving", EventBatch.batch == carton.id)
    assert [e.site.code for e in receipts.order_by(Event.event_time)] == ["S-GH-COLD", "S-SZ-WJD"]
    assert all(e.data["temperature"]["max"] for e in receipts)
    # One lot arrived short at Wenjindu, with its reason.
    [short] = ShipmentLine.select().where(ShipmentLine.loss > 0)
    assert short.shipment.receiver.code == "BUY-SZ-HKVEG" and short.loss_reason
    # 云谷川 mushrooms: packed in cartons by the Yunguchuan cooperative from its member farms.
    mushrooms = Batch.select().join(Product).where(Product.code == "MR-SHIITAKE-CTN", Batch.quantity > 0)
    packed = [b for b in mushrooms if _upstream(b.lot_code)]
    assert packed and all("云谷川" in b.origin_party.address for b in packed)
    assert any(up.origin_party.code == "FARM-HZ-YUNGUCHUAN" for up in _upstream(packed[0].lot_code))

    # The one open recall starts at a farm's lettuce and reaches the carton pack in Shenzhen, whose page says so.
    [recall] = Recall.select().where(Recall.status == "open")
    assert recall.batch.origin_party.kind == "farm" and recall.batch.product.code == "VEG-LETTUCE"
    reached = {line.batch for line in RecallLot.select().where(RecallLot.recall == recall)}
    [pack] = [b for b in reached if b.product.code == "VEG-LETTUCE-CTN"]
    assert pack.status == "recalled" and pack.holder.code == "BUY-SZ-HKVEG"
    page = client.get(f"/t/{pack.public_token}", headers={"Accept-Language": "en"})
    assert "This batch has been recalled." in page.get_data(as_text=True)
    # Its product has a GTIN, so the GS1 Digital Link URI answers, and says it is recalled.
    status = client.get(f"/01/{pack.product.gtin}/10/{pack.lot_code}?linkType=gs1:recallStatus",
                            base_url="https://trace.example.cn", follow_redirects=True)
    assert status.status_code == 200 and status.get_json()["recalled"] is True


def test_demo_yak_and_seedlings_keep_their_first_mile(client):
    demo.seed_demo(demo.generate_passwords())
    # A 500 g pack in Guangzhou carries the ear tag of the yak it was cut from, through its carcass.
    packs = Batch.select().join(Product).where(Product.code == "YAK-PACK-500", Batch.ear_tag.is_null(False),
                                              Batch.holder == Party.get(Party.code == "BUY-GZ-MEAT"))
    pack = packs.first()
    upstream = _upstream(pack.lot_code)
    [animal] = [b for b in upstream if b.product.category == "live_yak"]
    [carcass] = [b for b in upstream if b.product.code == "YAK-CARCASS"]
    assert is_valid_ear_tag(pack.ear_tag) and animal.ear_tag == carcass.ear_tag == pack.ear_tag
    assert animal.origin_site.kind == "pasture" and animal.origin_site.county == "大通回族土族自治县"
    assert _made_by("slaughter", carcass).site.code == "S-BC-ABT"
    # The animal went to the abattoir with its quarantine certificate, valid on the day it travelled.
    [trip] = Shipment.select().join(ShipmentLine).where(ShipmentLine.batch == animal.id)
    assert trip.to_site.kind == "abattoir"
    quarantine = Certificate.get(Certificate.batch == animal.id, Certificate.kind == "animal_quarantine")
    assert evaluate(quarantine, to_local(trip.departed_at).date()) == "approved"
    assert Certificate.get(Certificate.batch == carcass.id).kind == "carcass_quarantine"

    # Seedlings tested and certified at the nursery, planted at two farms; their berries packed in punnets.
    plantings = list(Planting.select())
    assert len(plantings) == 2 and {p.party.kind for p in plantings} == {"farm"}
    berries = BatchLink.select().where(BatchLink.kind == "planting")
    [seedlings] = {link.parent for link in berries}
    assert seedlings.origin_site.kind == "nursery"
    assert TestResult.get(TestResult.batch == seedlings.id).kind == "seedling_virus"
    assert evaluate(Certificate.get(Certificate.batch == seedlings.id), seedlings.produced_on) == "approved"
    punnet = Batch.select().join(Product).where(Product.code == "SB-PUNNET-250")
    from_seedlings = [b for b in punnet if seedlings in _upstream(b.lot_code)]
    assert len(from_seedlings) >= 3
    assert {b.origin_party.code for b in _upstream(from_seedlings[0].lot_code)} >= {"FARM-CZ-ZONGZHAI",
                                                                                    "FARM-HZ-LUSHAER"}
