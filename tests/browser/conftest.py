"""Browser fixtures: a live server over its own database, and Debian's Chromium driven by playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from supply.db import bind
from supply.db import db
from supply.demo import loader as demo
from supply.migrate import apply_migrations
from tests.builders.live import live_app
from tests.builders.live import serving

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = f"Browser tests skipped: no Chromium found at {CHROMIUM} (apt-get install -y chromium)"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 360, "height": 640}


def pytest_collection_modifyitems(config, items) -> None:
    """Skip every browser test, saying why, when the system Chromium is missing."""
    if CHROMIUM.exists():
        return
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@dataclass
class LiveServer:
    """A running app: its base URL, the app (to translate expected messages) and the demo passwords by email."""

    url: str
    app: Flask
    demo_passwords: dict[str, str]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """Serve the app from a thread over a fresh migrated SQLite file holding the demo data.

    The models reach the database through the global proxy, so it points at the live database while this module
    runs (the test thread writes fixtures there too) and goes back to whatever the session had bound before.
    """
    previous = db.obj
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite'}"
    bind(url)
    try:
        passwords = demo.generate_passwords()
        with db.connection_context():
            apply_migrations()
            demo.seed_demo(passwords)
        app = live_app(url, WTF_CSRF_ENABLED=True)
        with serving(app) as base:
            yield LiveServer(url=base, app=app, demo_passwords=passwords)
    finally:
        db.initialize(previous)


@pytest.fixture(scope="module")
def browser():
    """Launch the system Chromium headless once for the module."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser, live_server):
    """A fresh phone-sized page (360 x 640, Simplified Chinese) with no cookies."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15000)
    try:
        yield context.new_page()
    finally:
        context.close()
