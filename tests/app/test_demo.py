"""The demo data: Xining-like records that pass every rule, and logins generated at seed time."""

from __future__ import annotations

import datetime
import stat
from decimal import Decimal
from pathlib import Path

from supply.clock import local_today
from supply.demo import loader as demo
from supply.identifiers import is_valid_ear_tag
from supply.identifiers import is_valid_uscc
from supply.identifiers import normalise_gtin
from supply.models import Batch
from supply.models import Certificate
from supply.models import Hold
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import TestResult
from supply.models import User
from supply.models.party import SITE_KINDS
from supply.services.accounts.users import check_credentials
from supply.units import CATEGORIES

COUNTIES = {"城东区", "城中区", "城西区", "城北区", "湟中区", "大通回族土族自治县", "湟源县"}


def test_seed_demo_builds_a_xining_season(database_url):
    passwords = demo.generate_passwords()
    counts = demo.seed_demo(passwords)
    assert counts == {"parties": Party.select().count(), "sites": Site.select().count(),
                      "products": Product.select().count(), "users": User.select().count(),
                      "batches": Batch.select().count()}
    kinds = [party.kind for party in Party.select()]
    assert kinds.count("cooperative") >= 3 and kinds.count("farm") >= 10 and kinds.count("operator") >= 2
    assert "inspector" in kinds and "certifier" in kinds
    assert all(is_valid_uscc(party.credit_code) for party in Party.select())
    assert {party.county for party in Party.select()} == COUNTIES
    assert {site.kind for site in Site.select()} == set(SITE_KINDS)
    for site in Site.select():
        assert site.county in COUNTIES
        assert Decimal("36.3") < site.latitude < Decimal("37.3")
        assert Decimal("101.0") < site.longitude < Decimal("102.0")
    assert {product.category for product in Product.select()} == set(CATEGORIES)
    gtins = [product.gtin for product in Product.select() if product.gtin]
    assert gtins and all(normalise_gtin(gtin) == gtin and gtin.startswith("069") for gtin in gtins)
    assert 45 <= counts["batches"] <= 60
    for batch in Batch.select():
        assert datetime.date(2026, 6, 1) <= batch.produced_on <= min(datetime.date(2026, 9, 30), local_today())
    yaks = Batch.select().join(Product).where(Product.category == "live_yak")
    assert yaks.count() >= 5
    assert all(is_valid_ear_tag(yak.ear_tag) and yak.ear_tag.startswith("2630121") and yak.quantity == 1
               for yak in yaks)
    # Tests: two passing broccoli lots with compliance certificates, one failing Duoba lot on hold.
    held = [batch for batch in Batch.select() if batch.status == "on_hold"]
    assert [batch.origin_party.code for batch in held] == ["FARM-HZ-DUOBA"]
    assert Hold.select().where(Hold.released_at.is_null()).count() == 1
    issued = Certificate.select().where(Certificate.kind == "compliance")
    assert {(c.basis, c.batch.origin_party.code) for c in issued} == {("own_test", "COOP-HZ-VEG"),
                                                                       ("commissioned_test", "COOP-HZ-VEG")}
    assert sorted(test.passed for test in TestResult.select()) == [False, True, True]


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
    assert "50 batches" in first.output
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
    assert Batch.select().count() == 50

    twice = runner.invoke(args=["seed-demo"])
    assert twice.exit_code != 0
    assert "loaded already" in twice.output
    assert logins_file.read_text(encoding="utf-8") == saved
