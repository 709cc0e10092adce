"""Transformation pages: merge, split, grade and pack, repack, slaughter, cut and planting, one form per kind."""

from __future__ import annotations

import re

from flask import Blueprint
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from supply import permissions
from supply.auth import roles_required
from supply.models.custody import TRANSFORMATION_KINDS
from supply.schemas.custody import TransformationSchema
from supply.services.custody.transformations import INPUT_CATEGORIES
from supply.services.custody.transformations import OUTPUT_CATEGORIES
from supply.services.custody.transformations import SHAPES
from supply.services.custody.transformations import transform
from supply.views.custody_options import held_lot
from supply.views.custody_options import lot_choice
from supply.views.custody_options import now_input
from supply.views.custody_options import own_site_options
from supply.views.custody_options import product_options
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.forms import submit
from supply.views.labels import TRANSFORMATION_LABELS
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import saved
from supply.views.rows import MAX_ROWS
from supply.views.rows import asked_for_more
from supply.views.rows import fields_only
from supply.views.rows import form_rows
from supply.views.rows import row_values
from supply.views.rows import rows_wanted

bp = Blueprint("transformations", __name__, url_prefix="/transformations")

KIND_HELP = {
    "merge": _l("Combine lots of one product, such as member farms' lots, into one new lot."),
    "split": _l("Divide one lot into several new lots."),
    "grade_pack": _l("Sort lots by grade and pack them into new lots (cartons, punnets, packs)."),
    "repack": _l("Put lots into new packaging."),
    "slaughter": _l("One live yak becomes a carcass; the ear tag stays on the carcass and on every cut made from it."),
    "cut": _l("Cut a carcass into cuts; the ear tag goes with every cut."),
    "planting": _l("Plant seedlings in a field, greenhouse or nursery. Name the planting code when you register "
                   "the berries harvested there."),
}
# Rows shown at first: (inputs, outputs).
FIRST_ROWS = {"merge": (3, 1), "split": (1, 3), "grade_pack": (2, 3), "repack": (2, 3), "slaughter": (1, 1),
              "cut": (1, 4), "planting": (2, 0)}
FORM_FIELDS = ("kind", "site", "time", "loss", "loss_reason", "doc_number")
OUTPUT_FIELDS = ("product", "quantity", "unit", "lot_code")
SHOWN = re.compile(r"kind|site|time|loss|loss_reason|doc_number|inputs|inputs\.\d+\.(lot|quantity)"
                   r"|outputs|outputs\.\d+\.(product|quantity|unit|lot_code)")


def _kind() -> str:
    source = request.form if request.method == "POST" else request.args
    kind = source.get("kind", "merge")
    return kind if kind in TRANSFORMATION_KINDS else "merge"


@bp.route("/", methods=["GET", "POST"])
@roles_required(*permissions.REGISTERING_ROLES)
def index():
    """Record a transformation at one of the user's sites (`?kind=`, and `?lot=` to start from a lot held)."""
    kind = _kind()
    form = FormResult()
    if request.method == "POST":
        values = form_payload(request.form, FORM_FIELDS)
        inputs = form_rows(request.form, "inputs", ("lot", "quantity"))
        outputs = form_rows(request.form, "outputs", OUTPUT_FIELDS) if kind != "planting" else []
        if not asked_for_more():
            payload = dict(values, inputs=inputs, outputs=outputs)
            form = submit(TransformationSchema(), payload,
                          fields_only(lambda data: transform(g.user, data), SHOWN.fullmatch))
            if form.ok:
                return _done(kind, form.result)
    else:
        values, inputs, outputs = _defaults(request.args.get("lot", "").strip())
    body = render_template(
        "transformations/form.html",
        kind=kind,
        kind_tabs=_kind_tabs(kind),
        kind_label=str(TRANSFORMATION_LABELS[kind]),
        kind_help=str(KIND_HELP[kind]),
        values=dict(values, kind=kind, **row_values("inputs", inputs), **row_values("outputs", outputs)),
        errors=form.errors,
        message=form.message,
        site_options=own_site_options(),
        lots=lot_choice(values.get("site"), INPUT_CATEGORIES.get(kind)),
        product_options=product_options(OUTPUT_CATEGORIES.get(kind)),
        **_row_counts(kind, len(inputs), len(outputs)),
    )
    return body, 200 if form.ok else FORM_ERROR_STATUS


def _defaults(lot: str) -> tuple[dict, list[dict], list[dict]]:
    values = {"time": now_input()}
    if not lot:
        return values, [], []
    held = held_lot(lot)
    if held:
        values["site"] = held["site"]
    return values, [{"lot": lot}], []


def _row_counts(kind: str, inputs: int, outputs: int) -> dict:
    """How many input and output rows to show, and how many the kind allows at most."""
    _, most_in, _, most_out = SHAPES[kind]
    first_in, first_out = FIRST_ROWS[kind]
    input_limit, output_limit = min(most_in, MAX_ROWS), min(most_out, MAX_ROWS)
    return {
        "input_rows": min(input_limit, rows_wanted("input_rows", inputs, first_in)),
        "output_rows": min(output_limit, rows_wanted("output_rows", outputs, first_out)) if output_limit else 0,
        "input_limit": input_limit,
        "output_limit": output_limit,
    }


def _kind_tabs(current: str) -> list[tuple[str, str, bool]]:
    """Links to the form of each kind, keeping `?lot=`."""
    lot = request.args.get("lot", "").strip()
    kept = {"lot": lot} if lot else {}
    return [(str(label), url_for(".index", kind=kind, **kept), kind == current)
            for kind, label in TRANSFORMATION_LABELS.items()]


def _done(kind: str, result: dict):
    """Say what was recorded and open the first new lot (for a planting: show its code)."""
    if result["planting"] is not None:
        message = gettext("Planting recorded. Its code is %(code)s: name it when you register the harvest.",
                          code=result["planting"].code)
        return saved(message, url_for(".index", kind="planting"))
    lots = ", ".join(batch.lot_code for batch in result["outputs"])
    message = gettext("%(kind)s recorded. New lots: %(lots)s.", kind=TRANSFORMATION_LABELS[kind], lots=lots)
    return saved(message, url_for("batches.detail", lot_code=result["outputs"][0].lot_code))
