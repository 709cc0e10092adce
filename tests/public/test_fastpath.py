"""The WSGI fast path of the scan page: same answer as Flask, never stale after a write, same language rule."""

from __future__ import annotations

import re

import pytest
from flask_babel import get_locale
from werkzeug.test import EnvironBuilder
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Request

from supply.models import Batch
from supply.models import Scan
from supply.public_fastpath import PublicFastPath
from supply.public_fastpath import public_language
from supply.services.audit.writes import announce_write
from supply.services.masterdata.products import update_product
from supply.services.public import cache as public_cache
from supply.services.recalls.recalls import open_recall
from tests.builders.chains import vegetable_chain
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_user

LANGUAGES = {"en": {"Accept-Language": "en"}, "zh_Hans": {"Accept-Language": "zh-CN"},
             "zh_Hant": {"Accept-Language": "zh-TW"}}
BANNER = {"en": "This batch has been recalled", "zh_Hans": "这批产品已被召回", "zh_Hant": "此批次已被召回"}


def flask_only(app):
    """The app's WSGI callable behind the fast path (Flask itself)."""
    return app.wsgi_app.wsgi_app


def refusing(environ, start_response):
    """An inner app that fails the test if the fast path hands it a request."""
    raise AssertionError(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} reached Flask")


def call(wsgi, path: str, method: str = "GET", headers=None, query: str = ""):
    """Run a WSGI callable on a request; return the status, headers (a dict) and body."""
    environ = EnvironBuilder(path=path, method=method, headers=headers or {}, query_string=query).get_environ()
    body, status, response_headers = run_wsgi_app(wsgi, environ)
    return status, dict(response_headers), b"".join(body)


@pytest.fixture()
def warm(app, client):
    """A batch whose page is kept in each language (each fetched once through Flask); yields its path."""
    batch = make_batch(product=make_product(unit="punnet", category="strawberry"), quantity=50)
    path = f"/t/{batch.public_token}"
    for headers in LANGUAGES.values():
        assert client.get(path, headers=headers).status_code == 200
    return path


