"""Errors raised by services; the API and the pages turn them into responses."""

from __future__ import annotations


class ServiceError(Exception):
    """A rule refused the request; `errors` maps field names to messages."""

    status = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    @classmethod
    def field(cls, name: str, message: str) -> ServiceError:
        """Build the error for one field; the field's message is the summary too."""
        return cls(message, {name: [message]})


class Invalid(ServiceError):
    """The input is well formed but breaks a rule (unknown code, unit that does not fit)."""

    status = 422


class Forbidden(ServiceError):
    """The actor's role or party may not do this."""

    status = 403


class NotFound(ServiceError):
    """The record does not exist (or is not visible to the actor)."""

    status = 404


class Conflict(ServiceError):
    """The request clashes with the current state (a code taken, more than is on hand)."""

    status = 409


class Unauthorized(ServiceError):
    """No valid credentials: none, unknown, or expired."""

    status = 401


class Unit(str):
    """A unit code inside a message (`kg`), shown in the reader's language where the message is translated."""


class Message(str):
    """A message with values in it: the English text, plus its template and values to translate where it is shown.

    Values may be numbers already written out ("1,250"), `Unit`s, other `Message`s, or lists of messages (joined by
    "; " in English, "；" in Chinese), so that a message can name the numbers, units and places it is about.
    """

    template: str
    values: dict

    def __new__(cls, template: str, **values) -> Message:
        """Write the English text now; keep the template and values for translation."""
        english = {name: "; ".join(value) if isinstance(value, list) else value for name, value in values.items()}
        text = super().__new__(cls, template % english)
        text.template, text.values = template, values
        return text


def amount(quantity) -> str:
    """Write a quantity with thousands separators and no trailing zeros ("4,240", "12.5")."""
    return format(quantity.normalize(), ",f")
