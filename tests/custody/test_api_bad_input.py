"""Bad input to batch registration gets a clear error in the one JSON shape, and writes nothing."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from urllib.parse import quote

import pytest

from supply.clock import local_today
from supply.db import db
from supply.models import Batch
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import bad_input_world
from tests.builders.api import batch_body
from tests.builders.api import unchanged
from tests.builders.factories import make_batch

world = pytest.fixture(name="world")(bad_input_world)


YAK_TAG = "263012100000001"  # species, Datong county 630121, serial


def _post_raw(client, world: dict, data, content_type: str = "application/json", path: str = "/batches"):
    return client.post(API + path, data=data, content_type=content_type, headers=world["headers"])


def test_a_good_batch_is_accepted(client, world):
    """The baseline the cases below break one field at a time."""
    assert client.post(f"{API}/batches", json=batch_body(world), headers=world["headers"]).status_code == 201


# --- the body as a whole -------------------------------------------------------------------------------------

RAW_BODIES = [
    ("invalid JSON", b'{"product": ', 400),
    ("trailing garbage", b'{"product": "X"} x', 400),
    ("empty body", b"", 400),
    ("JSON array", b"[]", 400),
    ("JSON array of an object", b'[{"product": "X"}]', 400),
    ("JSON string", b'"batch"', 400),
    ("JSON null", b"null", 400),
    ("not UTF-8", b'{"notes": "\xff\xfe"}', 400),
    ("deep nesting", b"[" * 100000 + b"]" * 100000, 400),
    ("exponent beyond Decimal", b'{"quantity": 1e9999999999999999999}', 400),
    ("integer of 5000 digits", b'{"quantity": ' + b"9" * 5000 + b"}", 400),
]


@pytest.mark.parametrize(("name", "data", "status"), RAW_BODIES, ids=[case[0] for case in RAW_BODIES])
def test_malformed_bodies(client, world, name, data, status):
    with unchanged():
        response = _post_raw(client, world, data)
    assert_error(response, status)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_not_json(client, world, literal):
    data = json.dumps(batch_body(world, quantity="@")).replace('"@"', literal)
    with unchanged():
        response = _post_raw(client, world, data)
    body = assert_error(response, 400)
    assert "NaN" in body["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml",
                                          "multipart/form-data; boundary=x", ""])
def test_wrong_content_type_is_415(client, world, content_type):
    with unchanged():
        response = client.post(f"{API}/batches", data=json.dumps(batch_body(world)), headers={
            **world["headers"], "Content-Type": content_type})
    assert_error(response, 415)


def test_json_with_charset_is_accepted(client, world):
    response = _post_raw(client, world, json.dumps(batch_body(world)), "application/json; charset=utf-8")
    assert response.status_code == 201


def test_oversize_body_is_413_json(client, app, world):
    limit = app.config["MAX_CONTENT_LENGTH"]
    padding = "x" * limit
    with unchanged():
        response = _post_raw(client, world, json.dumps(batch_body(world, notes=padding)))
    assert_error(response, 413)


def test_unknown_fields_are_named(client, world):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, colour="red", holder="P9999"),
                               headers=world["headers"])
    body = assert_error(response, 422, "colour", "Unknown field")
    assert "holder" in body["errors"]


@pytest.mark.parametrize("field", ["product", "site", "quantity", "produced_on"])
def test_missing_required_fields_are_named(client, world, field):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, **{field: ...}), headers=world["headers"])
    assert_error(response, 422, field, "Missing data")


def test_null_required_fields_are_named(client, world):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, product=None, quantity=None),
                               headers=world["headers"])
    body = assert_error(response, 422, "product")
    assert "quantity" in body["errors"]


# --- quantities --------------------------------------------------------------------------------------------

BAD_QUANTITIES = [
    ("zero", 0, "greater than 0"),
    ("zero text", "0.000", "greater than 0"),
    ("negative", -1, "greater than 0"),
    ("negative text", "-5", "greater than 0"),
    ("non-numeric", "abc", "Not a valid number"),
    ("empty", "", "Not a valid number"),
    ("digit separators", "1_000", "Not a valid number"),
    ("full-width digits", "５００", "Not a valid number"),
    ("boolean", True, "Not a valid number"),
    ("list", [1], "Not a valid number"),
    ("object", {"value": 1}, "Not a valid number"),
    ("NaN text", "NaN", "nan"),
    ("Infinity text", "Infinity", "infinity"),
    ("sNaN text", "sNaN", "nan"),
    ("absurdly large text", "1e20", "at most"),
    ("absurdly large integer", 10**20, "at most"),
    ("just over the maximum", "100000000.001", "at most"),
    ("four decimal places", "1.0001", "3 decimal places"),
    ("tiny", "1e-7", "3 decimal places"),
    ("very long text", "1" * 41, "Not a valid number"),
]


@pytest.mark.parametrize(("name", "quantity", "reason"), BAD_QUANTITIES, ids=[case[0] for case in BAD_QUANTITIES])
def test_bad_quantities(client, world, name, quantity, reason):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, quantity=quantity), headers=world["headers"])
    body = assert_error(response, 422, "quantity")
    assert any(reason.lower() in message.lower() for message in body["errors"]["quantity"]), body


def test_absurdly_large_json_number(client, world):
    with unchanged():
        response = _post_raw(client, world, json.dumps(batch_body(world, quantity="@")).replace('"@"', "1e20"))
    assert_error(response, 422, "quantity", "at most")


@pytest.mark.parametrize("raw", ["0.1", '"0.1"'])
def test_a_float_looking_quantity_is_stored_exactly(client, world, raw):
    response = _post_raw(client, world, json.dumps(batch_body(world, quantity="@")).replace('"@"', raw))
    assert response.status_code == 201, response.json
    assert response.json["quantity"] == "0.1"
    lot = response.json["lot_code"]
    assert Batch.get(Batch.lot_code == lot).quantity == Decimal("0.1")
    # Stored as an exact count of thousandths, not a binary float.
    cursor = db.execute_sql(f"SELECT quantity FROM batch WHERE lot_code = {db.param}", (lot,))
    assert cursor.fetchone()[0] == 100


@pytest.mark.parametrize(("quantity", "stored"), [("100000000", "100000000"), ("1.1000", "1.1"), (12.5, "12.5"),
                                                  ("0.001", "0.001")])
def test_edge_quantities_are_accepted(client, world, quantity, stored):
    response = client.post(f"{API}/batches", json=batch_body(world, quantity=quantity), headers=world["headers"])
    assert response.status_code == 201, response.json
    assert response.json["quantity"] == stored


def test_unit_must_fit_the_product(client, world):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, unit="head"), headers=world["headers"])
    assert_error(response, 422, "unit", "does not fit")
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, unit="bushel"), headers=world["headers"])
    assert_error(response, 422, "unit")


@pytest.mark.parametrize(("product", "unit", "quantity"), [
    ("seedling", None, "1.5"),
    ("product", "carton", "2.5"),
    ("yak", None, "0.5"),
])
def test_counted_units_take_whole_numbers(client, world, product, unit, quantity):
    body = batch_body(world, product=world[product].code, quantity=quantity, unit=unit or ...,
                  ear_tag=YAK_TAG if product == "yak" else ...)
    with unchanged():
        response = client.post(f"{API}/batches", json=body, headers=world["headers"])
    assert_error(response, 422, "quantity", "whole")


def test_whole_number_of_seedlings_is_accepted(client, world):
    body = batch_body(world, product=world["seedling"].code, quantity="2000")
    response = client.post(f"{API}/batches", json=body, headers=world["headers"])
    assert response.status_code == 201
    assert response.json["unit"] == "plant"


# --- ear tags ----------------------------------------------------------------------------------------------

def _yak(world: dict, **changes) -> dict:
    return batch_body(world, **{"product": world["yak"].code, "quantity": "1", "ear_tag": YAK_TAG, **changes})


@pytest.mark.parametrize("tag", ["12345", "2630121000000011", "26301210000000A", "200012100000001",
                                 "283012100000001", "２６３０１２１００００００００１", "263012100000001\n1"])
def test_malformed_ear_tag(client, world, tag):
    with unchanged():
        response = client.post(f"{API}/batches", json=_yak(world, ear_tag=tag), headers=world["headers"])
    assert_error(response, 422, "ear_tag")


def test_live_yak_needs_an_ear_tag(client, world):
    for missing in (..., None, ""):
        with unchanged():
            response = client.post(f"{API}/batches", json=_yak(world, ear_tag=missing), headers=world["headers"])
        assert_error(response, 422, "ear_tag", "ear tag")


def test_live_yak_batch_is_one_animal(client, world):
    with unchanged():
        response = client.post(f"{API}/batches", json=_yak(world, quantity="2"), headers=world["headers"])
    assert_error(response, 422, "quantity")


def test_ear_tag_only_on_yak(client, world):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, ear_tag=YAK_TAG), headers=world["headers"])
    assert_error(response, 422, "ear_tag")


def test_duplicate_ear_tag_is_409(client, world):
    first = client.post(f"{API}/batches", json=_yak(world), headers=world["headers"])
    assert first.status_code == 201, first.json
    assert first.json["ear_tag"] == YAK_TAG
    with unchanged():
        response = client.post(f"{API}/batches", json=_yak(world, ear_tag=f" {YAK_TAG} "), headers=world["headers"])
    assert_error(response, 409, "ear_tag")


# --- lot codes ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lot_code", ["西宁2026", "AB 12", "AB#12", "AB$1", "AB@1", "AB[1]", "A" * 21, " ",
                                      "ABC\n", "\tABC", "AB\u00e91"])
def test_lot_code_outside_the_gs1_set(client, world, lot_code):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, lot_code=lot_code), headers=world["headers"])
    assert_error(response, 422, "lot_code")


def test_lot_code_of_every_gs1_kind_of_character_is_accepted(client, world):
    lot = "Ab9!\"%&'()*+,-./:;<=>?_"[:20]
    response = client.post(f"{API}/batches", json=batch_body(world, lot_code=lot), headers=world["headers"])
    assert response.status_code == 201, response.json
    assert response.json["lot_code"] == lot
    assert client.get(f"{API}/batches/{quote(lot, safe='')}", headers=world["headers"]).json["lot_code"] == lot


@pytest.mark.parametrize("lot_code", [None, ""])
def test_missing_lot_code_is_generated(client, world, lot_code):
    response = client.post(f"{API}/batches", json=batch_body(world, lot_code=lot_code), headers=world["headers"])
    assert response.status_code == 201, response.json
    assert response.json["lot_code"].startswith("VG260701-")


def test_duplicate_lot_code_is_409(client, world):
    assert client.post(f"{API}/batches", json=batch_body(world, lot_code="XN-2026-001"),
                       headers=world["headers"]).status_code == 201
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, lot_code="XN-2026-001"),
                               headers=world["headers"])
    assert_error(response, 409, "lot_code")


# --- dates, strings, codes ---------------------------------------------------------------------------------

def test_harvest_date_in_the_future(client, world):
    tomorrow = (local_today() + datetime.timedelta(days=1)).isoformat()
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, produced_on=tomorrow), headers=world["headers"])
    assert_error(response, 422, "produced_on", "future")
    today = local_today().isoformat()
    assert client.post(f"{API}/batches", json=batch_body(world, produced_on=today),
                       headers=world["headers"]).status_code == 201


@pytest.mark.parametrize("value", ["2026-02-30", "01/07/2026", "yesterday", "", 20260701])
def test_malformed_dates(client, world, value):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, produced_on=value), headers=world["headers"])
    assert_error(response, 422, "produced_on")


@pytest.mark.parametrize(("field", "length"), [("field_name", 101), ("notes", 2001)])
def test_over_long_strings(client, world, field, length):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, **{field: "田" * length}),
                               headers=world["headers"])
    assert_error(response, 422, field, "At most")


@pytest.mark.parametrize("notes", ["a\u0000b", "bell\u0007", "\ud800"])
def test_unstorable_characters(client, world, notes):
    with unchanged():
        response = _post_raw(client, world, json.dumps(batch_body(world, notes=notes)))
    assert_error(response, 422, "notes")


def test_multi_line_notes_are_kept(client, world):
    body = batch_body(world, notes="第一行\n第二行\ttab")
    response = client.post(f"{API}/batches", json=body, headers=world["headers"])
    assert response.status_code == 201
    assert response.json["notes"] == "第一行\n第二行\ttab"


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("product", "NOPE01", "Unknown product"),
    ("site", "NOPE01", "Unknown site"),
    ("product", "a b", None),
    ("site", "x" * 40, None),
    ("product", 5, None),
])
def test_unknown_or_malformed_codes(client, world, field, value, reason):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, **{field: value}), headers=world["headers"])
    assert_error(response, 422, field, reason)


def test_another_partys_site_is_403(client, world):
    with unchanged():
        response = client.post(f"{API}/batches", json=batch_body(world, site=world["other_site"].code),
                               headers=world["headers"])
    assert_error(response, 403, "site")


def test_batch_patch_refuses_registration_facts(client, world):
    batch = make_batch(site=world["site"], product=world["product"])
    response = client.patch(f"{API}/batches/{batch.lot_code}", json={"quantity": "1", "notes": "x"},
                            headers=world["headers"])
    assert_error(response, 422, "quantity", "Unknown field")
    assert Batch.get_by_id(batch.id).notes == ""