def count_in(text: str) -> int:
    """Read the scan count an English page shows."""
    return int(re.search(r"scanned (\d+) times?", text).group(1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fast_path_answers_byte_for_byte_as_flask(app, warm, language):
    headers = LANGUAGES[language]
    fast = PublicFastPath(app, refusing)
    with app.app_context():
        for method in ("GET", "HEAD"):
            f_status, f_headers, f_body = call(fast, warm, method, headers)
            app.extensions["public_page_cache"].clear()  # Flask renders the page afresh
            k_status, k_headers, k_body = call(flask_only(app), warm, method, headers)
            assert f_status == k_status == "200 OK"
            assert f_headers == k_headers  # Content-Type, Content-Length, ETag, Cache-Control, Vary ...
            assert f_headers["Cache-Control"] == "no-cache" and f_headers["ETag"].startswith('W/"')
            assert f_headers["Vary"] == "Accept-Language, Cookie"
            if method == "HEAD":
                assert f_body == k_body == b""
                continue
            # Flask's answer counts one scan more (the fast path's): the pages differ in that number only.
            assert f_body != k_body
            digits = [(a, b) for a, b in zip(f_body.decode(), k_body.decode(), strict=True) if a != b]
            assert digits and all(a.isdigit() and b.isdigit() for a, b in digits)
        etag = f_headers["ETag"]
        f_304 = call(fast, warm, "GET", {**headers, "If-None-Match": etag})
        k_304 = call(flask_only(app), warm, "GET", {**headers, "If-None-Match": etag})
        assert f_304 == k_304 and f_304[0] == "304 NOT MODIFIED" and f_304[2] == b""


def test_the_fast_path_counts_and_records_every_scan(app, client, warm):
    fast = PublicFastPath(app, refusing)
    counts = [count_in(call(fast, warm, headers=LANGUAGES["en"])[2].decode()) for _ in range(3)]
    assert counts == [4, 5, 6]  # three scans made warm, one per language
    call(fast, warm, "HEAD", LANGUAGES["en"])
    batch = Batch.get(Batch.public_token == warm.rsplit("/", 1)[1])
    assert Scan.select().where(Scan.batch_id == batch.id).count() == 6
    assert count_in(client.get(warm, headers=LANGUAGES["en"]).get_data(as_text=True)) == 7


def test_the_copied_label_warning_follows_the_counts_on_the_fast_path(app, warm):
    fast = PublicFastPath(app, refusing)
    assert "label may have been copied" not in call(fast, warm, headers=LANGUAGES["en"])[2].decode()
    batch = Batch.get(Batch.public_token == warm.rsplit("/", 1)[1])
    Scan.insert_many([{"batch_id": batch.id}] * 170).execute()  # 3 x 50 + 20 = 170 is the limit
    text = call(fast, warm, headers=LANGUAGES["en"])[2].decode()
    assert count_in(text) == 175 and "label may have been copied" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_recall_opened_through_the_service_shows_on_the_next_request(app, client, language):
    vegetable_chain()
    headers = LANGUAGES[language]
    path = f"/t/{Batch.get(Batch.lot_code == 'VEG-B').public_token}"
    assert client.get(path, headers=headers).status_code == 200
    fast = PublicFastPath(app, refusing)
    assert BANNER[language] not in call(fast, path, headers=headers)[2].decode()  # served by the fast path
    inspector = make_user(role="inspector", party=make_party(kind="inspector"))
    open_recall(inspector, {"lot": "VEG-B", "level": 1, "reason": "农药残留超标"})
    with pytest.raises(AssertionError, match="reached Flask"):
        call(fast, path, headers=headers)  # the version moved: the fast path declines
    text = client.get(path, headers=headers).get_data(as_text=True)
    assert BANNER[language] in text
    assert BANNER[language] in call(fast, path, headers=headers)[2].decode()  # kept again, at the new version


def test_every_audited_write_moves_the_version(app, client, warm):
    version = app.extensions["public_version"]
    before = version.read()
    product = make_product(name_en="Broccoli")
    update_product(make_user(role="admin"), product.code, {"name_en": "Purple broccoli"})
    assert version.read() > before
    with pytest.raises(AssertionError, match="reached Flask"):
        call(PublicFastPath(app, refusing), warm, headers=LANGUAGES["en"])


def test_a_failed_write_moves_no_version(app, warm):
    version = app.extensions["public_version"]
    before = version.read()
    with pytest.raises(Exception):  # noqa: B017,PT011 - the product does not exist
        update_product(make_user(role="admin"), "NO-SUCH-PRODUCT", {"name_en": "x"})
    assert version.read() == before


@pytest.mark.parametrize(("path", "method", "headers", "query"), [
    ("{page}", "POST", {}, ""),
    ("{page}", "GET", {}, "utm_source=label"),
    ("{page}", "GET", {"Cookie": "session=abc"}, ""),
    ("{page}/", "GET", {}, ""),
    ("{page}/qr.svg", "GET", {}, ""),
    ("/t/unknown-token-xyz", "GET", {}, ""),
    ("/t/a", "GET", {}, ""),
    ("/", "GET", {}, ""),
])
def test_everything_else_goes_to_flask(app, warm, path, method, headers, query):
    fast = PublicFastPath(app, refusing)
    with pytest.raises(AssertionError, match="reached Flask"):
        call(fast, path.format(page=warm), method, headers, query)


@pytest.mark.parametrize(("good", "bad"), [("Ab9-_xY0", "Ab9-_xY"), ("Ab9-_" * 6 + "xY", "Ab9-_" * 6 + "x.")])
def test_the_fast_path_and_flask_accept_and_refuse_the_same_tokens(app, client, good, bad):
    batch = make_batch()
    Batch.update(public_token=good).where(Batch.id == batch.id).execute()
    assert client.get(f"/t/{good}").status_code == 200  # Flask renders the page and keeps it
    assert call(PublicFastPath(app, refusing), f"/t/{good}")[0] == "200 OK"
    Batch.update(public_token=bad).where(Batch.id == batch.id).execute()
    assert client.get(f"/t/{bad}").status_code == 404  # a batch holds it, but it is not a token
    with pytest.raises(AssertionError, match="reached Flask"):
        call(PublicFastPath(app, refusing), f"/t/{bad}")


def test_an_old_page_or_a_changed_version_goes_to_flask(app, warm, monkeypatch):
    fast = PublicFastPath(app, refusing)
    assert call(fast, warm)[0] == "200 OK"
    announce_write()
    with pytest.raises(AssertionError, match="reached Flask"):
        call(fast, warm)
    with app.test_client() as client:
        client.get(warm)  # the probe finds the page unchanged: stamped with the new version, not rendered
    assert call(fast, warm)[0] == "200 OK"
    monkeypatch.setattr(public_cache, "now", lambda: 4e9)
    with pytest.raises(AssertionError, match="reached Flask"):
        call(fast, warm)


def test_the_fast_path_is_in_front_of_the_app(app, warm, monkeypatch):
    assert isinstance(app.wsgi_app, PublicFastPath)
    monkeypatch.setattr(app.wsgi_app, "wsgi_app", refusing)
    client = app.test_client()
    for headers in LANGUAGES.values():
        assert client.get(warm, headers=headers).status_code == 200
    assert app.url_map.bind("x").match(warm)[0] == "public.batch_page"


@pytest.mark.parametrize("cookie", [None, "en", "zh_Hans", "zh_Hant", "fr", ""])
@pytest.mark.parametrize("accept", [None, "", "en", "en-US,en;q=0.9", "zh-CN", "zh-TW", "zh-HK,zh;q=0.8",
                                    "zh-Hant", "zh", "fr, de;q=0.5", "de,en;q=0.1,zh-TW;q=0.2", "*",
                                    "zh-SG", "en;q=0.5,zh-MO;q=0.6", "garbage;;q=x"])
def test_the_language_rule_is_the_apps(app, cookie, accept):
    headers = {}
    if accept is not None:
        headers["Accept-Language"] = accept
    if cookie is not None:
        headers["Cookie"] = f"lang={cookie}"
    environ = EnvironBuilder(path="/t/abcdefgh12", headers=headers).get_environ()
    with app.request_context(environ):
        app.preprocess_request()
        expected = str(get_locale())
    assert public_language(Request(environ), app.config) == expected
