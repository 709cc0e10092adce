"""Assertions shared by the API tests: the one error shape, and "the database did not change"."""

from __future__ import annotations

import contextlib
from http import HTTPStatus

from supply.models import MODELS
from tests.builders.factories import auth_header
from tests.builders.factories import make_credit_code
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

# Values of every odd kind, for bodies that must answer a 4xx, never a 500.
ODD_VALUES = [None, True, False, 0, -1, 10**30, "1e400", "", " ", "x" * 3000, [], {}, [1, 2], {"a": 1}, "a\u0000b",
              "\ud800", "NaN", "9" * 50, "2026-13-01", "ＡＢＣ１", "<script>", "'; DROP TABLE party; --"]

API = "/api/v1"
ERROR_KEYS = {"code", "status", "message", "errors", "type", "title"}  # type, title: EPCIS exceptions


def table_counts() -> dict[str, int]:
    """Return the number of rows of every table of the models."""
    return {model._meta.table_name: model.select().count() for model in MODELS}


@contextlib.contextmanager
def unchanged():
    """Assert that the block leaves the row count of every table as it was."""
    before = table_counts()
    yield
    after = table_counts()
    assert after == before, {table: (before[table], after[table]) for table in before if before[table] != after[table]}


def assert_error(response, status: int, field: str | None = None, reason: str | None = None) -> dict:
    """Assert a JSON error in the API's one shape, naming `field` (and `reason` in its messages) when given."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert isinstance(body, dict)
    assert {"code", "status", "message"} <= set(body) <= ERROR_KEYS, body
    assert body["code"] == status
    assert body["status"] == HTTPStatus(status).phrase
    assert isinstance(body["message"], str) and body["message"]
    if "errors" in body:
        assert body["errors"], "an empty errors object should be left out"
        for name, messages in body["errors"].items():
            assert isinstance(name, str)
            assert messages and all(isinstance(m, str) and m for m in messages), body
    if field is not None:
        assert field in body.get("errors", {}), body
        if reason is not None:
            assert any(reason in message for message in body["errors"][field]), body
    return body


def bad_input_world() -> dict:
    """Build a producer with a site, products of several units, another party's site, and an admin."""
    producer = make_user()
    return {
        "producer": producer,
        "headers": auth_header(producer),
        "site": make_site(party=producer.party),
        "other_site": make_site(),
        "product": make_product(),
        "yak": make_product(category="live_yak", unit="head", name="牦牛", name_en="Yak"),
        "seedling": make_product(category="strawberry_seedling", unit="plant", name="草莓苗"),
        "admin_headers": auth_header(make_user(role="admin")),
    }


def batch_body(world: dict, **changes) -> dict:
    """Return a valid batch registration at the world's site, with changes (a value of ... drops the key)."""
    body = {"product": world["product"].code, "site": world["site"].code, "quantity": "500",
            "produced_on": "2026-07-01"}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def product_body(**changes) -> dict:
    """Return a valid new product, with changes."""
    return {"code": "VEG-NEW", "category": "vegetable", "name": "生菜", "unit": "kg", **changes}


def party_body(**changes) -> dict:
    """Return a valid new party, with changes."""
    return {"code": "COOP-NEW", "name": "新合作社", "kind": "cooperative", "credit_code": make_credit_code(),
            **changes}


def site_body(world: dict, **changes) -> dict:
    """Return a valid new site of the world's producer's party, with changes."""
    return {"code": "SITE-NEW", "party": world["producer"].party.code, "name": "大棚", "kind": "greenhouse",
            "latitude": "36.617", "longitude": "101.778", "area_mu": "12.5", **changes}


def user_body(world: dict, **changes) -> dict:
    """Return a valid new producer of the world's producer's party, with changes."""
    return {"email": "grower@example.cn", "name": "种植户", "role": "producer",
            "party": world["producer"].party.code, "password": "a long password", **changes}
