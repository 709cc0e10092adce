"""Inspection pages: inspections, a lot's tests and compliance certificates, and the holds with their release."""

from __future__ import annotations

from flask import Blueprint
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from supply import permissions
from supply.auth import login_required
from supply.auth import roles_required
from supply.schemas.inspections import TEST_METHODS
from supply.schemas.inspections import ComplianceCreateSchema
from supply.schemas.inspections import HoldCreateSchema
from supply.schemas.inspections import HoldFilterSchema
from supply.schemas.inspections import InspectionCreateSchema
from supply.schemas.inspections import InspectionFilterSchema
from supply.schemas.inspections import ReleaseSchema
from supply.schemas.inspections import TestCreateSchema
from supply.services.certification import compliance
from supply.services.coldchain import proposals
from supply.services.custody.batches import get_batch
from supply.services.inspection import holds
from supply.services.inspection import inspections
from supply.services.masterdata import parties as party_service
from supply.views.custody_options import now_input
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.forms import submit
from supply.views.labels import BASIS_LABELS
from supply.views.labels import HOLD_STATUS_LABELS
from supply.views.labels import INSPECTION_KIND_LABELS
from supply.views.labels import METHOD_LABELS
from supply.views.labels import OUTCOME_LABELS
from supply.views.labels import TEST_KIND_LABELS
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import code_options
from supply.views.pages import list_filters
from supply.views.pages import saved

bp = Blueprint("inspections", __name__, url_prefix="/inspections")

INSPECTION_FIELDS = tuple(InspectionCreateSchema().load_fields)
TEST_FIELDS = tuple(TestCreateSchema().load_fields)
assert set(METHOD_LABELS) == set(TEST_METHODS)


@bp.context_processor
def _labels() -> dict:
    labels = {"inspection_kind_labels": INSPECTION_KIND_LABELS, "outcome_labels": OUTCOME_LABELS,
              "test_kind_labels": TEST_KIND_LABELS, "method_labels": METHOD_LABELS, "basis_labels": BASIS_LABELS,
              "hold_status_labels": HOLD_STATUS_LABELS}
    return dict(labels, label_of=lambda table, code: str(labels[table].get(code, code or "—")))


