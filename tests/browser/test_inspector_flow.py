"""An inspector reviews a certificate in the queue, opens a recall on a farm lot, and the retail pack made from it
shows the recall banner on its public page."""

from __future__ import annotations

from playwright.sync_api import expect

from supply.db import connection
from supply.models import Batch
from supply.models import Certificate
from tests.browser.conftest import PHONE
from tests.builders.chains import vegetable_chain

INSPECTOR = "inspector@example.com"


def test_inspector_reviews_a_certificate_and_recalls_a_lot_down_to_the_retail_pack(browser, live_server):
    with connection():
        vegetable_chain()
        pending = Certificate.get(Certificate.status == "submitted")
        pack = Batch.get(Batch.lot_code == "VEG-P1")
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", INSPECTOR)
        page.fill("input[name=password]", live_server.demo_passwords[INSPECTOR])
        page.click("main form button[type=submit]")
        page.wait_for_url("**/dashboard")
        page.goto("/certificates/")
        page.click(f"a[href='/certificates/{pending.id}']")
        expect(page.locator("main")).to_contain_text(pending.number)
        page.locator("form.review-approve button[type=submit]").click()
        expect(page.locator("main")).to_contain_text("Approved")
        with connection():
            assert Certificate.get_by_id(pending.id).status == "approved"

        page.goto("/recalls/new?lot=VEG-A")
        page.select_option("select[name=level]", "1")
        page.fill("textarea[name=reason]", "Chlorpyrifos above the limit in a market sample")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url("**/recalls/RC*")
        main = page.locator("main")
        for lot in ("VEG-A", "VEG-M", "VEG-S1", "VEG-S2", "VEG-P1"):
            expect(main).to_contain_text(lot)
    finally:
        context.close()

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    try:
        page = phone.new_page()
        page.goto(f"/t/{pack.public_token}")
        expect(page.locator(".recall")).to_be_visible()
        expect(page.locator(".recall")).to_contain_text("召回")
    finally:
        phone.close()
