"""The GS1 Digital Link resolver: /01/<GTIN>/10/<lot> answers with the page or a link type's JSON."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext

from supply.db.replica import reads_replica
from supply.i18n import N_
from supply.services.public import digital_link as dl
from supply.services.public.page import lot_certification_json
from supply.services.public.page import public_view
from supply.services.public.page import recall_json
from supply.services.public.page import traceability_json
from supply.views.public import LANGUAGE_NAMES
from supply.views.public import not_found
from supply.views.public import render_batch_page

bp = reads_replica(Blueprint("digital_link", __name__))
ALLOW = "GET, HEAD, OPTIONS"
KNOWN = {name for name, _, _ in dl.LINK_TYPES} | set(dl.LINKSET_TYPES)


def _raw_path() -> str:
    """Return the path as sent, still percent-encoded (so that an encoded '/' stays inside the lot)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    return urlsplit(raw).path if raw else request.path


def _bad(message: str, status: int = 400) -> Response:
    text = gettext(message)
    if request.args.get("linkType", "gs1:pip") in ("gs1:pip", ""):
        html = render_template("public/bad_link.html", message=text, languages=LANGUAGE_NAMES)
        return Response(html, status=status, mimetype="text/html")
    response = jsonify({"code": status, "status": HTTPStatus(status).phrase, "message": text})
    response.status_code = status
    return response


def _check_query() -> None:
    link_type = request.args.get("linkType")
    if link_type is not None and link_type not in KNOWN:
        raise dl.BadLink(N_("Unknown link type."))
    dates = request.args.getlist("17")
    if len(dates) > 1:
        raise dl.BadLink(N_("A date is written YYMMDD."))
    for value in dates:
        dl.check_date(value)


@bp.route("/01", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@bp.route("/01/", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@bp.route("/01/<path:rest>", methods=["GET", "OPTIONS"], provide_automatic_options=False)
def resolve(rest: str = ""):
    """Resolve a Digital Link URI to the page of the lot, or to the JSON of the link type asked for."""
    try:
        link = dl.parse_path(_raw_path())
        _check_query()
    except dl.BadLink as exc:
        return _bad(exc.message)
    uri = dl.anchor(current_app.config["PUBLIC_BASE_URL"], link)
    response = _answer(link, uri)
    response.headers["Link"] = dl.link_header(uri)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Link"
    return response


def _answer(link: dl.DigitalLink, uri: str) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": ALLOW, "Access-Control-Allow-Methods": ALLOW})
    link_type = request.args.get("linkType", "gs1:pip")
    if link_type in dl.LINKSET_TYPES:
        languages = [tag for _, _, tag in LANGUAGE_NAMES]
        return Response(current_app.json.dumps(dl.linkset(uri, languages)), mimetype="application/linkset+json")
    batch = dl.find_batch(link)
    if batch is None:
        if link_type == "gs1:pip":
            body, status = not_found()
            return Response(body, status=status, mimetype="text/html")
        return _bad(N_("No lot of this GTIN has this lot code."), 404)
    if link_type == "gs1:pip":
        return render_batch_page(batch)
    if link_type == "gs1:certificationInfo":
        return jsonify({**lot_certification_json(batch), "gtin": link.gtin})
    view = public_view(batch)
    return jsonify(recall_json(view) if link_type == "gs1:recallStatus" else traceability_json(view))


@bp.route("/.well-known/gs1resolver")
def resolver_description():
    """Describe this resolver (GS1 Digital Link resolver description file)."""
    return jsonify(dl.resolver_description(current_app.config["PUBLIC_BASE_URL"]))
