"""The inspector's screens in Simplified Chinese, screenshotted for docs/pages.md: the review queue, a certificate
with its documents and history, a recall on a farm lot, and the public page of the retail pack made from it with its
certificates and the recall banner. Each step checks what the user sees."""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from pathlib import Path

from flask_babel import gettext
from playwright.sync_api import expect

from supply.clock import to_local
from supply.db import connection
from supply.models import Batch
from supply.models import Certificate
from supply.models import Party
from supply.models import Product
from supply.models import Recall
from supply.models import Site
from supply.models import User
from supply.schemas.certificates import CertificateCreateSchema
from supply.services.certification import certificates
from supply.services.certification import documents as certificate_documents
from supply.services.recalls.working_days import add_working_days
from tests.browser.conftest import PHONE
from tests.builders.chains import vegetable_chain

# Screenshots go to a temporary folder; SUPPLY_SCREENSHOTS=docs/screenshots refreshes the pictures of docs/.
SCREENSHOTS = Path(os.environ.get("SUPPLY_SCREENSHOTS") or tempfile.mkdtemp(prefix="supply-shots-"))
INSPECTOR = "inspector@example.com"
INSPECTOR_NAME = "赵晓燕"
ORGANIC = "LYOC-2026-OP-0577"
DEMO_WAITING = "XNHG-GG-2025-007"  # the demo's Hong Kong supply base registration, awaiting review
DOCUMENT = "有机产品认证证书.pdf"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
BANNER = "This batch has been recalled. Do not eat it; return it to the shop."
# Inspectors work at a desk: their screens are taken at 1024 x 768; the public page on a phone.
DESK = {"width": 1024, "height": 768}
RECALLED = ("VEG-A", "VEG-M", "VEG-S1", "VEG-S2", "VEG-P1")


def _zh(live_server, message: str, **values) -> str:
    """Return a message as the pages show it in Simplified Chinese."""
    with live_server.app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        return gettext(message, **values)


def _chain_with_organic_certificate(live_server) -> Certificate:
    """Build the vegetable chain and have its cooperative submit an organic certificate with a scanned PDF."""
    with connection():
        chain = vegetable_chain()
        _name_like_xining(chain)
        coop = chain["coop"]
        body = {"kind": "organic", "issuer": "CERT-QH-ORGANIC", "number": ORGANIC,
                "scope": "西兰花 300 亩，有机生产（GB/T 19630）", "valid_from": "2026-03-01"}
        cert = certificates.submit_certificate(coop, CertificateCreateSchema().load(body))
        certificate_documents.upload_document(coop, cert.id, PDF, DOCUMENT,
                                              live_server.app.config["CERTIFICATE_DOCUMENTS_DIR"])
        return cert


def _name_like_xining(chain: dict) -> None:
    """Give the chain's parties, sites, product and users the kind of names the demo has (for the pictures)."""
    for model, record, name, name_en in (
        (Party, chain["coop"].party, "湟中区鲁沙尔镇西兰花种植专业合作社", "Lushar Broccoli Cooperative"),
        (Party, chain["operator"].party, "青海高原鲜品供应链有限公司", "Qinghai Plateau Fresh Supply Chain Co."),
        (Site, chain["field"], "鲁沙尔镇西兰花基地二号地", "Lushar broccoli base, plot 2"),
        (Site, chain["cold"], "甘河冷库三号库", "Ganhe cold store 3"),
        (Product, chain["product"], "西兰花", "Broccoli"),
    ):
        model.update(name=name, name_en=name_en).where(model.id == record.id).execute()
    User.update(name="马海燕").where(User.id == chain["coop"].id).execute()
    User.update(name="韩立").where(User.id == chain["operator"].id).execute()


