"""Helpers shared by the page views: list filters from the query string, form pages, select options."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask_babel import gettext
from marshmallow import Schema
from marshmallow import ValidationError

from supply.db.pagination import Page
from supply.db.pagination import paginate
from supply.errors import flatten_errors
from supply.locales import translate_errors
from supply.views.filters import local_name
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.forms import submit

# A form shown again with messages beside its fields.
FORM_ERROR_STATUS = 422
# List parameters that have no field in the filter form.
PAGING_FIELDS = ("page", "per_page")


@dataclass
class Listing:
    """The filters of a list page: loaded values, messages of bad ones, what the form and pager links keep."""

    filters: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    link_args: dict = field(default_factory=dict)
    message: str = ""

    def page_of(self, query) -> Page:
        """Return the requested page of a query."""
        return paginate(query, self.filters["page"], self.filters["per_page"])


def list_filters(schema: Schema) -> Listing:
    """Load list filters from the query string; a bad filter is dropped and its message kept for the page."""
    values = form_payload(request.args, tuple(schema.load_fields))
    try:
        filters, errors = schema.load(values), {}
    except ValidationError as exc:
        errors = translate_errors(flatten_errors(exc.messages))
        good = {key: value for key, value in values.items() if key not in errors}
        try:
            filters = schema.load(good)
        except ValidationError:
            filters = schema.load({})
    link_args = {key: value for key, value in values.items() if key not in errors and key != "page"}
    message = ""
    if any(errors.pop(name, None) for name in PAGING_FIELDS):
        message = gettext("The page or page size was out of range; the defaults are shown.")
    return Listing(filters=filters, errors=errors, values=values, link_args=link_args, message=message)


def form_page(template: str, schema: Schema, action: Callable[[dict], Any], done: Callable[[Any], Any],
              values: dict | None = None, **context):
    """Show a form (GET) or run it (POST): on success return `done(result)`, else show it again with messages."""
    form = FormResult()
    if request.method == "POST":
        values = form_payload(request.form, tuple(schema.load_fields))
        form = submit(schema, values, action)
        if form.ok:
            return done(form.result)
    body = render_template(template, values=values or {}, errors=form.errors, message=form.message, **context)
    return body, 200 if form.ok else FORM_ERROR_STATUS


def saved(message: str, url: str):
    """Flash a message and redirect (POST/redirect/GET)."""
    flash(message)
    return redirect(url)


def code_options(records: Iterable) -> list[tuple[str, str]]:
    """Turn records with a code and names into (code, "name (code)") pairs for a select box."""
    return [(record.code, f"{local_name(record)} ({record.code})") for record in records]
