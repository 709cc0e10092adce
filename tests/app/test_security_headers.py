"""Every answer carries the headers that keep a page from being framed, sniffed or made to run a script not ours:
pages, the API, static files, errors, and the kept scan pages the fast path answers before Flask."""

from __future__ import annotations

import pytest

from supply.public_fastpath import PublicFastPath
from tests.builders.factories import make_batch
from tests.public.test_fastpath import call
from tests.public.test_fastpath import refusing

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_hardened(headers) -> None:
    """Check the security headers of one answer."""
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, name
    policy = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/static/app.css", "/static/pages.js",
                                  "/no-such-page", "/api/v1/batches"])
def test_pages_api_static_files_and_errors_are_hardened(client, path):
    response = client.get(path)
    response.close()  # a static file's answer holds the file open
    assert_hardened(response.headers)


def test_the_scan_page_is_hardened_whether_flask_or_the_fast_path_answers(app, client):
    path = f"/t/{make_batch().public_token}"
    first = client.get(path, headers={"Accept-Language": "en"})
    assert first.status_code == 200
    assert_hardened(first.headers)
    with app.app_context():
        status, headers, _body = call(PublicFastPath(app, refusing), path, headers={"Accept-Language": "en"})
    assert status == "200 OK"  # kept, answered without Flask
    assert_hardened(headers)


def test_no_page_has_an_inline_script_or_handler(client):
    from pathlib import Path

    from tests.builders import REPO

    for template in Path(REPO, "templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and " onclick=" not in text and " onchange=" not in text, template
