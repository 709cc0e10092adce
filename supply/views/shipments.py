"""Shipment pages: incoming and outgoing lists, log a shipment, open one, receive it, cancel it."""

from __future__ import annotations

import re

from flask import Blueprint
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from supply import permissions
from supply.auth import login_required
from supply.auth import roles_required
from supply.locales import translate_errors
from supply.models.custody import ShipmentStatus
from supply.schemas.custody import CancelSchema
from supply.schemas.custody import ReceiveSchema
from supply.schemas.custody import ShipmentCreateSchema
from supply.schemas.custody import ShipmentFilterSchema
from supply.services.custody import reads as custody_reads
from supply.services.custody import shipments as shipment_service
from supply.services.errors import Invalid
from supply.services.masterdata import parties as party_service
from supply.views.cold_chain import ingest_upload
from supply.views.cold_chain import shipment_section
from supply.views.custody_options import held_lot
from supply.views.custody_options import lot_choice
from supply.views.custody_options import now_input
from supply.views.custody_options import own_site_options
from supply.views.custody_options import receiving_parties
from supply.views.custody_options import sites_by_party
from supply.views.filters import quantity
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.forms import submit
from supply.views.labels import SHIPMENT_STATUS_LABELS
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import code_options
from supply.views.pages import list_filters
from supply.views.pages import saved
from supply.views.rows import asked_for_more
from supply.views.rows import fields_only
from supply.views.rows import form_rows
from supply.views.rows import row_values
from supply.views.rows import rows_wanted

bp = Blueprint("shipments", __name__, url_prefix="/shipments")


SHIPMENT_FIELDS = ("from_site", "to_party", "to_site", "carrier", "vehicle_plate", "departed_at", "doc_number",
                   "set_point")
RECEIVE_FIELDS = ("site", "received_at", "temperature_min", "temperature_max")
SHIPMENT_SHOWN = re.compile(r"(from_site|to_party|to_site|carrier|vehicle_plate|departed_at|doc_number|set_point"
                            r"|lines|lines\.\d+\.(lot|quantity))")
RECEIVE_SHOWN = re.compile(r"(site|received_at|temperature_min|temperature_max"
                           r"|lines|lines\.\d+\.(lot|received|loss_reason))")
DEFAULT_LINES = 5


@bp.context_processor
def _status_labels() -> dict:
    return {
        "shipment_status_labels": SHIPMENT_STATUS_LABELS,
        "shipment_status_label": lambda code: str(SHIPMENT_STATUS_LABELS.get(code, code)),
    }


def may_receive(shipment) -> bool:
    """Tell whether the user may receive this shipment."""
    return permissions.may_receive(g.user, shipment.receiver_id)


def may_cancel(shipment) -> bool:
    """Tell whether the user may cancel this shipment."""
    return permissions.may_cancel(g.user, shipment.sender_id)


@bp.route("/")
@login_required
def index():
    """List the shipments of the user's party (any party's for inspectors and admins), incoming or outgoing."""
    listing = list_filters(ShipmentFilterSchema())
    filters = dict(listing.filters)
    readers = permissions.reads_everything(g.user)
    try:
        query = shipment_service.list_shipments(g.user, filters)
    except Invalid as exc:
        listing.errors.update(translate_errors(exc.errors))
        listing.link_args.pop("party", None)
        query = shipment_service.list_shipments(g.user, {k: v for k, v in filters.items() if k != "party"})
    page = listing.page_of(custody_reads.with_parties(query))
    return render_template(
        "shipments/index.html",
        page=page,
        listing=listing,
        party_options=code_options(party_service.list_parties({})) if readers else [],
        tabs=_tabs(listing.link_args) if filters.get("party") or not readers else [],
        may_receive=may_receive,
    )


def _tabs(args: dict) -> list[tuple[str, str, bool]]:
    """Links to the incoming shipments still to receive, all incoming, all outgoing and both (party kept)."""
    kept = {"party": args["party"]} if args.get("party") else {}
    tabs = []
    for text, direction, status in ((_l("To receive"), "incoming", ShipmentStatus.IN_TRANSIT),
                                    (_l("Incoming"), "incoming", ""), (_l("Outgoing"), "outgoing", ""),
                                    (_l("All"), "", "")):
        wanted = {key: value for key, value in (("direction", direction), ("status", status)) if value}
        current = args.get("direction", "") == direction and args.get("status", "") == status
        tabs.append((str(text), url_for(".index", **kept, **wanted), current))
    return tabs


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*permissions.REGISTERING_ROLES)
def new():
    """Log a shipment from one of the user's sites to another party (`?lot=` fills in a lot held)."""
    form = FormResult()
    if request.method == "POST":
        values = form_payload(request.form, SHIPMENT_FIELDS)
        lines = form_rows(request.form, "lines", ("lot", "quantity"))
        if not asked_for_more():
            action = fields_only(lambda data: shipment_service.create_shipment(g.user, data), SHIPMENT_SHOWN.fullmatch)
            form = submit(ShipmentCreateSchema(), dict(values, lines=lines), action)
            if form.ok:
                code = form.result.code
                return saved(gettext("Shipment %(code)s logged.", code=code), url_for(".detail", code=code))
    else:
        values, lines = _new_defaults(request.args.get("lot", "").strip())
    parties = receiving_parties()
    body = render_template(
        "shipments/new.html",
        values=dict(values, **row_values("lines", lines)),
        errors=form.errors,
        message=form.message,
        rows=rows_wanted("rows", len(lines), DEFAULT_LINES),
        site_options=own_site_options(),
        party_options=code_options(parties),
        to_site_groups=sites_by_party(parties),
        lots=lot_choice(values.get("from_site")),
    )
    return body, 200 if form.ok else FORM_ERROR_STATUS


