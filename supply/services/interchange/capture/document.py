"""Read a captured EPCIS document: its size and event count within the limits, JSON, an EPCISDocument valid against
the EPCIS 2.0 JSON Schema (the official single-file schema, draft-07).

Too big (over MAX_BYTES or MAX_EVENTS events) and not JSON are refused at once, before a job exists (413, 400);
a JSON document that is not an EPCISDocument or breaks the schema makes its job fail, with the index of each bad
event (None for the document as a whole) and the path and reason of each problem.
"""

from __future__ import annotations

import functools
import json
import os
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from jsonschema.exceptions import best_match

from supply.i18n import N_
from supply.services.errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_EVENTS = 10_000
# The official schema is read from ../shared/epcis beside the code, or from SUPPLY_EPCIS_SCHEMA.
DEFAULT_SCHEMA = Path(__file__).resolve().parents[5] / "shared" / "epcis" / "EPCIS-JSON-Schema.json"
SCHEMA_ERRORS_KEPT = 200
DEFINITIONS = "#/definitions/"

TOO_BIG = N_("The document is over 10 MB; split it into smaller documents.")
TOO_MANY = N_("The document holds over 10,000 events; split it into smaller documents.")
NOT_JSON = N_("The document is not valid JSON.")
NOT_A_DOCUMENT = N_("This is not an EPCISDocument: give type EPCISDocument and an epcisBody with an eventList.")
AGAINST_SCHEMA = N_("Not valid against the EPCIS 2.0 JSON Schema.")


class TooLarge(ServiceError):
    """A document over the size or event limits."""

    status = 413


class NotJson(ServiceError):
    """A body that is not JSON at all."""

    status = 400


def _reject_constant(name: str):
    raise ValueError(name)


def read_json(raw: bytes):
    """Parse a capture body (at most MAX_BYTES) as JSON, numbers as Decimal; refuse a bigger or broken one at once."""
    if len(raw) > MAX_BYTES:
        raise TooLarge(TOO_BIG, {"document": [TOO_BIG]})
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError, ArithmeticError) as exc:
        raise NotJson(NOT_JSON, {"document": [NOT_JSON]}) from exc
    events = event_list(data)
    if events is not None and len(events) > MAX_EVENTS:
        raise TooLarge(TOO_MANY, {"document": [TOO_MANY]})
    return data


def event_list(document) -> list | None:
    """Return a document's eventList, or None when it has none."""
    if not isinstance(document, dict) or not isinstance(document.get("epcisBody"), dict):
        return None
    events = document["epcisBody"].get("eventList")
    return events if isinstance(events, list) else None


def inline_references(schema: dict) -> dict:
    """Return the schema with each internal reference (`#/definitions/...`) replaced by what it names, as draft-07
    reads a `$ref` (its siblings ignored); a reference back into itself is left as it is.

    The same rules, checked in half the time: the validator no longer resolves a reference at every step.
    """
    definitions = schema.get("definitions", {})

    def inline(node, seen: tuple[str, ...]):
        if isinstance(node, list):
            return [inline(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(DEFINITIONS):
            name = unquote(ref[len(DEFINITIONS):])
            if name in definitions and name not in seen:
                return inline(definitions[name], (*seen, name))
        return {key: inline(value, seen) for key, value in node.items()}

    return inline(schema, ())


@functools.lru_cache(maxsize=2)
def _validator(path: str) -> Draft7Validator:
    return Draft7Validator(inline_references(json.loads(Path(path).read_text(encoding="utf-8"))))


def validator() -> Draft7Validator:
    """Return the validator of the official EPCIS 2.0 JSON Schema (read once per process)."""
    return _validator(os.environ.get("SUPPLY_EPCIS_SCHEMA") or str(DEFAULT_SCHEMA))


def _plain(value):
    """Numbers as JSON numbers for the validator (Decimal is not a JSON number to jsonschema)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _problem(error: ValidationError) -> dict:
    """Say where a schema error is: the event's index, the field's path within it, and what is wrong."""
    deepest = best_match([error, *error.context]) if error.context else error
    path = list(deepest.absolute_path)
    index = None
    if path[:2] == ["epcisBody", "eventList"] and len(path) > 2 and isinstance(path[2], int):
        index, path = path[2], path[3:]
    return {"event": index, "field": ".".join(str(part) for part in path), "message": AGAINST_SCHEMA,
            "detail": deepest.message[:300]}


def check_document(document) -> list[dict]:
    """Return the problems of a parsed document: not an EPCISDocument, or each place it breaks the schema."""
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument" or event_list(document) is None:
        return [{"event": None, "field": "", "message": NOT_A_DOCUMENT}]
    problems = [_problem(error) for error in validator().iter_errors(_plain(document))]
    problems.sort(key=lambda p: (-1 if p["event"] is None else p["event"], p["field"]))
    return problems[:SCHEMA_ERRORS_KEPT]
