"""Cold chain pages: a logger file uploaded on the shipment page, the holds excursions propose (confirm or dismiss),
and the temperature limits of each product category (admins)."""

from __future__ import annotations

import datetime

from flask import Blueprint
from flask import current_app
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from supply import permissions
from supply.auth import roles_required
from supply.locales import translate_errors
from supply.locales import translate_message
from supply.services.coldchain import limits as limit_service
from supply.services.coldchain import proposals
from supply.services.coldchain import readings as reading_service
from supply.services.coldchain.excursions import excursions_of
from supply.services.coldchain.logger_csv import read_logger_file
from supply.services.errors import ServiceError
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import saved
from supply.views.temperature_curve import draw

bp = Blueprint("cold_chain", __name__, url_prefix="/cold-chain")

PROPOSAL_STATUS_LABELS = {"proposed": _l("Proposed"), "confirmed": _l("Confirmed"), "dismissed": _l("Dismissed"),
                          "all": _l("All")}
LIMIT_CATEGORY_LABELS = {"frozen": _l("Frozen goods (set point at or below -18 °C)")}


def tolerance() -> datetime.timedelta:
    """Return the excursion tolerance set for this service."""
    return datetime.timedelta(minutes=current_app.config["COLD_CHAIN_TOLERANCE_MINUTES"])


def may_log(shipment) -> bool:
    """Tell whether the user may upload a shipment's logger file (its sender or receiver, or an admin)."""
    return (permissions.is_admin(g.user) or permissions.acts_for(g.user, shipment.sender_id)
            or permissions.acts_for(g.user, shipment.receiver_id))


def shipment_section(shipment, upload: FormResult | None = None) -> dict:
    """Gather the cold chain section of a shipment's page: figures, curve, excursions and the upload form."""
    carrier = reading_service.shipment_carrier(g.user, shipment.code)
    excursions = excursions_of([carrier.series.id] if carrier.series else [])
    upload = upload or FormResult()
    return {"carrier": carrier, "excursions": excursions, "can_log": may_log(shipment),
            "curve": draw(reading_service.readings_of(carrier.series), carrier.limits, excursions),
            "errors": upload.errors, "message": upload.message}


def line_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Name a logger file's lines in the user's language: "file.12.temperature" becomes "Line 12 (temperature)"."""
    named = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "file" and parts[1].isdigit():
            key = gettext("Line %(line)s (%(column)s)", line=parts[1], column=parts[2])
        named.setdefault("file", []).extend(f"{key}: {m}" if key != "file" else m for m in messages)
    return named


def ingest_upload(code: str, upload) -> tuple[FormResult, int]:
    """Read a logger's CSV export for a shipment: the message to flash, or the file's line and reason (translated)
    when it is refused, and then nothing is kept; with the page's status."""
    try:
        if upload is None or not upload.filename:
            raise ServiceError(gettext("Choose a file."), {"file": [gettext("Choose a file.")]})
        carrier = reading_service.shipment_carrier(g.user, code, write=True)
        done = reading_service.ingest(g.user, carrier, read_logger_file(upload.read()), tolerance())
    except ServiceError as exc:
        errors = line_errors(translate_errors(exc.errors)) if exc.errors else {}
        form = FormResult(errors=errors, message=translate_message(exc.message))
        return form, exc.status if exc.status in (403, 404, 409, 413) else FORM_ERROR_STATUS
    message = gettext("%(stored)s readings stored, %(skipped)s already there.", stored=done.stored,
                      skipped=done.skipped)
    if done.excursions:
        message += " " + gettext("Temperature excursion recorded: an inspector will review the proposed hold.")
    return FormResult(result=message), 303


def _proposals_page(failed: int | None = None, form: FormResult | None = None, values: dict | None = None):
    status = request.args.get("status", "proposed")
    status = status if status in PROPOSAL_STATUS_LABELS else "proposed"
    form = form or FormResult()
    return render_template("cold_chain/proposals.html", items=list(proposals.list_proposals(g.user, status)),
                           status=status, status_labels=PROPOSAL_STATUS_LABELS, failed=failed,
                           values=values or {}, errors=form.errors, message=form.message)


@bp.route("/proposals")
@roles_required(*permissions.INSPECTING_ROLES)
def proposal_list():
    """List the holds excursions propose, with confirm and dismiss forms beside each proposed one."""
    return _proposals_page()


def _decide(proposal_id: int, action, done: str):
    proposals.get_proposal(proposal_id)  # an unknown proposal is a 404 page
    values = form_payload(request.form, ("reason",))
    try:
        action(g.user, proposal_id, values.get("reason", ""))
    except ServiceError as exc:
        form = FormResult(errors=translate_errors(exc.errors), message=translate_message(exc.message))
        return _proposals_page(proposal_id, form, values), exc.status if exc.status == 409 else FORM_ERROR_STATUS
    return saved(done, url_for(".proposal_list"))


@bp.route("/proposals/<int:proposal_id>/confirm", methods=["POST"])
@roles_required(*permissions.INSPECTING_ROLES)
def confirm(proposal_id: int):
    """Confirm a proposed hold: the lot and everything made from it are held."""
    return _decide(proposal_id, proposals.confirm_proposal, gettext("Hold confirmed: the lot is on hold."))


@bp.route("/proposals/<int:proposal_id>/dismiss", methods=["POST"])
@roles_required(*permissions.INSPECTING_ROLES)
def dismiss(proposal_id: int):
    """Dismiss a proposed hold with a reason."""
    return _decide(proposal_id, proposals.dismiss_proposal, gettext("Proposed hold dismissed."))


@bp.route("/limits", methods=["GET", "POST"])
@roles_required("admin")
def limits():
    """Show the temperature limits of each category; admins change one category's at a time."""
    form, values = FormResult(), {}
    if request.method == "POST":
        values = form_payload(request.form, ("category", "low", "high"))
        try:
            limit_service.set_limits(g.user, values.get("category", ""), values.get("low"), values.get("high"))
            return saved(gettext("Temperature limits saved."), url_for(".limits"))
        except ServiceError as exc:
            form = FormResult(errors=translate_errors(exc.errors), message=translate_message(exc.message))
    rows = {row.category: row for row in limit_service.list_limits()}
    body = render_template("cold_chain/limits.html", rows=rows, categories=limit_service.LIMIT_CATEGORIES,
                           category_labels=LIMIT_CATEGORY_LABELS, values=values, errors=form.errors,
                           message=form.message)
    return body, 200 if not (form.errors or form.message) else FORM_ERROR_STATUS
