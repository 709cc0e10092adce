"""On a 360 x 740 phone in Chinese: no list page of any role scrolls sideways, lists are cards, the menu folds away
with the current page marked, and a lot's labels are printed from its page, every QR code decoding back to the lot."""

from __future__ import annotations

import io
import os
import re
import secrets
import tempfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from supply.db import connection
from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Recall
from supply.models import Site
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_user

SCREENSHOTS = Path(os.environ.get("SUPPLY_SCREENSHOTS") or tempfile.mkdtemp(prefix="supply-shots-"))
PHONE = {"width": 360, "height": 740}
# Every list page, by the roles that may open it (the demo's four logins).
LIST_PAGES = {
    "admin@example.com": ["/admin/parties", "/admin/sites", "/admin/products", "/admin/users", "/batches/",
                          "/shipments/", "/imports/", "/certificates/", "/inspections/",
                          "/inspections/holds", "/inspections/holds?status=all", "/recalls/", "/recalls/?status=closed",
                          "/audit/", "/exports/", "/account/tokens/"],
    "producer@example.com": ["/batches/", "/shipments/", "/imports/", "/certificates/mine", "/inspections/",
                             "/exports/", "/transformations/", "/account/tokens/"],
    "operator@example.com": ["/batches/", "/shipments/", "/imports/", "/certificates/mine", "/inspections/",
                             "/exports/", "/account/tokens/"],
    "inspector@example.com": ["/batches/", "/certificates/", "/certificates/?status=approved", "/inspections/",
                              "/inspections/holds", "/recalls/", "/audit/", "/exports/"],
}


def _phone(browser, live_server, **extra):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url, **extra)
    context.set_default_timeout(15000)
    return context


def _log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _width(page) -> int:
    page.wait_for_load_state("load")  # the cards are made by static/phone.js (deferred)
    return page.evaluate("document.documentElement.scrollWidth")


def _decoded(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)]


def test_no_list_page_of_any_role_scrolls_sideways(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with connection():
        recall = Recall.select().order_by(Recall.id).first()
        lots = [b.lot_code for b in Batch.select().order_by(Batch.id.desc()).limit(3)]
    extra = [f"/recalls/{recall.code}", f"/recalls/{recall.code}/report"] if recall else []
    extra += [f"/batches/{lots[0]}", f"/labels?lots={','.join(lots)}", f"/labels?lots={lots[0]}&format=thermal",
              f"/labels?lots={lots[0]}&format=certificate"]
    wide: list[str] = []
    for email, paths in LIST_PAGES.items():
        context = _phone(browser, live_server)
        try:
            page = context.new_page()
            _log_in(page, email, live_server.demo_passwords[email])
            for path in paths + (extra if email in ("admin@example.com", "inspector@example.com") else []):
                response = page.goto(path)
                assert response is not None and response.status == 200, (email, path)
                if _width(page) > PHONE["width"]:
                    wide.append(f"{email} {path}: {_width(page)} px")
            if email == "inspector@example.com":
                page.goto("/certificates/")
                card = page.locator("main table tbody tr").first
                expect(card.locator("td[data-label='状态']")).to_be_visible()
                expect(card.locator("td[data-label='持证主体']")).to_be_visible()
                expect(card).to_contain_text(re.compile(r"已等待 \d+ 天"))
                page.screenshot(path=SCREENSHOTS / "phone-review-queue.png")
        finally:
            context.close()
    assert wide == []


def test_lists_are_cards_and_the_menu_folds_away_marking_the_current_page(browser, live_server):
    email = "producer@example.com"
    context = _phone(browser, live_server)
    try:
        page = context.new_page()
        _log_in(page, email, live_server.demo_passwords[email])
        page.goto("/batches/")
        nav = page.locator("header nav")
        expect(nav).to_be_hidden()
        button = page.locator("label.menu-button")
        expect(button).to_have_text(re.compile("菜单.*批次"))
        first = page.locator("table.batches tbody tr").first
        # A card: one column, the cells named; the status chip and the on-hand quantity with its unit in Chinese.
        assert first.evaluate("row => getComputedStyle(row).display") == "block"
        expect(first.locator("td[data-label='库存']")).to_contain_text(re.compile(r"\d ?(千克|箱|包|头|株|盒|吨)"))
        expect(first.locator("td[data-label='状态'] .status")).to_be_visible()
        colours = page.evaluate("""() => {
          const chip = s => { const e = document.createElement('span'); e.className = 'status status-' + s;
            document.body.append(e); const c = getComputedStyle(e).backgroundColor; e.remove(); return c; };
          return ['active', 'on_hold', 'recalled'].map(chip); }""")
        assert len(set(colours)) == 3
        page.screenshot(path=SCREENSHOTS / "phone-batch-list.png")
        button.click()
        expect(nav).to_be_visible()
        expect(nav.locator("a[aria-current=page]")).to_have_text("批次")
        assert _width(page) <= PHONE["width"]
        page.screenshot(path=SCREENSHOTS / "phone-menu.png")
        nav.get_by_text("发货单").click()
        expect(page.locator("header nav a[aria-current=page]")).to_have_text("发货单")
    finally:
        context.close()


def test_register_a_harvest_and_print_its_labels_from_the_lot_page(browser, live_server):
    with connection():
        user = make_user(party=Party.get(Party.code == "COOP-HY-VEG"), role="producer")
    lot = f"PH{secrets.token_hex(4).upper()}"
    context = _phone(browser, live_server, device_scale_factor=3)
    try:
        page = context.new_page()
        _log_in(page, user.email, PASSWORD)
        page.goto("/batches/new")
        page.select_option("select[name=product]", "VEG-CABBAGE")
        page.select_option("select[name=site]", "S-HY-VEG-F1")
        page.fill("input[name=quantity]", "1250")
        page.fill("input[name=lot_code]", lot)
        page.click("main form button[type=submit]")
        expect(page).to_have_url(re.compile(rf"/batches/{lot}$"))
        card = page.locator("section.qr-card")
        expect(card.locator("img")).to_be_visible()
        with connection():
            token = Batch.get(Batch.lot_code == lot).public_token
        expect(card.locator("a.url")).to_contain_text(f"/t/{token}")
        expect(card.get_by_role("link", name="承诺达标合格证")).to_be_visible()
        card.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "phone-lot-labels.png")
        card.get_by_role("link", name="打印标签").click()
        expect(page).to_have_url(re.compile(r"/labels\?"))
        expect(page.locator(".label")).to_have_count(1)  # 1,250 kg: one label for the lot
        assert _width(page) <= PHONE["width"]  # the A4 sheet is previewed at the phone's width
        page.screenshot(path=SCREENSHOTS / "phone-label-preview.png")
        shot = page.locator(".sheet").first.screenshot()
        assert [urlsplit(url).path for url in _decoded(shot)] == [f"/t/{token}"]
        page.emulate_media(media="print")  # printed at true size: a sheet is 210 mm wide
        assert page.locator(".sheet").first.evaluate("e => e.getBoundingClientRect().width") > 790
    finally:
        context.close()


