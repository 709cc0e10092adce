"""The OpenAPI 3 document, built from the declared routes and their marshmallow schemas, with the words of
`supply.api.openapi_text` (operations, parameters, errors) and `supply.api.openapi_fields` (fields)."""

from __future__ import annotations

import re
from http import HTTPStatus

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask import jsonify

from supply.api import openapi_fields as fields_text
from supply.api import openapi_text as text
from supply.api.routing import ROUTES
from supply.api.routing import RouteDoc
from supply.api.routing import route
from supply.schemas.common import ErrorSchema
from supply.schemas.common import PlainDecimal
from supply.schemas.common import Quantity

RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    """Turn a Flask rule into an OpenAPI path template."""
    return "/api/v1" + RULE_PARAM.sub(r"{\2}", rule)


def retriable(doc: RouteDoc) -> bool:
    """Tell whether a route takes an Idempotency-Key (authenticated POSTs)."""
    return doc.method == "POST" and doc.auth


def error_statuses(doc: RouteDoc) -> list[int]:
    """Return every error status a route can answer with."""
    statuses = set(doc.errors)
    if retriable(doc):
        statuses |= {400, 409}
    if doc.auth:
        statuses |= {401, 403}
    if doc.body is not None:
        statuses |= {400, 413, 415, 422}
    if doc.query is not None:
        statuses |= {422}
    if RULE_PARAM.search(doc.rule):
        statuses |= {404}
    if doc.body is not None or doc.content_type != "application/json" or "requestBody" in doc.extra:
        statuses |= {413}
    statuses |= {414}  # the proxy in front answers it for any request line too long
    return sorted(statuses)


def _operation(doc: RouteDoc) -> dict:
    plain_rule = RULE_PARAM.sub(r"\2", doc.rule)
    operation = {
        "summary": doc.summary,
        "description": doc.description or text.OPERATIONS.get(f"{doc.method} {openapi_path(doc.rule)[7:]}", ""),
        "tags": [doc.tag],
        "operationId": f"{doc.method.lower()}_{doc.tag}_{re.sub(r'[^a-z]+', '_', plain_rule.lower()).strip('_')}",
        "responses": {},
    }
    params = [
        {"in": "path", "name": name, "required": True,
         "schema": {"type": "integer"} if conv == "int" else {"type": "string"}}
        for conv, name in RULE_PARAM.findall(doc.rule)
    ]
    if doc.query is not None:
        params.append({"in": "query", "schema": doc.query})
    if retriable(doc):
        params.append({"in": "header", "name": "Idempotency-Key", "required": False,
                       "description": "Send the same key when retrying: the first response is replayed.",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 100}})
    if params:
        operation["parameters"] = params
    if doc.body is not None:
        operation["requestBody"] = {"required": True, "content": {doc.content_type: {"schema": doc.body}}}
    ok = {"description": HTTPStatus(doc.status).phrase}
    if doc.response is not None:
        ok["content"] = {doc.produces: {"schema": doc.response}}
    operation["responses"][str(doc.status)] = ok
    for status in error_statuses(doc):
        operation["responses"][str(status)] = {"$ref": f"#/components/responses/E{status}"}
    if doc.auth:
        operation["security"] = [{"bearerAuth": []}]
    else:
        operation["security"] = []
    for key, value in doc.extra.items():
        operation[key] = {**operation[key], **value} if isinstance(operation.get(key), dict) else value
    return operation


def build_spec(base_url: str) -> dict:
    """Build the OpenAPI document of every declared route."""
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Xining highland produce traceability API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[marshmallow_plugin],
        info={"description": "Register batches, follow them through the chain and read their certificates."},
        servers=[{"url": base_url}],
    )
    # Decimals travel as strings ("500.5"), so that no client turns them into binary floats.
    for decimal_field in (Quantity, PlainDecimal):
        marshmallow_plugin.map_to_openapi_type(decimal_field, "string", "decimal")
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    statuses = sorted({s for doc in ROUTES for s in error_statuses(doc)})
    for status in statuses:
        spec.components.response(f"E{status}", error_response(status))
    paths: dict[str, dict] = {}
    for doc in ROUTES:
        paths.setdefault(openapi_path(doc.rule), {})[doc.method.lower()] = _operation(doc)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    describe_fields(document["components"]["schemas"])
    describe_parameters(document["paths"])
    return document


