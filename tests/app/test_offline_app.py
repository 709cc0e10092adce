"""The installable app of the field: manifest, service worker, outbox page and the forms the outbox keeps."""

from __future__ import annotations

import pytest

from tests.builders.custody import producer_at_a_site

producer_setup = pytest.fixture(name="producer_setup")(producer_at_a_site)


@pytest.mark.parametrize(("lang", "name"), [("en", "Xining Produce Trace"), ("zh_Hans", "西宁农产品追溯"),
                                             ("zh_Hant", "西寧農產品追溯")])
def test_the_manifest_names_the_app_in_the_users_language(client, lang, name):
    client.set_cookie("lang", lang)
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["name"] == name
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200
            assert image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_service_worker_is_served_from_the_root_and_never_kept_stale(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200
        assert response.headers["Service-Worker-Allowed"] == "/"
        assert response.headers["Cache-Control"] == "no-cache"
        assert "javascript" in response.mimetype
        assert b"api\\/" in response.data  # the API is never kept


@pytest.mark.parametrize(("lang", "heading", "banner"), [
    ("en", "Waiting to send", 'data-waiting="Waiting to send ({n})"'),
    ("zh_Hans", "等待发送", 'data-waiting="等待发送（{n}）"'),
    ("zh_Hant", "等待發送", 'data-waiting="等待發送（{n}）"'),
])
def test_the_outbox_page_speaks_the_users_language(client, producer_setup, lang, heading, banner):
    client.set_cookie("lang", lang)
    html = client.get("/outbox").text
    assert f"<h2>{heading}</h2>" in html
    assert banner in html
    assert 'src="/static/outbox.js"' in html and 'src="/static/outbox_page.js"' in html


def test_the_outbox_is_for_signed_in_users(client):
    response = client.get("/outbox")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_main_forms_of_the_field_are_kept_by_the_outbox(client, producer_setup):
    for path in ("/batches/new", "/shipments/new", "/records/storing"):
        html = client.get(path).text
        assert 'data-outbox="' in html, path
    assert '<meta name="csrf-token"' in client.get("/batches/new").text