def test_thirty_copies_of_a_counted_lot_decode_back_to_the_lot(browser, live_server):
    with connection():
        user = make_user(party=Party.get(Party.code == "OP-BEICHUAN-YAK"), role="operator")
        site = Site.select().where(Site.party == user.party_id).order_by(Site.code).first()
        product = Product.get_or_none(Product.unit == "pack") or make_product(category="yak_meat", unit="pack")
        batch = make_batch(site=site, product=product, lot_code=f"PK{secrets.token_hex(4).upper()}",
                           quantity=Decimal("250"))
    context = _phone(browser, live_server, device_scale_factor=3)
    try:
        page = context.new_page()
        _log_in(page, user.email, PASSWORD)
        page.goto(f"/batches/{batch.lot_code}")
        page.get_by_role("link", name="打印标签").click()
        expect(page.locator(".label")).to_have_count(250)  # one per pack on hand by default
        page.fill("input[name=copies]", "30")
        page.get_by_role("button", name="应用").click()
        expect(page.locator(".label")).to_have_count(30)
        sheets = page.locator(".sheet")
        expect(sheets).to_have_count(2)
        decoded = [url for i in range(2) for url in _decoded(sheets.nth(i).screenshot())]
    finally:
        context.close()
    assert len(decoded) == 30
    assert {urlsplit(url).path for url in decoded} == {f"/t/{batch.public_token}"}


def test_the_receiving_sites_follow_the_receiving_party_and_the_ear_tag_only_live_yak(browser, live_server):
    email = "producer@example.com"
    with connection():
        receiver = Party.get(Party.code == "OP-GANHE-COLD")
        own = {site.code for site in Site.select().where(Site.party == receiver.id)}
    context = _phone(browser, live_server)
    try:
        page = context.new_page()
        _log_in(page, email, live_server.demo_passwords[email])
        page.goto("/shipments/new")
        page.select_option("select[name=to_party]", receiver.code)
        offered = page.evaluate("() => [...document.querySelectorAll('select[name=to_site] optgroup')]"
                                ".filter(g => !g.hidden).flatMap(g => [...g.querySelectorAll('option')]"
                                ".map(o => o.value))")
        assert set(offered) == own
        expect(page.locator("input[name=set_point]")).to_have_attribute("inputmode", "text")
        assert _width(page) <= PHONE["width"]
        page.goto("/batches/new")
        expect(page.locator("select[name=product] option[value=VEG-CABBAGE]")).to_have_count(1)
        expect(page.locator("input[name=ear_tag]")).to_be_hidden()  # a vegetable cooperative: no ear tag
    finally:
        context.close()
