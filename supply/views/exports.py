"""Export pages: choose a lot (with its genealogy) or a period, and download EPCIS 2.0 JSON-LD or the KDE sheet.

The form sends the API's query parameters to the API's schemas and the same export services; a bad choice comes
back as the form with the messages beside the fields and a 4xx status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import g
from flask import render_template
from flask import request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError

from supply.auth import login_required
from supply.errors import flatten_errors
from supply.i18n import N_
from supply.locales import translate_errors
from supply.locales import translate_message
from supply.schemas.exports import EpcisQuerySchema
from supply.schemas.exports import KdeQuerySchema
from supply.services.errors import ServiceError
from supply.services.interchange import epcis
from supply.services.interchange import kde
from supply.services.interchange.kde import export_kde_of_trace
from supply.views.custody_options import product_options
from supply.views.forms import form_payload
from supply.views.pages import FORM_ERROR_STATUS

bp = Blueprint("exports", __name__, url_prefix="/exports")

FORMATS = {"epcis": _l("EPCIS 2.0 (JSON-LD)"), "kde": _l("KDE sheet (CSV, FSMA 204 style)")}
TRACES = (("up", _l("Upstream: where it came from")), ("down", _l("Downstream: where it went")),
          ("both", _l("Both directions")))
FIELDS = ("format", "lot", "trace", "from", "to", "product")
UNKNOWN_FORMAT = N_("Choose EPCIS or the KDE sheet.")


@bp.route("/")
@login_required
def index():
    """Show the export form (query parameters, such as `?lot=`, fill it in)."""
    values = form_payload(request.args, FIELDS)
    values.setdefault("format", "epcis")
    return _form_page(values, {}, "")


@bp.route("/download")
@login_required
def download():
    """Download the chosen export, or show the form again with what is wrong (4xx)."""
    values = form_payload(request.args, FIELDS)
    chosen = values.pop("format", "")
    if chosen == "epcis":
        schema, action = EpcisQuerySchema(), _epcis_file
    elif chosen == "kde" and values.get("trace"):
        schema, action = EpcisQuerySchema(), _kde_trace_file  # one lot and a direction, checked as for EPCIS
    elif chosen == "kde":
        if "lot" in values:
            values["lots"] = values.pop("lot")
        schema, action = KdeQuerySchema(), _kde_file
    else:
        return _form_page(dict(values, format=chosen), {"format": [translate_message(UNKNOWN_FORMAT)]}, "",
                          FORM_ERROR_STATUS)
    result = _run(schema, values, action)
    if isinstance(result, Response):
        return result
    errors, message, status = result
    if "lots" in values:
        values["lot"] = values.pop("lots")
    return _form_page(dict(values, format=chosen), errors, message, status)


def _run(schema: Schema, payload: dict, action: Callable[[dict], Response]):
    """Load the query with the API's schema and call the service; return the file or (errors, message, status).

    A refusal that names no field (an unknown lot, another party's lot) is shown beside the lot.
    """
    try:
        return action(schema.load(payload))
    except ValidationError as exc:
        errors, message, status = flatten_errors(exc.messages), "", FORM_ERROR_STATUS
    except ServiceError as exc:
        errors, message, status = dict(exc.errors), "", exc.status
        if not errors and (payload.get("lot") or payload.get("lots")):
            errors = {"lot": [exc.message]}
        elif not errors:
            message = translate_message(exc.message)
    errors = translate_errors({("lot" if name == "lots" else name): messages for name, messages in errors.items()})
    return errors, message, status


def _epcis_file(args: dict) -> Response:
    """Answer with the API's EPCIS document as a download."""
    document = epcis.export_epcis(g.user, args, current_app.config["PUBLIC_BASE_URL"])
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/ld+json",
                    headers=_attachment(_epcis_name(args)))


def _kde_file(args: dict) -> Response:
    """Answer with the API's KDE sheet of the lots or of the period as a download."""
    content, filename = kde.export_kde(g.user, args)
    return Response(content, mimetype="text/csv", headers=_attachment(filename))


def _kde_trace_file(args: dict) -> Response:
    """Answer with the KDE sheet of a lot and every lot of its genealogy in the chosen direction."""
    content, filename = export_kde_of_trace(g.user, args["lot"], args["trace"])
    return Response(content, mimetype="text/csv", headers=_attachment(filename))


def _epcis_name(args: dict) -> str:
    """Name the EPCIS file after the lot (and trace direction) or the period, in plain ASCII."""
    if args.get("lot"):
        stem = f"epcis-{args['lot']}" + (f"-trace-{args['trace']}" if args.get("trace") else "")
    else:
        stem = f"epcis-{args['date_from']:%Y%m%d}-{args['date_to']:%Y%m%d}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem) + ".jsonld"


def _attachment(filename: str) -> dict:
    """The header that makes a browser save the answer under the given (ASCII) name."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _form_page(values: dict, errors: dict, message: str, status: int = 200):
    """Render the export form with the values sent and the messages beside the fields."""
    body = render_template(
        "exports/index.html",
        values=values,
        errors=errors,
        message=message,
        format_options=[(code, str(label)) for code, label in FORMATS.items()],
        trace_options=[(code, str(label)) for code, label in TRACES],
        product_options=product_options(),
    )
    return body, status
