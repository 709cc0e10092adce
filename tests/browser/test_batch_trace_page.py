"""The batch page's timeline and genealogy graph on a 360 px phone in headless Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from supply.db import connection
from tests.builders.chains import vegetable_chain
from tests.builders.factories import PASSWORD

PHONE_WIDTH = 360


def test_graph_scrolls_inside_its_box_and_links_to_each_lot(page, live_server):
    with connection():
        email = vegetable_chain()["operator"].email
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto("/batches/VEG-M")
    expect(page.locator("#timeline ol.timeline > li")).to_have_count(4)
    page.wait_for_load_state("load")  # the cards are made by static/phone.js (deferred)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    box = page.locator(".graph-wrap")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    # The graph needs no script: the page's scripts are only our static files (list cards, menu), none inline.
    assert page.locator("script:not([src])").count() == 0
    assert all(src.startswith("/static/") for src in page.locator("script").evaluate_all("s => s.map(e => "
                                                                                          "e.getAttribute('src'))"))
    # The cooperative's member lots are drawn but not linked for the operator; its own lots are.
    assert page.locator(".graph-wrap svg a[href^='/batches/VEG-A?']").count() == 0
    page.locator(".graph-wrap svg a[href^='/batches/VEG-S1?']").click()
    expect(page).to_have_url(re.compile(r"/batches/VEG-S1\?direction=both&depth=3#genealogy$"))
    expect(page.locator("#timeline")).to_contain_text("VEG-M")
