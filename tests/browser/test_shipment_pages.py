"""Log a shipment and receive it through the pages in headless Chromium, on a 360 px wide phone screen."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from playwright.sync_api import expect

from supply.db import connection
from supply.models import Batch
from supply.models import Holding
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_batch
from tests.builders.factories import make_user

SENDER = "COOP-HY-VEG"
SENDER_SITE = "S-HY-VEG-PK"
RECEIVER = "OP-GANHE-COLD"
PRODUCT = "VEG-CABBAGE"
PHONE_WIDTH = 360


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def _fits_phone(page) -> None:
    page.wait_for_load_state("load")  # the cards are made by static/phone.js (deferred)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def _world() -> dict:
    """A producer at the Heping cooperative holding a fresh lot, and an operator of the cold-chain company."""
    with connection():
        sender = make_user(party=Party.get(Party.code == SENDER), role="producer")
        receiver = make_user(party=Party.get(Party.code == RECEIVER), role="operator")
        batch = make_batch(site=Site.get(Site.code == SENDER_SITE), product=Product.get(Product.code == PRODUCT),
                           lot_code=f"BS{secrets.token_hex(4).upper()}", quantity=Decimal("500"))
        cold = Site.select().join(Party).where(Party.code == RECEIVER).order_by(Site.code).first()
        return {"sender": sender.email, "receiver": receiver.email, "lot": batch.lot_code, "cold": cold.code}


def test_log_a_shipment_and_receive_it_on_a_phone(page, live_server):
    world = _world()
    _log_in(page, world["sender"])
    page.goto(f"/shipments/new?lot={world['lot']}")
    expect(page.locator("select[name=from_site]")).to_have_value(SENDER_SITE)
    expect(page.locator("select[name='lines.0.lot']")).to_have_value(world["lot"])
    expect(page.locator("input[name='lines.0.quantity']")).to_have_value("500")
    page.select_option("select[name=to_party]", RECEIVER)
    page.fill("input[name='lines.0.quantity']", "120")
    page.fill("input[name=vehicle_plate]", "青A·12345")
    page.fill("input[name=set_point]", "4")
    _fits_phone(page)
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/shipments/SH[0-9A-Z-]+$"))
    code = page.url.rsplit("/", 1)[1]
    expect(page.locator("main")).to_contain_text("青A·12345")
    _fits_phone(page)
    with connection():
        batch = Batch.get(Batch.lot_code == world["lot"])
        assert (batch.on_hand, batch.in_transit) == (Decimal("380"), Decimal("120"))

    page.context.clear_cookies()
    _log_in(page, world["receiver"])
    page.goto("/shipments/?direction=incoming&status=in_transit")
    _fits_phone(page)
    page.click(f"a[href='/shipments/{code}/receive']")
    page.select_option("select[name=site]", world["cold"])
    expect(page.locator("input[name='lines.0.received']")).to_have_value("120")
    page.fill("input[name='lines.0.received']", "118")
    page.locator("main form button[type=submit]").last.click()
    # A shortfall without a reason is refused beside the line, and nothing is written.
    expect(page.locator("[id='lines.0.loss_reason-error']")).to_be_visible()
    _fits_phone(page)
    page.fill("input[name='lines.0.loss_reason']", "途中损耗")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/shipments/{code}$"))
    _fits_phone(page)
    with connection():
        shipment = Shipment.get(Shipment.code == code)
        line = ShipmentLine.get(ShipmentLine.shipment == shipment.id)
        held = Holding.select().join(Site).where(Holding.batch == line.batch_id, Site.code == world["cold"]).get()
    assert shipment.status == "received"
    assert (line.received, line.loss, line.loss_reason) == (Decimal("118"), Decimal("2"), "途中损耗")
    assert held.on_hand == Decimal("118")
