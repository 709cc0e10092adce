"""Records pages: declare an event in error, and record a lot stored at a site with its temperatures."""

from __future__ import annotations

import datetime

from flask import Blueprint
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from supply import permissions
from supply.auth import login_required
from supply.auth import roles_required
from supply.clock import to_utc_naive
from supply.models import Batch
from supply.models import EventBatch
from supply.schemas.events import DeclarationSchema
from supply.schemas.events import StoringSchema
from supply.services.custody.batches import get_batch
from supply.services.custody.declarations import declare_error
from supply.services.custody.declarations import find_event
from supply.services.custody.declarations import is_declared
from supply.services.custody.observations import record_storing
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.views.custody_options import held_lot
from supply.views.custody_options import now_input
from supply.views.custody_options import own_site_options
from supply.views.filters import local_time
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.forms import submit
from supply.views.labels import ERROR_REASON_OPTIONS
from supply.views.labels import EVENT_STEP_LABELS
from supply.views.labels import TRANSFORMED_LABELS
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import saved

bp = Blueprint("records", __name__, url_prefix="/records")

DECLARATION_FIELDS = ("reason", "note", "corrective_event_id")
STORING_FIELDS = ("lot", "site", "interval_start", "interval_end", "temperature_min", "temperature_max", "notes")


def may_declare(event) -> bool:
    """Tell whether the user may declare this timeline event in error (its party's own, not yet declared)."""
    if event.declares or event.declared or event.biz_step in permissions.UNDECLARABLE_STEPS:
        return False
    return permissions.may_declare(g.user, event.party.id)


def may_record_storing(batch) -> bool:
    """Tell whether the user is a producer or operator of the party holding the batch."""
    return g.user.role in ("producer", "operator") and permissions.acts_for(g.user, batch.holder_id)


@bp.app_context_processor
def _record_links() -> dict:
    """Let the batch page ask which events the user may declare in error and whether it may record storage."""
    return {"may_declare_event": may_declare, "may_record_storing": may_record_storing,
            "beijing_time_of": beijing_time_of}


def beijing_time_of(text: str | None) -> str:
    """Show a time kept as ISO 8601 text in an event's data (with its offset) in Beijing time."""
    if not text:
        return ""
    try:
        value = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    return local_time(to_utc_naive(value))


def _event_lots(event) -> list[tuple[str, str, object, str]]:
    """Return the lots an event touches as (lot code, role, quantity, unit), in the order recorded."""
    rows = (EventBatch.select(EventBatch, Batch.lot_code).join(Batch)
            .where(EventBatch.event == event.id).order_by(EventBatch.id))
    return [(row.batch.lot_code, row.role, row.quantity, row.unit) for row in rows]


def _step_label(event) -> str:
    """Name what an event recorded: the kind of transformation, or the business step."""
    kind = event.data.get("kind") if isinstance(event.data, dict) else None
    if event.event_type == "TransformationEvent" and kind in TRANSFORMED_LABELS:
        return str(TRANSFORMED_LABELS[kind])
    return str(EVENT_STEP_LABELS.get(event.biz_step, event.biz_step))


def _declarable_event(event_id: str):
    """Return the event to declare, refusing (403) one recorded by another party."""
    event = find_event(event_id)
    permissions.require_declares(g.user, event.party_id)
    return event


def _declare(event_id: str, data: dict):
    """Call the service; an unknown corrective event is the corrective field's error."""
    corrective = data.get("corrective_event_id")
    if corrective:
        try:
            find_event(corrective)
        except NotFound as exc:
            raise Invalid.field("corrective_event_id", exc.message) from exc
    return declare_error(g.user, event_id, data["reason"], data.get("note", ""), corrective)


@bp.route("/events/<path:event_id>/declare", methods=["GET", "POST"])
@login_required
def declare(event_id: str):
    """Declare an event of the user's party in error: it did not occur, or its data were wrong."""
    event = _declarable_event(event_id)
    lots = _event_lots(event)
    form = FormResult()
    values = {}
    if request.method == "POST":
        values = form_payload(request.form, DECLARATION_FIELDS)
        form = submit(DeclarationSchema(), values, lambda data: _declare(event.event_id, data))
        if form.ok:
            target = url_for("batches.detail", lot_code=lots[0][0]) + "#timeline" if lots else url_for("batches.index")
            return saved(gettext("The event was declared in error."), target)
        if form.message:  # a rule about the event itself (later events build on it, declared already)
            form = FormResult(errors={"event": [form.message]})
    body = render_template(
        "records/declare.html",
        event=event,
        step_label=_step_label(event),
        lots=lots,
        declared=is_declared(event) or event.declares_id is not None,
        reason_options=[(code, str(text)) for code, text in ERROR_REASON_OPTIONS],
        values=values,
        errors=form.errors,
        message="",
    )
    return body, 200 if form.ok else FORM_ERROR_STATUS


def _store(data: dict):
    """Call the service; a lot that is unknown or not visible is the lot field's error."""
    try:
        return record_storing(g.user, data)
    except (NotFound, Forbidden) as exc:
        if exc.errors:
            raise
        raise Invalid.field("lot", exc.message) from exc


@bp.route("/storing", methods=["GET", "POST"])
@roles_required(*permissions.REGISTERING_ROLES)
def storing():
    """Record that a lot was stored at one of the user's sites, with the lowest and highest temperatures."""
    form = FormResult()
    if request.method == "POST":
        values = form_payload(request.form, STORING_FIELDS)
        form = submit(StoringSchema(), values, _store)
        if form.ok:
            lot = _event_lots(form.result)[0][0]
            return saved(gettext("Storage of lot %(lot)s recorded.", lot=lot),
                         url_for("batches.detail", lot_code=lot) + "#timeline")
    else:
        values = _storing_defaults(request.args.get("lot", "").strip())
    body = render_template("records/storing.html", values=values, errors=form.errors, message=form.message,
                           site_options=own_site_options())
    return body, 200 if form.ok else FORM_ERROR_STATUS


def _storing_defaults(lot: str) -> dict:
    """Fill in the lot asked for (refusing one the user may not see) and the site where the party holds it."""
    values = {"interval_end": now_input()}
    if lot:
        get_batch(g.user, lot)
        values["lot"] = lot
        held = held_lot(lot)
        if held:
            values["site"] = held["site"]
    return values
