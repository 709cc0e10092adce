"""The OpenAPI document is valid, covers every API route and method, and documents every error response."""

from __future__ import annotations

import re

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.builders.factories import auth_header
from tests.builders.factories import make_user

API = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
FLASK_PARAM = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture()
def spec(client) -> dict:
    """The served OpenAPI document."""
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete"}:
                yield path, method, operation


def _api_rules(app) -> set[tuple[str, str]]:
    """Every (OpenAPI path, method) the Flask app answers under the API prefix."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/") or rule.endpoint.endswith("static"):
            continue
        for method in rule.methods - IGNORED_METHODS:
            found.add((FLASK_PARAM.sub(r"{\1}", rule.rule), method.lower()))
    return found


def test_document_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": "https://trace.example.cn"}]


def test_every_api_route_and_method_is_documented(app, spec):
    rules = _api_rules(app)
    assert len(rules) >= 18
    documented = {(path, method) for path, method, _ in _operations(spec)}
    missing = sorted(rules - documented)
    assert missing == []
    # Nor does the document describe a route the app does not have.
    assert sorted(documented - rules) == []


def test_operation_ids_are_unique_and_readable(spec):
    ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z_]+", operation_id) for operation_id in ids), ids


def test_every_operation_documents_its_errors(spec):
    for path, method, operation in _operations(spec):
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        expected = set()
        if operation.get("security"):
            expected |= {"401", "403"}
        if "requestBody" in operation:
            expected |= {"400", "413", "415", "422"}
        params = operation.get("parameters", [])
        if any(p["in"] == "path" for p in params):
            expected |= {"404"}
        if any(p["in"] == "query" for p in params):
            # The EPCIS query interface answers a bad query parameter 400 (its standard's QueryParameterException).
            expected |= {"400"} if path.startswith("/api/v1/epcis/") else {"422"}
        assert expected <= set(responses), f"{where} lacks {sorted(expected - set(responses))}"
        for status, response in responses.items():
            if int(status) < 400:
                continue
            if status == "414":  # answered by the proxy in front (nginx), as HTML, before the service sees it
                assert list(_resolve(spec, response)["content"]) == ["text/html"], where
                continue
            schema = _resolve(spec, response)["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, where


def test_routes_behind_a_token_say_so(spec):
    open_routes = {(path, method) for path, method, op in _operations(spec) if not op.get("security")}
    assert open_routes == {(f"{API}/auth/tokens", "post"), (f"{API}/openapi.json", "get"),
                           (f"{API}/auth/password-reset", "post"), (f"{API}/auth/password-reset/{{token}}", "post")}
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}


def test_path_parameters_are_declared(spec):
    for path, method, operation in _operations(spec):
        names = set(re.findall(r"{(\w+)}", path))
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert names == declared, f"{method.upper()} {path}"


def test_list_operations_document_pagination(spec):
    for path in ("/parties", "/sites", "/products", "/users", "/batches"):
        operation = spec["paths"][API + path]["get"]
        names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert {"page", "per_page"} <= names, path
        page = _resolve(spec, operation["responses"]["200"]["content"]["application/json"]["schema"])
        assert {"items", "page", "per_page", "total"} <= set(page["properties"]), path


def test_patch_bodies_require_nothing(spec):
    for path, method, operation in _operations(spec):
        if method == "patch":
            body = _resolve(spec, operation["requestBody"]["content"]["application/json"]["schema"])
            assert not body.get("required"), f"PATCH {path} requires {body.get('required')}"


def test_real_errors_match_the_documented_error_schema(client, spec):
    error_schema = _resolve(spec, {"$ref": ERROR_REF})
    assert set(error_schema["required"]) == {"code", "status", "message"}
    headers = auth_header(make_user())
    responses = [
        client.get(f"{API}/batches"),
        client.post(f"{API}/batches", json={"quantity": "-1"}, headers=headers),
        client.post(f"{API}/batches", data="{", content_type="application/json", headers=headers),
        client.get(f"{API}/parties/NOPE01", headers=headers),
        client.delete(f"{API}/parties", headers=headers),
    ]
    for response in responses:
        assert response.status_code >= 400
        jsonschema.validate(response.json, {**error_schema, "additionalProperties": False})


def test_decimals_are_documented_as_the_strings_they_are_sent_as(spec):
    schemas = spec["components"]["schemas"]
    for schema, field in [("Batch", "quantity"), ("Batch", "on_hand"), ("BatchCreate", "quantity"),
                          ("Site", "latitude"), ("SiteCreate", "area_mu")]:
        assert schemas[schema]["properties"][field]["type"] == "string", (schema, field)
        assert schemas[schema]["properties"][field]["format"] == "decimal", (schema, field)
