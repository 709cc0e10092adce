"""Repeated rows of a form (shipment lines, transformation inputs and outputs): read, count, show again."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from flask import request
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from supply.services.errors import ServiceError
from supply.views.filters import local_name
from supply.views.filters import quantity
from supply.views.labels import STATUS_LABELS
from supply.views.labels import UNIT_LABELS

# A form shows at most this many rows of one kind; larger lists go through the API or the CSV import.
MAX_ROWS = 100
# Rows added by the "more rows" button.
MORE_ROWS = 5
ROW_NAME = re.compile(r"(?P<prefix>[a-z_]+)\.(?P<index>\d{1,4})\.(?P<field>[a-z_]+)")


def form_rows(form: MultiDict, prefix: str, names: tuple[str, ...]) -> list[dict]:
    """Read the rows `prefix.N.name` in order; rows left empty are dropped, empty inputs count as not given.

    The kept rows are numbered again from 0, and the form is shown again that way, so the messages of
    `prefix.N.name` (from the schema or the service) land beside the row they are about.
    """
    rows: dict[int, dict] = {}
    for key, value in form.items():
        match = ROW_NAME.fullmatch(key)
        if not match or match["prefix"] != prefix or match["field"] not in names:
            continue
        index = int(match["index"])
        if index < MAX_ROWS and value.strip():
            rows.setdefault(index, {})[match["field"]] = value
    return [rows[index] for index in sorted(rows)]


def row_values(prefix: str, rows: Iterable[dict]) -> dict:
    """Flatten rows into the form's input names (`lines.0.lot`)."""
    return {f"{prefix}.{i}.{name}": value for i, row in enumerate(rows) for name, value in row.items()}


def rows_wanted(name: str, filled: int, default: int) -> int:
    """Return how many rows to show: what the form had (or `?name=`), more when asked, never fewer than filled."""
    source = request.form if request.method == "POST" else request.args
    try:
        wanted = int(source.get(name, default))
    except ValueError:
        wanted = default
    if request.form.get("more") == name:
        wanted += MORE_ROWS
    return max(1, min(MAX_ROWS, max(wanted, filled)))


def asked_for_more() -> bool:
    """Tell whether the form was sent by a "more rows" button (show it again, record nothing)."""
    return request.method == "POST" and bool(request.form.get("more"))


def fields_only(action: Callable[[dict], Any], shown: Callable[[str], bool]) -> Callable[[dict], Any]:
    """Wrap a service call: an error that names no field of this form comes back as a message for the whole form."""

    def run(data: dict) -> Any:
        try:
            return action(data)
        except ServiceError as exc:
            if exc.errors and not all(shown(name) for name in exc.errors):
                raise exc.__class__(exc.message) from exc
            raise

    return run


def lot_options(holdings) -> list[tuple[str, list[tuple[str, str]]]]:
    """Group holdings by site into (site label, [(lot code, "lot · product · on hand")]) for a select box."""
    groups: dict[int, tuple[str, list]] = {}
    for holding in holdings:
        batch, site = holding.batch, holding.site
        group = groups.setdefault(site.id, (f"{local_name(site)} ({site.code})", []))
        unit = UNIT_LABELS.get(batch.unit, batch.unit)
        # The ear tag tells live yak apart; a status other than active warns before the lot is picked.
        text = f"{batch.lot_code} · {local_name(batch.product)} · {quantity(holding.on_hand)} {unit}"
        if batch.ear_tag:
            text += f" · {gettext('Ear tag')} {batch.ear_tag}"
        text += f" · {STATUS_LABELS.get(batch.status, batch.status)}"
        group[1].append((batch.lot_code, text))
    return list(groups.values())