@bp.route("/")
@login_required
def index():
    """List inspections: every party's for inspectors and admins, else those of the user's party."""
    listing = list_filters(InspectionFilterSchema())
    page = listing.page_of(inspections.list_inspections(g.user, listing.filters))
    readers = permissions.reads_everything(g.user)
    return render_template("inspections/index.html", page=page, listing=listing,
                           party_options=code_options(party_service.list_parties({})) if readers else [],
                           may_inspect=permissions.is_inspector(g.user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*permissions.INSPECTING_ROLES)
def new():
    """Record a site visit or a sampling (inspectors and admins)."""
    form = FormResult()
    values = {"inspected_at": now_input(), "outcome": "pending", "lot": request.args.get("lot", "")}
    if request.method == "POST":
        values = form_payload(request.form, INSPECTION_FIELDS)
        form = submit(InspectionCreateSchema(), values, lambda data: inspections.record_inspection(g.user, data))
        if form.ok:
            return saved(gettext("Inspection recorded."), url_for(".detail", inspection_id=form.result.id))
    body = render_template("inspections/new.html", values=values, errors=form.errors, message=form.message,
                           party_options=code_options(party_service.list_parties({})))
    return body, 200 if form.ok else FORM_ERROR_STATUS


@bp.route("/<int:inspection_id>")
@login_required
def detail(inspection_id: int):
    """Show one inspection."""
    inspection = inspections.get_inspection(g.user, inspection_id)
    return render_template("inspections/detail.html", inspection=inspection, tests=list(inspection.tests))


@bp.route("/lots/<path:lot>")
@login_required
def lot(lot: str):
    """Show a lot's tests, holds and compliance certificates, with what the user may do next."""
    batch, tests = inspections.tests_of(g.user, lot)
    _, certificates = compliance.list_compliance(g.user, lot)
    return render_template(
        "inspections/lot.html", batch=batch, tests=tests, certificates=certificates,
        lot_holds=list(holds.holds_of_batch(batch)),
        may_test=permissions.is_inspector(g.user) or inspections.holds_some(g.user.party_id, batch),
        may_issue=(compliance.takes_certificate(batch) and permissions.may_edit_batch(g.user, batch.holder_id)),
    )


@bp.route("/tests/new", methods=["GET", "POST"])
@login_required
def new_test():
    """Record a test result on a lot (`?lot=` fills it in); a failing one holds the lot and its downstream."""
    form = FormResult()
    values = {"lot": request.args.get("lot", ""), "tested_at": now_input(), "kind": "pesticide_rapid",
              "method": "enzyme_inhibition", "value_unit": "%"}
    if request.method == "POST":
        values = form_payload(request.form, TEST_FIELDS)
        form = submit(TestCreateSchema(), values, lambda data: inspections.record_test(g.user, data))
        if form.ok:
            result = form.result
            message = (gettext("Test recorded: passed.") if result.passed
                       else gettext("Test recorded: failed. The lot and everything made from it are on hold."))
            return saved(message, url_for(".lot", lot=result.batch.lot_code))
    body = render_template("inspections/test_form.html", values=values, errors=form.errors, message=form.message,
                           lab_options=code_options(party_service.list_parties({}))
                           if permissions.is_inspector(g.user) else [])
    return body, 200 if form.ok else FORM_ERROR_STATUS


@bp.route("/lots/<path:lot>/compliance", methods=["GET", "POST"])
@login_required
def issue(lot: str):
    """Issue a compliance certificate (承诺达标合格证) for a lot the user's party holds."""
    batch = get_batch(g.user, lot)
    form = FormResult()
    values = {"basis": "quality_control"}
    if request.method == "POST":
        values = form_payload(request.form, ("basis", "quantity"))
        form = submit(ComplianceCreateSchema(), values,
                      lambda data: compliance.issue_compliance(g.user, batch.lot_code, data))
        if form.ok:
            return saved(gettext("Compliance certificate %(number)s issued.", number=form.result.number),
                         url_for(".lot", lot=batch.lot_code))
    body = render_template("inspections/issue.html", batch=batch, values=values, errors=form.errors,
                           message=form.message)
    return body, 200 if form.ok else FORM_ERROR_STATUS


@bp.route("/holds")
@roles_required(*permissions.INSPECTING_ROLES)
def hold_list():
    """List holds (open ones first of all) with a release form beside each open one."""
    return _holds_page(None, {}, FormResult())


def _holds_page(failed: int | None, values: dict, form: FormResult):
    listing = list_filters(HoldFilterSchema())
    page = listing.page_of(holds.list_holds(g.user, listing.filters["status"]))
    status = listing.filters["status"]
    return render_template("inspections/holds.html", page=page, listing=listing,
                           lots=holds.held_lots([hold.id for hold in page.items]),
                           proposed=list(proposals.list_proposals(g.user)) if status != "released" else [],
                           failed=failed, values=values, errors=form.errors, message=form.message)


@bp.route("/holds/<int:hold_id>/release", methods=["POST"])
@roles_required(*permissions.INSPECTING_ROLES)
def release(hold_id: int):
    """Release a hold with a reason; shown again with the message beside the reason when it is missing."""
    holds.get_hold(hold_id)  # an unknown hold is a 404 page, not a message on the list
    values = form_payload(request.form, ("reason",))
    form = submit(ReleaseSchema(), values, lambda data: holds.release_hold(g.user, hold_id, data["reason"]))
    if form.ok:
        return saved(gettext("Hold released."), url_for(".hold_list"))
    released = holds.get_hold(hold_id).released_at is not None
    return _holds_page(hold_id, values, form), 409 if released else FORM_ERROR_STATUS


@bp.route("/holds/new", methods=["GET", "POST"])
@roles_required(*permissions.INSPECTING_ROLES)
def new_hold():
    """Hold a lot and everything made from it, with a reason."""
    form = FormResult()
    values = {"lot": request.args.get("lot", "")}
    if request.method == "POST":
        values = form_payload(request.form, ("lot", "reason"))
        form = submit(HoldCreateSchema(), values, lambda data: holds.place_manual_hold(g.user, data))
        if form.ok:
            lot = form.result.batch.lot_code
            return saved(gettext("Lot %(lot)s and everything made from it are on hold.", lot=lot),
                         url_for(".hold_list"))
    body = render_template("inspections/hold_form.html", values=values, errors=form.errors, message=form.message)
    return body, 200 if form.ok else FORM_ERROR_STATUS
