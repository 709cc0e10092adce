"""GS1's own resolver test suite (../shared/gs1-resolver/testsuite) run in headless Chromium against the service:
no statement may fail.

The suite runs in a page and asks a helper (`tester.php`, here `tests/browser/gs1_tester.py`) for each probe; it
fetches GS1's schemas and the resolver's description file itself. Every request the page makes is answered here
(playwright `page.route`): the page and scripts from local files, the helper by the stand-in, the schemas from their
local copies, and the resolver's host `https://id.example.cn` (a host name with a dot on https, as the suite
requires; the service's `PUBLIC_BASE_URL`) by the service running on 127.0.0.1. Anything else (GS1's list of
ratified link types, which we have no copy of) is refused, which the suite reports as a warning, not a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError

from supply.db import bind
from supply.db import db
from supply.demo import loader as demo
from supply.migrate import apply_migrations
from supply.models import Batch
from supply.models import Product
from tests.browser.gs1_tester import SuiteHelper
from tests.builders import SHARED
from tests.builders.live import live_app
from tests.builders.live import serving

PUBLIC_BASE = "https://id.example.cn"
SUITE = "https://gs1-suite.example.org/"
TESTER = "https://philarcher.org/gs1/tester.php"
HERE = Path(__file__).resolve().parent / "gs1_suite"
GS1 = SHARED / "gs1-resolver"
FILES = {
    f"{SUITE}": (HERE / "index.html", "text/html"),
    f"{SUITE}ajv7.min.js": (HERE / "ajv7.min.js", "text/javascript"),
    f"{SUITE}GS1DigitalLinkToolkit.js": (GS1 / "testsuite/GS1DigitalLinkToolkit.js", "text/javascript"),
    f"{SUITE}GS1DigitalLinkResolverTestSuite.js": (GS1 / "testsuite/GS1DigitalLinkResolverTestSuite.js",
                                                   "text/javascript"),
    "https://ref.gs1.org/standards/resolver/description-file-schema": (HERE / "description-file-schema.json",
                                                                        "application/json"),
    "https://gs1.github.io/linkset/gs1-linkset-schema.json": (GS1 / "linkset/gs1-linkset-schema.json",
                                                             "application/json"),
}
CORS = {"Access-Control-Allow-Origin": "*"}
# Statements the suite records as it goes; ours must all be there and pass (the rest may pass or warn).
MUST_PASS = ("isURL", "validDL", "isHttps", "plausibleDL", "basicWalkUp", "tlsOK", "rdFile", "httpVersion",
             "corsCheck", "methodsCheck", "linkOnRedirect", "reportWith400", "noErrorWith200", "trailingSlash",
             "qsPassedOn", "ltLinksetNoRedirect", "ltAcceptHeader", "validLinkset", "linksetJsonldCheck",
             "declaredContentType", "defaultLinkExists", "singleDefaulLink", "defaultTarget", "loForgs1traceability",
             "specificLinkTypeNotFound")


@pytest.fixture(scope="module")
def resolver(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Serve the demo from a thread with PUBLIC_BASE_URL on the suite's kind of host; yield its local URL and the
    Digital Link URI of a demo lot whose product has a GTIN."""
    previous = db.obj
    url = f"sqlite:///{tmp_path_factory.mktemp('gs1') / 'live.sqlite'}"
    bind(url)
    try:
        with db.connection_context():
            apply_migrations()
            demo.seed_demo(demo.generate_passwords())
            batch = (Batch.select(Batch, Product).join(Product).where(Product.gtin.is_null(False))
                     .order_by(Batch.id).first())
            uri = f"{PUBLIC_BASE}/01/{batch.product.gtin}/10/{batch.lot_code}"
        with serving(live_app(url, PUBLIC_BASE_URL=PUBLIC_BASE)) as base:
            yield base, uri
    finally:
        db.initialize(previous)


def _answer(route, tester: SuiteHelper) -> None:
    """Answer one request of the suite's page."""
    request = route.request
    address = request.url
    if address in FILES:
        path, media = FILES[address]
        route.fulfill(status=200, body=path.read_bytes(), headers={**CORS, "Content-Type": media})
    elif address.startswith(TESTER + "?"):
        route.fulfill(status=200, body=json.dumps(tester.answer(urlsplit(address).query)),
                      headers={**CORS, "Content-Type": "application/json"})
    elif address.startswith(PUBLIC_BASE + "/"):
        route.fulfill(**_fetch(tester, address, request.method, {
            name: value for name, value in request.headers.items() if name.lower() in ("accept", "accept-language",
                                                                                      "origin")}))
    else:
        route.abort()


def _fetch(tester: SuiteHelper, address: str, method: str, headers: dict) -> dict:
    """Ask the service for a request of the page itself, following redirects as the browser would (playwright does
    not intercept the hops of a redirect it was handed), and return what to fulfil the request with."""
    for _ in range(5):
        _, status, _, answered, body = tester.request(address, method, headers)
        location = dict(answered).get("Location")
        if status not in (301, 302, 303, 307, 308) or location is None:
            break
        address = urljoin(address, location)
        method = method if status in (307, 308) else "GET"
    return {"status": status, "body": body, "headers": dict(answered)}


def test_gs1_resolver_suite_finds_no_failed_statement(browser, resolver):
    local, uri = resolver
    tester = SuiteHelper(PUBLIC_BASE, local)
    context = browser.new_context()
    context.set_default_timeout(60000)
    try:
        page = context.new_page()
        page.route("**/*", lambda route: _answer(route, tester))
        page.goto(SUITE)
        page.evaluate("uri => testDL(uri)", uri)
        # The description file and TLS probes run on unawaited: wait for their verdicts (the asserts below say
        # which statement did not pass if they never come).
        try:
            page.wait_for_function("ids => ids.every(id => resultsArray.some(r => r.id === id && r.status !== 'fail'))",
                                   arg=["tlsOK", "rdFile"], timeout=15000)
        except TimeoutError:
            pass
        results = page.evaluate("() => resultsArray.map(r => ({id: r.id, status: r.status, msg: r.msg}))")
    finally:
        context.close()
    failed = [f"{r['id']}: {r['msg']}" for r in results if r["status"] == "fail"]
    assert failed == [], failed
    statuses = {r["id"]: r["status"] for r in results}
    assert [name for name in MUST_PASS if statuses.get(name) != "pass"] == [], statuses
    # Each link of the lot (the page in every language, the JSON answers) was asked for and redirected to.
    assert {name for name, status in statuses.items() if name.startswith("loForgs1pip") and status == "pass"} == {
        "loForgs1pip0", "loForgs1pip1", "loForgs1pip2", "loForgs1pip3"}
    assert statuses["loForgs1recallStatus"] == statuses["loForgs1certificationInfo"] == "pass"