def error_response(status: int) -> dict:
    """The answer of an error status: what it means and an example (414 comes from the proxy, as HTML)."""
    meaning, message = text.ERRORS.get(status, (HTTPStatus(status).phrase, HTTPStatus(status).phrase))
    description = f"{HTTPStatus(status).phrase}: {meaning}"
    if message is None:
        return {"description": description, "content": {"text/html": {"schema": {"type": "string"},
                                                                       "example": text.URI_TOO_LONG_BODY}}}
    example = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if status in text.ERROR_FIELDS:
        example["errors"] = text.ERROR_FIELDS[status]
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": example}}}


def describe_parameters(paths: dict) -> None:
    """Give every parameter its description and example (what its schema does not say)."""
    for path, operations in paths.items():
        short = path.removeprefix("/api/v1")
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                words = text.PARAMETERS_BY_PATH.get((short, name)) or text.PARAMETERS.get(name)
                if words is None:
                    continue
                parameter.setdefault("description", words[0])
                parameter.setdefault("example", _fits(words[1], parameter.get("schema", {})))


def family(schema_name: str) -> str:
    """The family of a schema: what its records are (CertificateDetail, CertificateCreate: Certificate)."""
    return fields_text.FAMILIES.get(schema_name) or fields_text.SUFFIXES.sub("", schema_name) or schema_name


def words_for(schema_name: str, field: str) -> tuple[str, object] | None:
    """The description and example of a field of a schema, or None when none is written."""
    by_family = fields_text.BY_FAMILY
    return (by_family.get((schema_name, field)) or by_family.get((family(schema_name), field))
            or fields_text.BY_NAME.get(field))


def _fits(example, prop: dict):
    """An enum field's example must be one of its values."""
    values = [value for value in prop.get("enum", ()) if value is not None]
    if values and example not in values:
        return values[0]
    return example


def example_of(schema_name: str, schemas: dict, depth: int = 0) -> dict:
    """An example record of a schema, from its fields' examples."""
    record = {}
    for field, prop in schemas[schema_name].get("properties", {}).items():
        if "$ref" in prop:
            if depth < 2:
                record[field] = example_of(prop["$ref"].rsplit("/", 1)[1], schemas, depth + 1)
        elif "example" in prop:
            record[field] = prop["example"]
    return record


def _composed(prop: dict, schemas: dict):
    """An example for an array or record field whose words give none: built from what it holds."""
    items = prop.get("items", {})
    if "$ref" in items:
        return [example_of(items["$ref"].rsplit("/", 1)[1], schemas, 1)]
    if prop.get("type") == "array":
        return []
    return {}


def describe_fields(schemas: dict) -> None:
    """Give every field of the document's schemas its description and example (what its schema does not say)."""
    later = []
    for name, schema in schemas.items():
        for field, prop in schema.get("properties", {}).items():
            words = None if "$ref" in prop else words_for(name, field)
            if words is None:
                continue
            description, example = words
            prop.setdefault("description", description)
            if "example" in prop:
                continue
            if example is None:
                later.append(prop)
            else:
                prop["example"] = _fits(example, prop)
    for prop in later:
        prop["example"] = _composed(prop, schemas)



@route("/openapi.json", "GET", summary="This OpenAPI document", tag="meta", auth=False)
def openapi_document():
    """Serve the OpenAPI document."""
    return jsonify(build_spec(current_app.config["PUBLIC_BASE_URL"]))