def _shot(page, name: str, full_page: bool = False, down_to=None) -> None:
    """Take a screenshot: the viewport, the whole page, or the page from its top down to an element's end.

    Only as much as the docs need, to keep the pictures small; the page must not scroll sideways.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.wait_for_load_state("load")  # the cards are made by static/phone.js (deferred)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if down_to is None:
        page.screenshot(path=SCREENSHOTS / name, full_page=full_page)
        return
    page.evaluate("window.scrollTo(0, 0)")
    box = down_to.bounding_box()
    page.screenshot(path=SCREENSHOTS / name, full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": box["y"] + box["height"] + 12})


def test_inspector_screens_from_review_to_the_recalled_pack(browser, live_server):
    cert = _chain_with_organic_certificate(live_server)
    context = browser.new_context(viewport=DESK, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", INSPECTOR)
        page.fill("input[name=password]", live_server.demo_passwords[INSPECTOR])
        page.click("main form button[type=submit]")

        # An inspector lands on the dashboard; the review queue is a tap away, certificates awaiting review first.
        expect(page).to_have_url(re.compile(r"/dashboard$"))
        page.goto("/certificates/")
        expect(page.locator("h1")).to_have_text(_zh(live_server, "Certificates to review"))
        rows = page.locator("table.certificates tbody tr")
        waiting = _zh(live_server, "Awaiting review")
        expect(rows.nth(0)).to_contain_text(waiting)
        expect(rows.nth(1)).to_contain_text(waiting)
        expect(page.locator("table.certificates")).to_contain_text(ORGANIC)
        expect(page.locator("table.certificates")).to_contain_text(DEMO_WAITING)
        _shot(page, "review-queue.png")

        # The certificate page: the holder's scan, then approval, recorded in the history with who and when.
        page.click(f"a[href='/certificates/{cert.id}']")
        expect(page.locator("h1")).to_contain_text(ORGANIC)
        expect(page.locator("table.documents")).to_contain_text(DOCUMENT)
        page.locator("form.review-approve button[type=submit]").click()
        expect(page.locator("dl.facts")).to_contain_text(_zh(live_server, "Approved"))
        history = page.locator("table.history tbody tr")
        expect(history).to_have_count(3)  # submitted, the document added, approved
        expect(history.nth(1)).to_contain_text(DOCUMENT)
        expect(history.nth(2)).to_contain_text(INSPECTOR_NAME)
        with connection():
            assert Certificate.get_by_id(cert.id).status == "approved"
        _shot(page, "certificate-page.png", full_page=True)

        # A recall on the farm lot reaches every lot made from it, not the other farm lot merged with it.
        page.goto("/recalls/new?lot=VEG-A")
        page.select_option("select[name=level]", "2")
        page.fill("textarea[name=reason]", "市场抽检毒死蜱残留超标（GB 2763）")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url("**/recalls/RC*")
        with connection():
            recall = Recall.get(Recall.batch == Batch.get(Batch.lot_code == "VEG-A"))
        # Level 2: start within 48 hours, finish within 20 working days, both shown in Beijing time.
        assert recall.start_by - recall.opened_at == datetime.timedelta(hours=48)
        assert recall.finish_by == add_working_days(recall.opened_at, 20)
        expect(page.locator("h1")).to_have_text(_zh(live_server, "Recall %(code)s", code=recall.code))
        facts = page.locator("dl.facts")
        for deadline in (recall.start_by, recall.finish_by):
            expect(facts).to_contain_text(to_local(deadline).strftime("%Y-%m-%d %H:%M"))
        lots = page.locator("table.recall-lots tbody tr")
        expect(lots).to_have_count(len(RECALLED))
        for lot in RECALLED:
            expect(page.locator("table.recall-lots")).to_contain_text(lot)
        expect(page.locator("table.recall-lots")).not_to_contain_text("VEG-B")
        _shot(page, "recall-page.png")
    finally:
        context.close()

    # The public page of the retail pack, with no account: the banner first, then the certificates behind it.
    with connection():
        pack = Batch.get(Batch.lot_code == "VEG-P1")
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    try:
        page = phone.new_page()
        page.goto(f"/t/{pack.public_token}")
        banner = page.locator(".recall")
        expect(banner).to_be_visible()
        expect(banner).to_have_text(_zh(live_server, BANNER))
        certs = page.locator("#certificates")
        # No green on red: the organic claim is greyed under the banner, saying the lot is recalled.
        expect(certs.locator(".mark")).to_have_count(0)
        expect(certs.locator(".mark-greyed")).to_contain_text(_zh(live_server, "Organic"))
        expect(certs).to_contain_text(ORGANIC)
        _shot(page, "scan-page-recalled-pack-zh-hans.png", down_to=certs)
    finally:
        phone.close()
