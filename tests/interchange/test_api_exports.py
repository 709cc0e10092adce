"""Exports refuse bad selections with the API's one error shape, and the OpenAPI document describes them."""

from __future__ import annotations

import csv
import io

import pytest

from supply.clock import local_today
from supply.services.interchange import exports
from tests.builders.api import assert_error
from tests.builders.custody import register
from tests.builders.exports import exports_world
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

API = "/api/v1/exports"
TODAY = local_today().isoformat()


world = pytest.fixture(name="world")(exports_world)


@pytest.mark.parametrize(("params", "field"), [
    ({}, "lot"),
    ({"from": TODAY}, "to"),
    ({"to": TODAY}, "from"),
    ({"from": "2026-13-01", "to": TODAY}, "from"),
    ({"from": "yesterday", "to": TODAY}, "from"),
    ({"from": "2026-07-02", "to": "2026-07-01"}, "to"),
    ({"from": "2025-01-01", "to": "2026-01-02"}, "to"),
    ({"from": TODAY, "to": TODAY, "lot": "LOT1"}, "lot"),
    ({"from": TODAY, "to": TODAY, "trace": "up"}, "trace"),
    ({"lot": "LOT1", "trace": "sideways"}, "trace"),
    ({"lot": "X" * 21}, "lot"),
    ({"lot": "LOT1", "depth": "3"}, "depth"),
])
def test_epcis_refuses_a_bad_selection(client, world, params, field):
    assert_error(client.get(f"{API}/epcis", query_string=params, headers=world["headers"]), 422, field)


@pytest.mark.parametrize(("params", "field"), [
    ({}, "lots"),
    ({"lots": "A1,B2", "from": TODAY, "to": TODAY}, "lots"),
    ({"product": "PR0001"}, "product"),
    ({"lots": " , "}, "lots"),
    ({"lots": "A1,有中文"}, "lots"),
    ({"lots": ",".join(f"L{i}" for i in range(101))}, "lots"),
    ({"from": TODAY, "to": "2026-02-30"}, "to"),
])
def test_kde_refuses_a_bad_selection(client, world, params, field):
    assert_error(client.get(f"{API}/kde.csv", query_string=params, headers=world["headers"]), 422, field)


def test_kde_refuses_an_unknown_product(client, world):
    response = client.get(f"{API}/kde.csv", query_string={"product": "NO-SUCH", "from": TODAY, "to": TODAY},
                          headers=world["headers"])
    assert_error(response, 422, "product")


@pytest.mark.parametrize("path", ["epcis?lot=", "epcis?trace=both&lot=", "kde.csv?lots="])
def test_unknown_and_other_partys_lots(client, world, path):
    assert_error(client.get(f"{API}/{path}NO-SUCH-LOT", headers=world["headers"]), 404)
    assert_error(client.get(f"{API}/{path}{world['other_lot']}", headers=world["headers"]), 404)
    assert client.get(f"{API}/{path}{world['lot']}", headers=world["headers"]).status_code == 200


def test_exports_need_a_token(client, world):
    assert_error(client.get(f"{API}/epcis?lot={world['lot']}"), 401)
    assert_error(client.get(f"{API}/kde.csv?lots={world['lot']}"), 401)


def test_too_many_events_for_one_export(client, world, monkeypatch):
    monkeypatch.setattr(exports, "MAX_EVENTS", 0)
    assert_error(client.get(f"{API}/epcis?lot={world['lot']}", headers=world["headers"]), 422)
    assert_error(client.get(f"{API}/kde.csv?lots={world['lot']}", headers=world["headers"]), 422)


def test_the_openapi_document_describes_the_exports(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    epcis, kde = paths[f"{API}/epcis"]["get"], paths[f"{API}/kde.csv"]["get"]
    assert set(epcis["responses"]["200"]["content"]) == {"application/ld+json"}
    assert set(kde["responses"]["200"]["content"]) == {"text/csv"}
    for operation in (epcis, kde):
        assert {"401", "403", "404", "422"} <= set(operation["responses"])
    assert {p["name"] for p in epcis["parameters"]} == {"lot", "trace", "from", "to"}
    assert {p["name"] for p in kde["parameters"]} == {"lots", "trace", "product", "from", "to"}


def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(client, app):
    user = make_user()
    lot = register(user, make_site(party=user.party), make_product(), "100", field_name="=HYPERLINK(\"x\")").lot_code
    response = client.get(f"{API}/kde.csv?lots={lot}", headers=auth_header(user))
    header, row = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    assert dict(zip(header, row, strict=True))["Field or pen"] == "'=HYPERLINK(\"x\")"
