"""The public scan page on a 360 x 640 phone in three languages, with and without a recall banner; a printed
label sheet screenshotted in headless Chromium decodes back to every batch on it."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from peewee import fn
from PIL import Image
from playwright.sync_api import expect

from supply.db import connection
from supply.models import Batch
from supply.models import EventBatch
from supply.services.audit.writes import announce_write
from tests.browser.conftest import PHONE
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_user

# Screenshots go to a temporary folder; SUPPLY_SCREENSHOTS=docs/screenshots refreshes the pictures of docs/.
SCREENSHOTS = Path(os.environ.get("SUPPLY_SCREENSHOTS") or tempfile.mkdtemp(prefix="supply-shots-"))
LOCALES = (("zh-CN", "zh-Hans", "批次号"), ("zh-HK", "zh-Hant", "批次號"), ("en-US", "en", "Lot code"))


def _busiest_batches(count: int) -> list[Batch]:
    """Return the demo batches with the most events (the longest journeys)."""
    with connection():
        busiest = (
            EventBatch.select(EventBatch.batch, fn.COUNT(EventBatch.id).alias("n"))
            .group_by(EventBatch.batch)
            .order_by(fn.COUNT(EventBatch.id).desc(), EventBatch.batch)
            .limit(count)
        )
        return [Batch.get_by_id(row.batch_id) for row in busiest]


def _set_status(batch: Batch, status: str) -> None:
    with connection():
        Batch.update(status=status).where(Batch.id == batch.id).execute()
    announce_write()  # written behind the services' back: kept pages learn of it from the data version


def _phone(browser, live_server, locale: str):
    context = browser.new_context(viewport=PHONE, locale=locale, base_url=live_server.url)
    context.set_default_timeout(15000)
    return context


def test_scan_page_in_three_languages_with_and_without_recall(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    plain, recalled = _busiest_batches(2)
    original = recalled.status  # the demo's recalled lettuce cartons may be among the busiest: put back as found
    _set_status(recalled, "recalled")
    try:
        for locale, tag, lot_label in LOCALES:
            context = _phone(browser, live_server, locale)
            try:
                page = context.new_page()
                page.goto(f"/t/{plain.public_token}")
                expect(page.locator("html")).to_have_attribute("lang", tag)
                expect(page.locator("main")).to_contain_text(lot_label)
                expect(page.locator("main")).to_contain_text(plain.lot_code)
                expect(page.locator(".recall")).to_have_count(0)
                expect(page.locator("ol.timeline li").first).to_be_visible()
                expect(page.locator("svg.map")).to_be_visible()
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                page.screenshot(path=SCREENSHOTS / f"scan-page-{tag.lower()}.png", full_page=True)
                page.goto(f"/t/{recalled.public_token}")
                expect(page.locator(".recall")).to_be_visible()
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                page.screenshot(path=SCREENSHOTS / f"scan-page-recalled-{tag.lower()}.png", full_page=True)
            finally:
                context.close()
    finally:
        _set_status(recalled, original)


def test_language_switch_is_remembered(page, live_server):
    [batch] = _busiest_batches(1)
    page.goto(f"/t/{batch.public_token}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.click("nav.langs a[lang=zh-Hant]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    page.goto(f"/t/{batch.public_token}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    page.click("nav.langs a[lang=en]")
    expect(page.locator("main")).to_contain_text("Journey")


def test_unknown_code_shows_a_friendly_page(page):
    response = page.goto("/t/no-such-code-here")
    assert response.status == 404
    expect(page.locator("h1")).to_be_visible()


def test_label_sheet_screenshot_decodes_to_every_batch(browser, live_server):
    with connection():
        user = make_user(role="admin")
        batches = list(Batch.select().order_by(Batch.id).limit(24))
    assert len(batches) == 24
    context = browser.new_context(viewport={"width": 900, "height": 1200}, device_scale_factor=2,
                                  locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto("/labels?copies=1&lots=" + ",".join(b.lot_code for b in batches))  # one label per lot
        expect(page.locator(".label")).to_have_count(len(batches))
        shot = page.locator(".sheet").first.screenshot()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "label-sheet.png").write_bytes(shot)
    finally:
        context.close()
    decoded = {urlsplit(r.text).path for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)),
                                                                        formats=zxingcpp.BarcodeFormat.QRCode)}
    assert decoded == {f"/t/{b.public_token}" for b in batches}
