"""GS1 Digital Link resolver: a URI redirects (307) to its default link or the link type asked for, walks up to its
GTIN for a lot we do not know; bad URIs are 400, a link type it has no link of 404, never 200/500."""

from __future__ import annotations

import pytest

from supply.models import Batch
from tests.builders.factories import make_batch
from tests.builders.factories import make_product

GTIN13 = "6901234567892"
GTIN14 = "06901234567892"
BASE = "https://trace.example.cn"
LOT = f"/01/{GTIN14}/10/VG260715-AB"
EN = {"Accept-Language": "en"}
# Each page language: the browser's Accept-Language, the `?lang=` of its link, <html lang>, a word of the page.
LANGUAGES = [
    ("zh-CN,zh;q=0.9", "zh_Hans", "zh-Hans", "批次号"),
    ("zh-TW,zh;q=0.9", "zh_Hant", "zh-Hant", "批次號"),
    ("en-GB,en;q=0.9", "en", "en", "Lot code"),
]


@pytest.fixture()
def lot():
    """A batch of a product with a GTIN."""
    return make_batch(product=make_product(gtin=GTIN14, name="西兰花", name_en="Broccoli"), lot_code="VG260715-AB")


def follow(client, response, **kwargs):
    """Follow a redirect to our own host, as a browser would."""
    assert response.status_code == 307, response.status_code
    location = response.headers["Location"]
    assert location.startswith(BASE + "/")
    return client.get(location[len(BASE):], **kwargs)


