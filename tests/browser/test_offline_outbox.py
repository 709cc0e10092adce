"""Never twice, never lost, on a 360 px phone in Chinese: a double tap writes one lot; forms sent without a network
wait in the phone's outbox, go out once when the network returns, and a refused one comes back with its reason."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext
from playwright.sync_api import expect

from supply.db import connection
from supply.models import Batch
from supply.models import Holding
from supply.models import Party
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from tests.browser.test_login_and_register import PRODUCT
from tests.browser.test_login_and_register import SCREENSHOTS
from tests.browser.test_login_and_register import SITE
from tests.browser.test_login_and_register import SUBMIT
from tests.browser.test_login_and_register import _log_in
from tests.browser.test_login_and_register import _producer

RECEIVER = "OP-GANHE-COLD"
SEND = "main form[data-outbox] button[type=submit]:not(.default-submit):not([name])"


def _fill_harvest(page, field_name: str, quantity: str = "320") -> None:
    page.select_option("select[name=product]", PRODUCT)
    page.select_option("select[name=site]", SITE)
    page.fill("input[name=quantity]", quantity)
    page.fill("input[name=produced_on]", "2026-07-15")
    page.fill("input[name=field_name]", field_name)


def _choose_lot(page, lot_code: str) -> None:
    """Pick the lot of the first line: a select of the lots held, or a typed code when they are many."""
    field = page.locator("[name='lines.0.lot']")
    if field.evaluate("element => element.tagName") == "SELECT":
        field.select_option(lot_code)
    else:
        field.fill(lot_code)


def _lots_named(field_name: str) -> int:
    with connection():
        return Batch.select().where(Batch.field_name == field_name).count()


def _a_lot_at_the_field() -> tuple[str, Decimal]:
    """A demo lot of the cooperative with cabbage on hand at its field."""
    with connection():
        site = Site.get(Site.code == SITE)
        held = (Holding.select(Holding, Batch).join(Batch).where(Holding.site == site.id, Holding.on_hand > 100,
                                                                  Batch.status == "active")
                .order_by(Batch.id).first())
        return held.batch.lot_code, held.on_hand


def _shipped(lot_code: str, quantity: str) -> int:
    with connection():
        return (ShipmentLine.select().join(Batch).switch(ShipmentLine).join(Shipment)
                .where(Batch.lot_code == lot_code, ShipmentLine.quantity == Decimal(quantity)).count())


def _zh(live_server, message: str, **values) -> str:
    with live_server.app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        return gettext(message, **values)


def test_a_double_tap_and_a_retried_send_register_one_harvest(page, live_server):
    _log_in(page, _producer().email)
    page.goto("/batches/new")
    _fill_harvest(page, "双击地块")
    page.dblclick(SUBMIT)
    expect(page).to_have_url(re.compile(r"/batches/[^/]+$"))
    expect(page.locator("h1")).to_contain_text("VG")
    assert _lots_named("双击地块") == 1
    # A send cut off by a bad network and sent again: the same form, twice, as the browser retries it.
    page.goto("/batches/new")
    _fill_harvest(page, "重发地块")
    urls = page.evaluate("""async () => {
        const form = document.querySelector("main form[data-outbox]");
        const body = () => new URLSearchParams(new FormData(form));
        const first = await fetch(form.action, {method: "POST", body: body()});
        const again = await fetch(form.action, {method: "POST", body: body()});
        return [first.url, again.url, again.status];
    }""")
    assert urls[0] == urls[1]
    assert urls[2] == 200
    assert _lots_named("重发地块") == 1


def test_offline_forms_wait_in_the_outbox_and_go_out_once(page, live_server):
    context = page.context
    lot_code, on_hand = _a_lot_at_the_field()
    with connection():
        receiver = Party.get(Party.code == RECEIVER)
    _log_in(page, _producer().email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for _ in range(50):  # the worker takes the open page once it is active
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(100)
    for path in ("/batches/new", "/shipments/new", "/outbox", f"/batches/{lot_code}"):
        page.goto(path)  # the pages the clerk opened today stay readable on the phone
    context.set_offline(True)

    page.goto(f"/batches/{lot_code}")
    expect(page.locator("h1")).to_contain_text(lot_code)

    page.goto("/batches/new")
    _fill_harvest(page, "离线地块", "410")
    page.click(SEND)
    expect(page.locator("#outbox-link")).to_have_text(_zh(live_server, "Waiting to send (%(count)s)", count=1))
    expect(page.locator(".outbox-note")).to_have_text(
        _zh(live_server, "No network: kept on this phone, it will be sent when the network returns."))

    for quantity in ("40", str(on_hand + 1000)):  # the second asks for more than is on hand: refused
        page.goto("/shipments/new")
        page.select_option("select[name=from_site]", SITE)
        page.select_option("select[name=to_party]", RECEIVER)
        _choose_lot(page, lot_code)
        page.fill("input[name='lines.0.quantity']", quantity)
        page.click(SEND)
    expect(page.locator("#outbox-link")).to_have_text(_zh(live_server, "Waiting to send (%(count)s)", count=3))
    page.goto("/outbox")
    expect(page.locator("#outbox-waiting .outbox-entry")).to_have_count(3)
    page.screenshot(path=str(SCREENSHOTS / "outbox-waiting-zh.png"))
    assert _lots_named("离线地块") == 0

    context.set_offline(False)
    expect(page.locator("#outbox-link")).to_have_text(_zh(live_server, "Refused (%(count)s)", count=1),
                                                      timeout=20000)
    expect(page.locator("#outbox-sent .outbox-entry")).to_have_count(2)
    refused = page.locator("#outbox-refused .outbox-entry")
    expect(refused).to_have_count(1)
    expect(refused.locator(".outbox-reason")).to_contain_text(_zh(live_server, "Quantity"))
    expect(refused.locator(".outbox-fields")).to_contain_text(str(on_hand + 1000))
    expect(refused.locator(".outbox-fields")).to_contain_text(receiver.name)
    page.screenshot(path=str(SCREENSHOTS / "outbox-refused-zh.png"), full_page=True)

    assert _lots_named("离线地块") == 1
    assert _shipped(lot_code, "40") == 1
    assert _shipped(lot_code, str(on_hand + 1000)) == 0

    # Corrected on its form and sent again, it goes out (once).
    refused.locator(".outbox-edit").click()
    expect(page).to_have_url(re.compile(r"/shipments/new"))
    expect(page.locator("input[name='lines.0.quantity']")).to_have_value(str(on_hand + 1000))
    page.fill("input[name='lines.0.quantity']", "25")
    page.click(SEND)
    expect(page).to_have_url(re.compile(r"/shipments/[^/]+$"))
    assert _shipped(lot_code, "25") == 1
    expect(page.locator("#outbox-link")).to_be_hidden()
