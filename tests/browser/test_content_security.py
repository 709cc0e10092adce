"""No page breaks its own Content-Security-Policy: Chromium reports no violation on the admin's pages, the account
pages (password, tokens, two-factor with its QR code), the print buttons, an import's page and the public scan pages
of the demo."""

from __future__ import annotations

from supply.db import connection
from supply.models import Batch
from supply.models import Recall

ADMIN = "admin@example.com"


def test_no_page_violates_the_content_security_policy(browser, live_server):
    with connection():
        lots = [batch.lot_code for batch in Batch.select().order_by(Batch.id.desc()).limit(3)]
        tokens = [batch.public_token for batch in Batch.select().order_by(Batch.id).limit(3)]
        recall = Recall.select().first()
    pages = ["/batches/", *(f"/batches/{lot}" for lot in lots), "/shipments/", "/certificates/", "/recalls/",
             "/imports/", f"/labels?lots={','.join(lots)}&format=sheet", "/audit/", "/account",
             "/account/password", "/account/tokens/", "/account/two-factor",
             *(f"/t/{token}" for token in tokens)]
    if recall is not None:
        pages += [f"/recalls/{recall.code}", f"/recalls/{recall.code}/report"]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    violations: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "Refused to" in message.text else None)
        page.goto("/login")
        page.fill("input[name=email]", ADMIN)
        page.fill("input[name=password]", live_server.demo_passwords[ADMIN])
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status < 500, path
            assert response.headers.get("content-security-policy"), path
        page.goto(pages[-1] if recall is not None else "/recalls/")
        printed = page.evaluate("() => { let n = 0; window.print = () => { n += 1; }; "
                                "document.querySelectorAll('[data-print]').forEach(b => b.click()); return n; }")
        assert recall is None or printed == 1  # the report's print button works without an inline handler
    finally:
        context.close()
    assert violations == []