def test_a_lot_uri_redirects_to_its_page(client, lot):
    page = f"{BASE}/t/{lot.public_token}"
    for path in (LOT, f"/01/{GTIN13}/10/VG260715-AB", f"{LOT}/", f"{LOT}?linkType=gs1:defaultLink",
                 f"{LOT}?linkType=https://gs1.org/voc/defaultLink"):
        response = client.get(path, headers=EN)
        assert response.status_code == 307, path
        assert response.headers["Location"] == page, path
        assert f'<{BASE}{path.split("?")[0].rstrip("/")}?linkType=linkset>; rel="linkset"' in response.headers["Link"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(("accept", "code", "html_lang", "word"), LANGUAGES)
def test_the_default_link_page_speaks_the_visitors_language(client, lot, accept, code, html_lang, word):
    response = follow(client, client.get(LOT, headers={"Accept-Language": accept}),
                      headers={"Accept-Language": accept})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{html_lang}">' in body and word in body
    assert "VG260715-AB" in body


@pytest.mark.parametrize(("accept", "code", "html_lang", "word"), LANGUAGES)
def test_the_page_link_is_chosen_by_language(client, lot, accept, code, html_lang, word):
    response = client.get(f"{LOT}?linkType=gs1:pip", headers={"Accept-Language": accept})
    assert response.headers["Location"] == f"{BASE}/t/{lot.public_token}?lang={code}"
    # The link in one language shows the page in it, whatever the browser prefers.
    page = follow(client, response, headers={"Accept-Language": "fr"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and f'<html lang="{html_lang}">' in body and word in body


def test_the_page_link_without_a_language_lets_the_page_choose(client, lot):
    for headers in ({}, {"Accept-Language": "fr"}):
        response = client.get(f"{LOT}?linkType=gs1:pip", headers=headers)
        assert response.headers["Location"] == f"{BASE}/t/{lot.public_token}"


def test_gtin8_and_gtin12_are_normalised(client):
    l8 = make_batch(product=make_product(gtin="000000" + "96385074"), lot_code="L8")
    l12 = make_batch(product=make_product(gtin="00" + "036000291452"), lot_code="L12")
    assert client.get("/01/96385074/10/L8").headers["Location"] == f"{BASE}/t/{l8.public_token}"
    assert client.get("/01/036000291452/10/L12").headers["Location"] == f"{BASE}/t/{l12.public_token}"


def test_link_types_redirect_to_their_json(client, lot):
    trace = client.get(f"{LOT}?linkType=gs1:traceability")
    assert trace.headers["Location"] == f"{BASE}/t/{lot.public_token}/traceability"
    data = follow(client, trace)
    assert data.status_code == 200 and data.get_json()["lot"] == "VG260715-AB"
    assert data.get_json()["origin"]["producer"]["name"] == lot.origin_party.name
    assert lot.origin_party.phone not in data.get_data(as_text=True)
    certificates = follow(client, client.get(f"{LOT}?linkType=https://ref.gs1.org/voc/certificationInfo"))
    assert certificates.get_json()["certificates"] == [] and certificates.get_json()["gtin"] == GTIN14
    assert follow(client, client.get(f"{LOT}?linkType=gs1:recallStatus")).get_json()["recalled"] is False
    Batch.update(status="recalled").where(Batch.id == lot.id).execute()
    assert follow(client, client.get(f"{LOT}?linkType=gs1:recallStatus")).get_json()["recalled"] is True


def test_the_query_string_is_passed_on_without_link_type(client, lot):
    page = f"{BASE}/t/{lot.public_token}"
    assert client.get(f"{LOT}?foo=bar&17=270131").headers["Location"] == f"{page}?foo=bar&17=270131"
    assert (client.get(f"{LOT}?linkType=gs1:recallStatus&foo=bar").headers["Location"]
            == f"{page}/recall?foo=bar")
    assert client.get(f"{LOT}?linkType=gs1:pip&foo=bar", headers=EN).headers["Location"] == f"{page}?lang=en&foo=bar"


def test_a_query_string_past_ascii_is_passed_on_encoded(client, lot):
    page = f"{BASE}/t/{lot.public_token}"
    response = client.get(LOT, environ_overrides={"QUERY_STRING": "q=\xe4\xb8\xad&a b=1"})
    assert response.status_code == 307 and response.headers["Location"] == f"{page}?q=%E4%B8%AD&a%20b=1"


def test_an_unknown_link_type_is_404(client, lot):
    for value in ("gs1:nosuchlt", "https://gs1.org/voc/nosuchlt", "nope"):
        response = client.get(f"{LOT}?linkType={value}", headers=EN)
        assert response.status_code == 404, value
        assert response.get_json()["message"] == "This code has no link of this type."
        assert 'rel="linkset"' in response.headers["Link"]


def test_an_unknown_lot_walks_up_to_its_gtin(client, lot):
    product_page = f"{BASE}/p/{GTIN14}"
    for path in (f"/01/{GTIN14}/10/NOPE", f"/01/{GTIN14}", f"/01/{GTIN14}/", f"/01/{GTIN14}/22/V1/10/VG260715-AB"):
        response = client.get(path)
        assert response.status_code == 307 and response.headers["Location"] == product_page, path
    # A lot has no recall status at the GTIN's level.
    assert client.get(f"/01/{GTIN14}/10/NOPE?linkType=gs1:recallStatus").status_code == 404
    # A serial number we do not know walks up to its lot.
    serial = client.get(f"{LOT}/21/S1")
    assert serial.headers["Location"] == f"{BASE}/t/{lot.public_token}"


@pytest.mark.parametrize(("accept", "code", "html_lang", "word"), LANGUAGES)
def test_the_product_page_speaks_each_language(client, lot, accept, code, html_lang, word):
    response = follow(client, client.get(f"/01/{GTIN14}/10/NOPE"), headers={"Accept-Language": accept})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{html_lang}">' in body and GTIN14 in body
    assert ("Broccoli" if code == "en" else "西兰花" if code == "zh_Hans" else "西蘭花") in body
    sentence = {"zh_Hans": "这个码代表产品", "zh_Hant": "這個碼代表產品", "en": "This code names the product"}
    assert sentence[code] in body


def test_an_unknown_gtin_is_404(client, lot):
    response = client.get("/01/06901234567885/10/X", headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert client.get("/01/06901234567885/10/X?linkType=linkset").status_code == 404
    assert client.get("/p/06901234567885").status_code == 404
    assert client.get("/p/abc").status_code == 404


def test_the_json_targets_of_an_unknown_token_are_404(client):
    for name in ("traceability", "certification", "recall"):
        response = client.get(f"/t/AAAAAAAAAAAAAAAA/{name}")
        assert response.status_code == 404 and response.get_json()["code"] == 404


def test_head_and_options(client, lot):
    head = client.head(LOT)
    assert head.status_code == 307 and head.data == b""
    assert head.headers["Location"] == f"{BASE}/t/{lot.public_token}"
    options = client.options(LOT, headers={"Origin": "https://ref.gs1.org", "Access-Control-Request-Method": "GET"})
    assert options.status_code == 204
    for method in ("GET", "HEAD", "OPTIONS"):
        assert method in options.headers["Allow"] and method in options.headers["Access-Control-Allow-Methods"]
    assert options.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in options.headers["Access-Control-Expose-Headers"]
    assert 'rel="linkset"' in options.headers["Link"]


@pytest.mark.parametrize("path", [
    "/01", "/01/", f"/01/{GTIN14}/10", f"/01/{GTIN14}/10/", "/01/06901234567893/10/X",
    "/01/123/10/X", "/01/abcdefghijklmn/10/X", f"/01/{GTIN14}/21/S1/10/X", f"/01/{GTIN14}/10/X/22/V",
    f"/01/{GTIN14}/10/X/10/Y", f"/01/{GTIN14}/99/X", f"/01/{GTIN14}/10/X/foo",
    f"/01/{GTIN14}/10/{'A' * 21}", f"/01/{GTIN14}/10/%E4%B8%AD", f"/01/{GTIN14}/10/a%00b", f"/01/{GTIN14}/21/a%00b",
    f"/01/{GTIN14}/10/{'x/' * 300}", f"/01/{GTIN14}/10/X?17=271301", f"/01/{GTIN14}/10/X?17=270230",
    f"/01/{GTIN14}/10/X?17=2701", f"/01/{GTIN14}/10/X?17=270101&17=270102",
])
def test_malformed_uris_are_400(client, lot, path):
    response = client.get(path, headers=EN)
    assert response.status_code == 400, path


def test_bad_uri_page_speaks_the_visitors_language(client):
    response = client.get("/01/123/10/X", headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 400 and "無法識別" in response.get_data(as_text=True)
    json_error = client.get("/01/123/10/X?linkType=gs1:recallStatus", headers=EN)
    assert json_error.status_code == 400 and "GTIN" in json_error.get_json()["message"]


def test_a_percent_encoded_slash_stays_inside_the_lot(client):
    slashed = make_batch(product=make_product(gtin=GTIN14), lot_code="A/B-7")
    response = client.get(f"/01/{GTIN14}/10/A%2FB-7?linkType=gs1:recallStatus")
    assert response.headers["Location"] == f"{BASE}/t/{slashed.public_token}/recall"
    assert follow(client, response).get_json()["lot"] == "A/B-7"
    assert f"<{BASE}/01/{GTIN14}/10/A%2FB-7?linkType=linkset>" in response.headers["Link"]
    assert client.get(f"/01/{GTIN14}/10/A/B-7").status_code == 400
