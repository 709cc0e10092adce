"""GS1 Digital Link: /01/<GTIN>/10/<lot> resolves to the page or a link type; bad URIs are 400, never 200/500."""

from __future__ import annotations

import pytest

from supply.models import Batch
from tests.builders.factories import make_batch
from tests.builders.factories import make_product

GTIN13 = "6901234567892"
GTIN14 = "06901234567892"
EN = {"Accept-Language": "en"}


@pytest.fixture()
def lot():
    """A batch of a product with a GTIN."""
    return make_batch(product=make_product(gtin=GTIN14), lot_code="VG260715-AB")


def test_page_by_default_with_a_link_header(client, lot):
    for path in (f"/01/{GTIN14}/10/VG260715-AB", f"/01/{GTIN13}/10/VG260715-AB",
                 f"/01/{GTIN14}/10/VG260715-AB?linkType=gs1:pip", f"/01/{GTIN14}/10/VG260715-AB?17=270131"):
        response = client.get(path, headers=EN)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
        assert "VG260715-AB" in response.get_data(as_text=True)
        link = response.headers["Link"]
        for rel in ("gs1.org/voc/pip", "gs1.org/voc/traceability", "gs1.org/voc/certificationInfo",
                    "gs1.org/voc/recallStatus", 'rel="linkset"'):
            assert rel in link
        assert f"https://trace.example.cn/01/{GTIN14}/10/VG260715-AB?linkType=gs1:traceability" in link


def test_gtin8_and_gtin12_are_normalised(client):
    make_batch(product=make_product(gtin="000000" + "96385074"), lot_code="L8")
    make_batch(product=make_product(gtin="00" + "036000291452"), lot_code="L12")
    assert client.get("/01/96385074/10/L8").status_code == 200
    assert client.get("/01/036000291452/10/L12").status_code == 200


def test_link_types_answer_json(client, lot):
    base = f"/01/{GTIN14}/10/VG260715-AB"
    trace = client.get(f"{base}?linkType=gs1:traceability")
    assert trace.status_code == 200 and trace.get_json()["lot"] == "VG260715-AB"
    assert "Link" in trace.headers
    assert trace.get_json()["origin"]["producer"]["name"] == lot.origin_party.name
    assert lot.origin_party.phone not in trace.get_data(as_text=True)
    certificates = client.get(f"{base}?linkType=gs1:certificationInfo").get_json()
    assert certificates["certificates"] == [] and certificates["lot"] == "VG260715-AB"
    assert client.get(f"{base}?linkType=gs1:recallStatus").get_json()["recalled"] is False
    Batch.update(status="recalled").where(Batch.id == lot.id).execute()
    assert client.get(f"{base}?linkType=gs1:recallStatus").get_json()["recalled"] is True
    for name in ("linkset", "all"):
        linkset = client.get(f"{base}?linkType={name}")
        assert linkset.mimetype == "application/linkset+json"
        entry = linkset.get_json()["linkset"][0]
        assert entry["anchor"] == f"https://trace.example.cn{base}"
        assert "https://gs1.org/voc/recallStatus" in entry


def test_head_and_options(client, lot):
    base = f"/01/{GTIN14}/10/VG260715-AB"
    head = client.head(base)
    assert head.status_code == 200 and head.data == b"" and "Link" in head.headers
    options = client.options(base)
    assert options.status_code == 204
    assert "GET" in options.headers["Allow"] and "OPTIONS" in options.headers["Allow"]
    assert "Link" in options.headers


def test_unknown_lot_is_404_not_400(client, lot):
    assert client.get(f"/01/{GTIN14}/10/NOPE").status_code == 404
    assert client.get(f"/01/{GTIN14}/10/NOPE?linkType=gs1:recallStatus").status_code == 404


@pytest.mark.parametrize("path", [
    "/01", "/01/", f"/01/{GTIN14}", f"/01/{GTIN14}/10", f"/01/{GTIN14}/10/", "/01/06901234567893/10/X",
    "/01/123/10/X", "/01/abcdefghijklmn/10/X", f"/01/{GTIN14}/21/S1/10/X", f"/01/{GTIN14}/10/X/22/V",
    f"/01/{GTIN14}/10/X/10/Y", f"/01/{GTIN14}/99/X", f"/01/{GTIN14}/10/X/21/S1", f"/01/{GTIN14}/22/V/10/X",
    f"/01/{GTIN14}/10/{'A' * 21}", f"/01/{GTIN14}/10/%E4%B8%AD", f"/01/{GTIN14}/10/a%00b",
    f"/01/{GTIN14}/10/{'x/' * 300}", f"/01/{GTIN14}/10/X?17=271301", f"/01/{GTIN14}/10/X?17=270230",
    f"/01/{GTIN14}/10/X?17=2701", f"/01/{GTIN14}/10/X?17=270101&17=270102", f"/01/{GTIN14}/10/X?linkType=gs1:nope",
])
def test_malformed_uris_are_400(client, lot, path):
    response = client.get(path, headers=EN)
    assert response.status_code == 400, path


def test_bad_uri_page_speaks_the_visitors_language(client):
    response = client.get("/01/123/10/X", headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 400 and "無法識別" in response.get_data(as_text=True)
    json_error = client.get("/01/123/10/X?linkType=gs1:recallStatus", headers=EN)
    assert json_error.status_code == 400 and "GTIN" in json_error.get_json()["message"]


def test_resolver_description(client):
    description = client.get("/.well-known/gs1resolver").get_json()
    assert description["resolverRoot"] == "https://trace.example.cn"
    assert "gs1:recallStatus" in description["supportedLinkTypes"]


def test_a_percent_encoded_slash_stays_inside_the_lot(client):
    make_batch(product=make_product(gtin=GTIN14), lot_code="A/B-7")
    response = client.get(f"/01/{GTIN14}/10/A%2FB-7?linkType=gs1:recallStatus")
    assert response.status_code == 200 and response.get_json()["lot"] == "A/B-7"
    assert f"/01/{GTIN14}/10/A%2FB-7?linkType=gs1:pip" in response.headers["Link"]
    assert client.get(f"/01/{GTIN14}/10/A/B-7").status_code == 400
