"""The resolver's linkset (valid against GS1's linkset schema, anchored on the URI asked for, walking up to the GTIN)
and its description file (valid against GS1's description file schema), checked with `jsonschema`."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft7Validator

from tests.builders import REPO
from tests.builders import SHARED
from tests.builders.factories import make_batch
from tests.builders.factories import make_product

GTIN13 = "6901234567892"
GTIN14 = "06901234567892"
BASE = "https://trace.example.cn"
LOT = f"/01/{GTIN14}/10/VG260715-AB"
VOC = "https://gs1.org/voc/"
LINKSET_SCHEMA = json.loads((SHARED / "gs1-resolver/linkset/gs1-linkset-schema.json").read_text())
DESCRIPTION_SCHEMA = json.loads((REPO / "tests/browser/gs1_suite/description-file-schema.json").read_text())
CONTEXT = f'<{BASE}/gs1/linkset-context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'


@pytest.fixture()
def lot():
    """A batch of a product with a GTIN and an English name."""
    return make_batch(product=make_product(gtin=GTIN14, name="西兰花", name_en="Broccoli"), lot_code="VG260715-AB")


def errors(document, schema) -> list[str]:
    """Every way a document breaks a schema, as readable lines."""
    return [f"{list(error.absolute_path)}: {error.message}" for error in Draft7Validator(schema).iter_errors(document)]


def test_the_schema_catches_what_the_issue_found():
    """The check can fail: the old linkset's language tags and prefixed link types break GS1's schema."""
    bad = {"linkset": [{"anchor": f"{BASE}{LOT}", "gs1:pip": [{"href": f"{BASE}/t/x", "title": "Page",
                                                             "hreflang": ["zh-Hans"]}]}]}
    assert len(errors(bad, LINKSET_SCHEMA)) == 1
    bad["linkset"][0][f"{VOC}pip"] = bad["linkset"][0].pop("gs1:pip")
    assert "does not match" in errors(bad, LINKSET_SCHEMA)[0]


@pytest.mark.parametrize("how", [{"query": "?linkType=linkset"}, {"query": "?linkType=all"},
                                 {"headers": {"Accept": "application/linkset+json"}},
                                 {"headers": {"Accept": "text/html;q=0.5, application/linkset+json"}}])
def test_the_linkset_is_answered_without_redirect_and_is_valid(client, lot, how):
    response = client.get(LOT + how.get("query", ""), headers=how.get("headers", {}))
    assert response.status_code == 200 and response.mimetype == "application/linkset+json"
    document = json.loads(response.get_data(as_text=True))
    assert errors(document, LINKSET_SCHEMA) == []
    assert 'rel="linkset"' in response.headers["Link"] and CONTEXT in response.headers["Link"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_linkset_has_the_lot_then_its_gtin(client, lot):
    document = client.get(f"{LOT}?linkType=linkset", headers={"Accept-Language": "en"}).get_json()
    lot_entry, gtin_entry = document["linkset"]
    assert lot_entry["anchor"] == f"{BASE}{LOT}"
    assert lot_entry["itemDescription"] == "Broccoli · VG260715-AB"
    page = f"{BASE}/t/{lot.public_token}"
    assert lot_entry[f"{VOC}defaultLink"] == [{"href": page, "title": "Product information page"}]
    assert [link.get("hreflang") for link in lot_entry[f"{VOC}pip"]] == [None, ["zh-CN"], ["zh-HK"], ["en"]]
    assert [link["href"] for link in lot_entry[f"{VOC}pip"]] == [page, f"{page}?lang=zh_Hans",
                                                                  f"{page}?lang=zh_Hant", f"{page}?lang=en"]
    assert lot_entry[f"{VOC}recallStatus"] == [{"href": f"{page}/recall", "title": "Recall status of the lot",
                                                "type": "application/json"}]
    for link_type, links in lot_entry.items():
        if link_type.startswith(VOC):
            assert all(link["title"] and link["href"].startswith(BASE) for link in links)
    assert gtin_entry["anchor"] == f"{BASE}/01/{GTIN14}"
    assert gtin_entry[f"{VOC}defaultLink"] == [{"href": f"{BASE}/p/{GTIN14}", "title": "Product information page"}]
    assert f"{VOC}recallStatus" not in gtin_entry


def test_the_anchor_is_the_uri_asked_for(client, lot):
    for path in (f"/01/{GTIN13}/10/VG260715-AB", f"/01/{GTIN13}/10/VG260715-AB/"):
        document = client.get(path, headers={"Accept": "application/linkset+json"}).get_json()
        assert [entry["anchor"] for entry in document["linkset"]] == [f"{BASE}/01/{GTIN13}/10/VG260715-AB",
                                                                      f"{BASE}/01/{GTIN13}"]
        assert "id.gs1.org" not in json.dumps(document)


def test_the_item_description_speaks_the_visitors_language(client, lot):
    for accept, description in (("zh-CN", "西兰花 · VG260715-AB"), ("zh-HK", "西蘭花 · VG260715-AB")):
        document = client.get(f"{LOT}?linkType=linkset", headers={"Accept-Language": accept}).get_json()
        assert document["linkset"][0]["itemDescription"] == description


def test_an_unknown_lot_answers_its_gtins_linkset(client, lot):
    document = client.get(f"/01/{GTIN14}/10/KL8G?linkType=linkset").get_json()
    assert errors(document, LINKSET_SCHEMA) == []
    assert [entry["anchor"] for entry in document["linkset"]] == [f"{BASE}/01/{GTIN14}"]


def test_an_explicit_link_type_wins_over_the_linkset_accept_header(client, lot):
    response = client.get(f"{LOT}?linkType=gs1:traceability", headers={"Accept": "application/linkset+json"})
    assert response.status_code == 307 and response.headers["Location"].endswith("/traceability")


def test_the_context_file_is_served_as_json_ld(client):
    response = client.get("/gs1/linkset-context.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.get_json()["@context"]["linkset"] == "@graph"


def test_resolver_description_is_valid(client):
    response = client.get("/.well-known/gs1resolver")
    description = response.get_json()
    assert errors(description, DESCRIPTION_SCHEMA) == []
    assert description["resolverRoot"] == BASE and description["supportedPrimaryKeys"] == ["01"]
    assert description["jsonLdContextLocation"] == f"{BASE}/gs1/linkset-context.jsonld"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # The keys of our own the issue found are gone: GS1's schema names them differently.
    assert not {"supportedLinkTypes", "defaultLinkType", "supportedQualifiers"} & set(description)
    assert errors({"resolverRoot": BASE, "supportedPrimaryKeys": ["gtin"]}, DESCRIPTION_SCHEMA)
