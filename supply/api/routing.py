"""The API blueprint and the `route` decorator that authenticates, loads, answers and documents."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from flask import Blueprint
from flask import Response
from flask import g
from flask import jsonify
from flask import make_response
from flask import request
from marshmallow import Schema

from supply import idempotency
from supply.i18n import N_
from supply.services.accounts.tokens import token_for
from supply.services.errors import ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_ID = 2**31 - 1


@dataclass
class RouteDoc:
    """What the OpenAPI document says of one route."""

    rule: str
    method: str
    summary: str
    tag: str
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    auth: bool = True
    content_type: str = "application/json"
    extra: dict = field(default_factory=dict)
    produces: str = "application/json"
    description: str = ""


ROUTES: list[RouteDoc] = []


class ApiError(ServiceError):
    """An error found by the API layer itself (bad JSON, wrong content type, no token)."""

    def __init__(self, status: int, message: str, errors: dict | None = None) -> None:
        super().__init__(message, errors)
        self.status = status


class NonFiniteNumber(ValueError):
    """NaN or Infinity in a body: Python's json reads them, JSON (RFC 8259) has no such numbers."""


def _reject_constant(name: str):
    raise NonFiniteNumber(name)


def json_body() -> dict:
    """Parse the request body as a JSON object, numbers as Decimal; refuse anything else."""
    if request.mimetype != "application/json":
        raise ApiError(415, N_("Send the body as application/json."))
    try:
        data = json.loads(request.get_data(cache=True) or b"", parse_float=Decimal, parse_constant=_reject_constant)
    except NonFiniteNumber as exc:
        raise ApiError(400, N_("The body is not valid JSON: NaN and Infinity are not JSON numbers.")) from exc
    # RecursionError: absurdly deep nesting; ArithmeticError: a number whose exponent Decimal cannot hold.
    except (ValueError, RecursionError, ArithmeticError) as exc:
        raise ApiError(400, N_("The body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ApiError(400, N_("The body must be a JSON object."))
    return data


def names_nothing(path_value) -> bool:
    """Tell whether a path value cannot name any record (and would make the database raise if looked up).

    No key holds a NUL, which PostgreSQL refuses even to compare; no id exceeds PostgreSQL's 32-bit serial,
    and larger numbers make PostgreSQL (and beyond 64 bits SQLite's driver) raise.
    """
    if isinstance(path_value, str):
        return "\x00" in path_value
    return isinstance(path_value, int) and not 0 <= path_value <= MAX_ID


def authenticate():
    """Return the user of the bearer token, or raise 401."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    bearer = raw.strip() if scheme.lower() == "bearer" else ""
    user = g.actor = token_for(bearer, request.method not in ("GET", "HEAD")).user
    return user


def route(rule: str, method: str, *, summary: str, tag: str, body=None, query=None, response=None,
          status: int = 200, errors: tuple[int, ...] = (), auth: bool = True, content_type: str = "application/json",
          produces: str = "application/json", extra: dict | None = None, description: str = ""):
    """Declare an API route: authenticate, load the body and query with schemas, document it.

    `description` says what the operation is for, who may call it and what it answers (else the OpenAPI document
    takes it from `supply.api.openapi_text.OPERATIONS`).
    `produces` is the media type of a successful answer (a view that answers other than JSON returns a Response).
    `extra` adds to the route's OpenAPI operation (a file upload's requestBody, other success responses).
    """

    def decorator(fn):
        @functools.wraps(fn)
        def view(**kwargs):
            if auth:
                kwargs["actor"] = authenticate()
            if any(names_nothing(value) for value in kwargs.values()):
                raise ApiError(404, N_("Not found."))
            if query is not None:
                kwargs["args"] = query().load(request.args.to_dict())
            if body is not None:
                kwargs["data"] = body().load(json_body())
            if method == "POST" and auth and idempotency.HEADER in request.headers:
                return idempotency.run_once(kwargs["actor"], lambda: _answer(fn(**kwargs), status))
            return _answer(fn(**kwargs), status)

        bp.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=[method])
        ROUTES.append(RouteDoc(rule, method, summary, tag, body, query, response, status, errors, auth, content_type,
                               produces=produces, extra=extra or {}, description=description))
        return view

    return decorator


def _answer(result, status: int) -> Response:
    """Turn what a view returned into a response (a dict becomes JSON with the route's status)."""
    if isinstance(result, dict):
        response = jsonify(result)
        response.status_code = status
        return response
    return make_response(result)


def page_json(page, dump) -> dict:
    """Serialise a page of records in the list envelope, each item with `dump`."""
    return {"items": [dump(item) for item in page.items], "page": page.page, "per_page": page.per_page,
            "total": page.total}
