"""Run a submitted HTML form through the same schema and service as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from supply.errors import flatten_errors
from supply.locales import translate_errors
from supply.locales import translate_message
from supply.services.errors import ServiceError


class FormResult:
    """The outcome of a form: the service's result, or messages by field (already translated)."""

    def __init__(self, result: Any = None, errors: dict[str, list[str]] | None = None, message: str = "") -> None:
        self.result = result
        self.errors = errors or {}
        self.message = message

    @property
    def ok(self) -> bool:
        """Tell whether the form went through."""
        return not self.errors and not self.message


def form_payload(form: MultiDict, fields: tuple[str, ...] | None = None) -> dict:
    """Keep the filled-in fields of a form (an empty input means 'not given'), without its CSRF token and key."""
    payload = {}
    for key, value in form.items():
        if key in ("csrf_token", "form_key") or (fields is not None and key not in fields):
            continue
        if isinstance(value, str) and value.strip() == "":
            continue
        payload[key] = value
    return payload


def submit(schema: Schema, payload: dict, action: Callable[[dict], Any]) -> FormResult:
    """Validate the payload with the schema, then call the service; collect messages either way."""
    try:
        data = schema.load(payload)
        return FormResult(result=action(data))
    except ValidationError as exc:
        errors = flatten_errors(exc.messages)
    except ServiceError as exc:
        errors = dict(exc.errors)
        if not errors:
            return FormResult(message=translate_message(exc.message))
    return FormResult(errors=translate_errors(errors))
