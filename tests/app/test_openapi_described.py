"""An API partners can read: the OpenAPI document says what every operation is for, what every parameter and every
field of every body and answer means, with an example that fits its schema, and the error answers every operation
can give (401, 413, 414, 429 among them)."""

from __future__ import annotations

import re

import pytest

from tests.app.test_openapi import _resolve

API = "/api/v1"
TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}


@pytest.fixture()
def spec(client) -> dict:
    """The served OpenAPI document."""
    return client.get(f"{API}/openapi.json").json


def misfits(spec: dict, example, schema: dict, at: str) -> list[str]:
    """Where an example does not fit its schema (type, null, enum, pattern, items, fields)."""
    schema = _resolve(spec, schema)
    if example is None:
        return [] if schema.get("nullable") or not schema.get("type") else [f"{at}: null but not nullable"]
    expected = TYPES.get(schema.get("type"))
    if expected and (not isinstance(example, expected) or (expected is int and isinstance(example, bool))):
        return [f"{at}: {example!r} is not {schema['type']}"]
    if "enum" in schema and example not in schema["enum"]:
        return [f"{at}: {example!r} not in {schema['enum']}"]
    if "pattern" in schema and isinstance(example, str) and not re.search(schema["pattern"], example):
        return [f"{at}: {example!r} does not match {schema['pattern']}"]
    found = []
    if isinstance(example, list) and "items" in schema:
        for index, item in enumerate(example):
            found += misfits(spec, item, schema["items"], f"{at}[{index}]")
    if isinstance(example, dict) and "properties" in schema:
        for name, value in example.items():
            if name in schema["properties"]:
                found += misfits(spec, value, schema["properties"][name], f"{at}.{name}")
    return found


def undescribed(spec: dict) -> list[str]:
    """Every operation without a description, and every parameter and field without a description or an example
    that fits it (a binary file has a description and no example)."""
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            if len(operation.get("description", "")) < 20:
                found.append(f"{where}: no description")
            for parameter in operation.get("parameters", []):
                at = f"{where} parameter {parameter['name']}"
                if not parameter.get("description") or "example" not in parameter:
                    found.append(f"{at}: no description or example")
                else:
                    found += misfits(spec, parameter["example"], parameter.get("schema", {}), at)
            contents = operation.get("requestBody", {}).get("content", {}).values()
            bodies = [content.get("schema", {}) for content in contents]
            found += [problem for body in bodies for problem in _fields(spec, body, f"{where} body")]
    for name, schema in spec["components"]["schemas"].items():
        found += _fields(spec, schema, name)
    return found


def _fields(spec: dict, schema: dict, where: str) -> list[str]:
    found = []
    for field, prop in schema.get("properties", {}).items():
        at = f"{where}.{field}"
        if "$ref" in prop:
            continue  # a record of its own schema, whose fields are checked there
        if not prop.get("description"):
            found.append(f"{at}: no description")
        elif "example" not in prop and prop.get("format") != "binary":
            found.append(f"{at}: no example")
        elif "example" in prop:
            found += misfits(spec, prop["example"], prop, at)
    return found


def test_every_operation_parameter_and_field_is_described_with_an_example(spec):
    assert undescribed(spec) == []


def test_the_check_finds_what_is_missing(spec):
    """The walk can fail: a field without words, an example of the wrong type and an operation without purpose."""
    schemas = spec["components"]["schemas"]
    schemas["Batch"]["properties"]["quantity"].pop("description")
    schemas["Batch"]["properties"]["on_hand"]["example"] = 3985
    schemas["Shipment"]["properties"]["status"]["enum"] = ["in_transit"]
    schemas["Shipment"]["properties"]["status"]["example"] = "lost"
    spec["paths"][f"{API}/batches"]["post"].pop("description")
    assert undescribed(spec) == [f"POST {API}/batches: no description", "Batch.on_hand: 3985 is not string",
                                 "Batch.quantity: no description", "Shipment.status: 'lost' not in ['in_transit']"]


def test_records_and_lists_have_examples_built_from_their_fields(spec):
    lines = spec["components"]["schemas"]["ShipmentCreate"]["properties"]["lines"]
    assert lines["example"] == [{"lot": "VG260811-004", "quantity": "2260", "unit": "kg"}]
    page = spec["components"]["schemas"]["BatchPage"]["properties"]["items"]["example"][0]
    assert page["lot_code"] == "VG260811-004" and page["status"] == "active"


def test_the_global_error_answers_are_described_with_examples(spec):
    responses = spec["components"]["responses"]
    for status in (401, 413, 414, 429):
        answer = responses[f"E{status}"]
        assert len(answer["description"]) > 40, status
        [(media, content)] = answer["content"].items()
        assert content["example"], status
        if media == "application/json":
            assert content["example"]["code"] == status
    assert responses["E414"]["content"]["text/html"]["example"].startswith("<html>")
    assert responses["E401"]["content"]["application/json"]["example"]["message"] == (
        "Send a valid token as 'Authorization: Bearer <token>'.")
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            answers = operation["responses"]
            assert "414" in answers, (method, path)
            if operation["security"]:
                assert "401" in answers, (method, path)
            if "requestBody" in operation:
                assert "413" in answers, (method, path)
    assert "429" in spec["paths"][f"{API}/auth/tokens"]["post"]["responses"]


def test_the_error_examples_are_what_the_api_answers(client):
    """The 401 example is the answer itself."""
    answer = client.get(f"{API}/batches").json
    described = client.get(f"{API}/openapi.json").json["components"]["responses"]["E401"]
    assert described["content"]["application/json"]["example"] == answer
