"""Log in and register a batch through the pages in headless Chromium, on a 360 px wide phone screen."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from supply.db import connection
from supply.locales import translate_message
from supply.models import Batch
from supply.models import Party
from supply.models import User
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_user

# Screenshots go to a temporary folder; SUPPLY_SCREENSHOTS=docs/screenshots refreshes the pictures of docs/.
SCREENSHOTS = Path(os.environ.get("SUPPLY_SCREENSHOTS") or tempfile.mkdtemp(prefix="supply-shots-"))
# The tests register at the Heping cooperative, so that the screenshots of the demo producer (Duoba) show demo data.
COOPERATIVE = "COOP-HY-VEG"
SITE = "S-HY-VEG-F1"
PRODUCT = "VEG-CABBAGE"
DEMO_PRODUCER = "producer@example.com"
SUBMIT = "main form button[type=submit]"


def _zh(live_server, message: str) -> str:
    """Return a message as the pages show it in Simplified Chinese."""
    with live_server.app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        return translate_message(message)


def _producer() -> User:
    with connection():
        return make_user(party=Party.get(Party.code == COOPERATIVE), role="producer")


def _log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click(SUBMIT)
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def _fill_batch(page, lot_code: str, quantity: str) -> None:
    page.goto("/batches/new")
    page.select_option("select[name=product]", PRODUCT)
    page.select_option("select[name=site]", SITE)
    page.fill("input[name=quantity]", quantity)
    page.fill("input[name=produced_on]", "2026-07-15")
    page.fill("input[name=lot_code]", lot_code)
    page.fill("input[name=field_name]", "二号地北片")
    page.fill("textarea[name=notes]", "浏览器登记")


def _batch_count() -> int:
    with connection():
        return Batch.select().count()


def _fits_phone(page) -> None:
    page.wait_for_load_state("load")  # the cards are made by static/phone.js (deferred)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_log_in_and_see_the_batch_list(page, live_server):
    user = _producer()
    with connection():
        newest = (
            Batch.select()
            .join(Party, on=(Batch.origin_party == Party.id))
            .where(Party.code == COOPERATIVE)
            .order_by(Batch.produced_on.desc(), Batch.id.desc())
            .first()
        )
    _log_in(page, user.email)
    page.click("header label.menu-button")  # the menu folds on a phone
    page.click("header nav a[href='/batches/']")
    expect(page.locator("h1")).to_have_text(_zh(live_server, "Batches"))
    expect(page.locator("main table")).to_contain_text(newest.lot_code)


def test_register_a_batch_and_land_on_its_page(page, live_server):
    user = _producer()
    lot_code = f"BR{secrets.token_hex(4).upper()}"
    _log_in(page, user.email)
    _fill_batch(page, lot_code, "850.5")
    page.click(SUBMIT)
    expect(page).to_have_url(re.compile(rf"/batches/{lot_code}$"))
    expect(page.locator("main")).to_contain_text(lot_code)
    with connection():
        batch = Batch.get(Batch.lot_code == lot_code)
    assert batch.quantity == Decimal("850.5")
    assert batch.unit == "kg"
    assert batch.created_by_id == user.id
    assert batch.field_name == "二号地北片"


def test_zero_quantity_is_shown_beside_the_field_and_nothing_is_written(page, live_server):
    user = _producer()
    lot_code = f"BR{secrets.token_hex(4).upper()}"
    _log_in(page, user.email)
    before = _batch_count()
    _fill_batch(page, lot_code, "0")
    page.click(SUBMIT)
    quantity_field = page.locator("label.field", has=page.locator("input[name=quantity]"))
    expect(quantity_field.locator(".error")).to_have_text(_zh(live_server, "Must be greater than 0."))
    expect(page.locator("input[name=quantity]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=lot_code]")).to_have_value(lot_code)
    assert _batch_count() == before
    with connection():
        assert not Batch.select().where(Batch.lot_code == lot_code).exists()


def test_pages_fit_a_360_px_phone(page, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto("/login")
    _fits_phone(page)
    page.screenshot(path=SCREENSHOTS / "login.png")
    _log_in(page, DEMO_PRODUCER, live_server.demo_passwords[DEMO_PRODUCER])
    page.goto("/batches/new")
    _fits_phone(page)
    page.screenshot(path=SCREENSHOTS / "register-batch.png")
    page.goto("/batches/")
    _fits_phone(page)
    page.screenshot(path=SCREENSHOTS / "batch-list.png")