def _new_defaults(lot: str) -> tuple[dict, list[dict]]:
    values = {"departed_at": now_input()}
    if not lot:
        return values, []
    held = held_lot(lot)
    if held:
        values["from_site"] = held["site"]
        return values, [{"lot": lot, "quantity": held["quantity"]}]
    return values, [{"lot": lot}]


@bp.route("/<code>")
@login_required
def detail(code: str):
    """Show a shipment with its lines, status and what the user may do with it."""
    shipment = shipment_service.get_shipment(g.user, code)
    return _detail_page(shipment, {}, FormResult())


@bp.route("/<code>/readings", methods=["POST"])
@login_required
def upload_readings(code: str):
    """Read a logger's CSV export for the shipment; a refused file is shown with its line and reason."""
    shipment = shipment_service.get_shipment(g.user, code)
    upload, status = ingest_upload(code, request.files.get("file"))
    if upload.ok:
        return saved(upload.result, url_for(".detail", code=code) + "#cold-chain")
    return _detail_page(shipment, {}, FormResult(), upload), status


def _detail_page(shipment, cancel_values: dict, cancel_form: FormResult, upload: FormResult | None = None):
    return render_template(
        "shipments/detail.html",
        shipment=shipment,
        lines=custody_reads.shipment_lines(shipment),
        can_receive=shipment.status == ShipmentStatus.IN_TRANSIT and may_receive(shipment),
        can_cancel=shipment.status == ShipmentStatus.IN_TRANSIT and may_cancel(shipment),
        values=cancel_values,
        errors=cancel_form.errors,
        message=cancel_form.message,
        cold_chain=shipment_section(shipment, upload),
    )


@bp.route("/<code>/cancel", methods=["POST"])
@login_required
def cancel(code: str):
    """Cancel a shipment before it is received: the quantities go back on hand at the sending site."""
    shipment = shipment_service.get_shipment(g.user, code)
    permissions.require_cancels(g.user, shipment.sender_id)
    values = form_payload(request.form, ("reason",))
    form = submit(CancelSchema(), values,
                  lambda data: shipment_service.cancel_shipment(g.user, code, data.get("reason", "")))
    if form.ok:
        return saved(gettext("Shipment %(code)s cancelled.", code=code), url_for(".detail", code=code))
    return _detail_page(shipment_service.get_shipment(g.user, code), values, form), FORM_ERROR_STATUS


@bp.route("/<code>/receive", methods=["GET", "POST"])
@login_required
def receive(code: str):
    """Receive a shipment at a site of the receiving party, with what arrived of each line and why any is missing."""
    shipment = shipment_service.get_shipment(g.user, code)
    permissions.require_receives(g.user, shipment.receiver_id)
    lines = custody_reads.shipment_lines(shipment)
    form = FormResult()
    if request.method == "POST":
        values = form_payload(request.form, RECEIVE_FIELDS)
        rows = form_rows(request.form, "lines", ("lot", "received", "loss_reason"))
        action = fields_only(lambda data: shipment_service.receive_shipment(g.user, code, data),
                             RECEIVE_SHOWN.fullmatch)
        form = submit(ReceiveSchema(), dict(values, lines=rows), action)
        if form.ok:
            return saved(gettext("Shipment %(code)s received.", code=code), url_for(".detail", code=code))
        values.update(row_values("lines", rows))
    elif shipment.status != ShipmentStatus.IN_TRANSIT:
        return redirect(url_for(".detail", code=code))
    else:
        values = _receive_defaults(shipment, lines)
    body = render_template(
        "shipments/receive.html",
        shipment=shipment,
        lines=lines,
        values=values,
        errors=form.errors,
        message=form.message,
        site_options=code_options(party_service.list_sites({"party": shipment.receiver.code})),
    )
    return body, 200 if form.ok else FORM_ERROR_STATUS


def _receive_defaults(shipment, lines: list) -> dict:
    values = {"received_at": now_input(), "site": shipment.to_site.code if shipment.to_site_id else ""}
    if not values["site"]:
        sites = list(party_service.list_sites({"party": shipment.receiver.code}))
        values["site"] = sites[0].code if len(sites) == 1 else ""
    rows = [{"lot": line.batch.lot_code, "received": quantity(line.quantity)} for line in lines]
    return dict(values, **row_values("lines", rows))
