"""The OpenAPI 3 document, built from the declared routes and their marshmallow schemas."""

from __future__ import annotations

import re
from http import HTTPStatus

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask import jsonify

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
    return sorted(statuses)


def _operation(doc: RouteDoc) -> dict:
    plain_rule = RULE_PARAM.sub(r"\2", doc.rule)
    operation = {
        "summary": doc.summary,
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
        spec.components.response(
            f"E{status}",
            {"description": HTTPStatus(status).phrase,
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        )
    paths: dict[str, dict] = {}
    for doc in ROUTES:
        paths.setdefault(openapi_path(doc.rule), {})[doc.method.lower()] = _operation(doc)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@route("/openapi.json", "GET", summary="This OpenAPI document", tag="meta", auth=False)
def openapi_document():
    """Serve the OpenAPI document."""
    return jsonify(build_spec(current_app.config["PUBLIC_BASE_URL"]))
