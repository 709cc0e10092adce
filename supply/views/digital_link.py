"""The GS1 Digital Link resolver (GS1-Conformant resolver standard 1.2) and the targets of its links.

`/01/<GTIN>[/22/…][/10/<lot>][/21/…]` redirects (307) to the default link, the lot's public page `/t/<token>` (or,
for a GTIN or an unknown lot under a known GTIN, the product page `/p/<GTIN>`); `?linkType=gs1:X` redirects to X's
target (several of one type: the one in the visitor's language); `?linkType=linkset` (or `all`, or
`Accept: application/linkset+json`) answers the linkset; a link type the URI has no link of is 404, a malformed URI
400. Every answer carries CORS headers and a `Link` header to the linkset; the query string is passed on.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import get_locale
from flask_babel import gettext

from supply.db.replica import reads_replica
from supply.i18n import ACCEPTED_TAGS
from supply.i18n import LANG_COOKIE
from supply.i18n import N_
from supply.i18n import choose_language
from supply.identifiers import normalise_gtin
from supply.services.public import digital_link as dl
from supply.services.public import linkset as ls
from supply.services.public.page import batch_by_token
from supply.services.public.page import lot_certification_json
from supply.services.public.page import public_view
from supply.services.public.page import recall_json
from supply.services.public.page import traceability_json
from supply.views.public import LANGUAGE_NAMES
from supply.views.public import not_found

bp = reads_replica(Blueprint("digital_link", __name__))
ALLOW = "GET, HEAD, OPTIONS"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ALLOW,
    "Access-Control-Allow-Headers": "Accept, Accept-Language",
    "Access-Control-Expose-Headers": "Link, Location",
}
# The JSON-LD context of linksets (GS1's, Apache-2.0, a copy in static/gs1/ with its licence).
CONTEXT_FILE = Path(__file__).resolve().parents[2] / "static" / "gs1" / "linkset-context.jsonld"
PAGE_TYPES = (None, "pip", "defaultLink")


def _raw_path() -> str:
    """Return the path as sent, still percent-encoded (so that an encoded '/' stays inside the lot)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    return urlsplit(raw).path if raw else request.path


def _asked_type() -> str | None:
    """The GS1 link type asked for (short name), None for none; the raw value when it is not a GS1 one."""
    link_type = request.args.get("linkType")
    if link_type is None:
        return None
    return ls.short_name(link_type) or link_type


def _error(message: str, status: int) -> Response:
    """Answer an error: a page in the visitor's language when a page was asked for, else JSON."""
    text = gettext(message)
    if _asked_type() in PAGE_TYPES and not _asks_linkset():
        if status == 404:
            body, _ = not_found()
        else:
            body = render_template("public/bad_link.html", message=text, languages=LANGUAGE_NAMES)
        return Response(body, status=status, mimetype="text/html")
    response = jsonify({"code": status, "status": HTTPStatus(status).phrase, "message": text})
    response.status_code = status
    return response


def _check_dates() -> None:
    dates = request.args.getlist("17")
    if len(dates) > 1:
        raise dl.BadLink(N_("A date is written YYMMDD."))
    for value in dates:
        dl.check_date(value)


def _asks_linkset() -> bool:
    """Whether the request asks for the linkset: `linkType=linkset|all`, or `Accept: application/linkset+json`
    without another link type."""
    link_type = request.args.get("linkType")
    if link_type is not None:
        return link_type in ls.LINKSET_TYPES
    return any(value == ls.LINKSET_MEDIA and quality > 0 for value, quality in request.accept_mimetypes)


def _language() -> str | None:
    """The page language the visitor asks for (its cookie, else Accept-Language), None when it names none of ours."""
    config = current_app.config
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen not in config["LANGUAGES"] and not request.accept_languages.best_match(ACCEPTED_TAGS):
        return None
    return choose_language(chosen, request.accept_languages, config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"])


def _with_cors(response: Response) -> Response:
    response.headers.update(CORS)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


@bp.route("/01", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@bp.route("/01/", methods=["GET", "OPTIONS"], provide_automatic_options=False)
@bp.route("/01/<path:rest>", methods=["GET", "OPTIONS"], provide_automatic_options=False)
def resolve(rest: str = ""):
    """Redirect a Digital Link URI to the link asked for (the default link unless asked), or answer its linkset."""
    try:
        link = dl.parse_path(_raw_path())
        _check_dates()
    except dl.BadLink as exc:
        return _with_cors(_error(exc.message, 400))
    base = current_app.config["PUBLIC_BASE_URL"]
    anchor = base + link.levels[0].path
    response = _answer(link, base, anchor)
    response.headers.setdefault("Link", ls.link_header(anchor, base))
    return _with_cors(response)


def _answer(link: dl.DigitalLink, base: str, anchor: str) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": ALLOW})
    found = ls.entries(base, link, str(get_locale()))
    if not found:
        return _error(N_("We have no product with this GTIN."), 404)
    if _asks_linkset():
        response = Response(current_app.json.dumps(ls.linkset_json(found)), mimetype=ls.LINKSET_MEDIA)
        response.headers["Link"] = ls.link_header(anchor, base, with_context=True)
        return response
    name = _asked_type() or "defaultLink"
    target = ls.pick(found, name, _language())
    if target is None:
        return _error(N_("This code has no link of this type."), 404)
    return Response(status=307, headers={"Location": ls.location(target.href, request.query_string)})


@bp.route("/.well-known/gs1resolver", methods=["GET", "OPTIONS"])
def resolver_description():
    """Describe this resolver (GS1 resolver description file)."""
    return _with_cors(jsonify(ls.resolver_description(current_app.config["PUBLIC_BASE_URL"])))


@bp.route(ls.CONTEXT_PATH, methods=["GET", "OPTIONS"])
def linkset_context():
    """Serve the JSON-LD context of our linksets."""
    return _with_cors(Response(CONTEXT_FILE.read_bytes(), mimetype="application/ld+json"))


def _lot_json(token: str, answer) -> Response:
    batch = batch_by_token(token)
    if batch is None:
        response = jsonify({"code": 404, "status": "Not Found", "message": gettext("Code not found")})
        response.status_code = 404
        return _with_cors(response)
    return _with_cors(jsonify(answer(batch)))


@bp.route("/t/<token>/traceability")
def lot_traceability(token: str):
    """The lot's public record as JSON (gs1:traceability)."""
    return _lot_json(token, lambda batch: traceability_json(public_view(batch)))


@bp.route("/t/<token>/certification")
def lot_certification(token: str):
    """The certificates behind the lot, its claims and tests as JSON (gs1:certificationInfo)."""
    return _lot_json(token, lambda batch: {**lot_certification_json(batch), "gtin": batch.product.gtin})


@bp.route("/t/<token>/recall")
def lot_recall(token: str):
    """Whether the lot or a lot it was made from is recalled, as JSON (gs1:recallStatus)."""
    return _lot_json(token, lambda batch: recall_json(public_view(batch)))


@bp.route("/p/<gtin>")
def product_page(gtin: str):
    """The page of a product's GTIN: what the product is, and that each lot's own code tells its story."""
    gtin14 = normalise_gtin(gtin) if gtin.isascii() and gtin.isdigit() else None
    product = dl.find_product(gtin14) if gtin14 else None
    if product is None:
        return not_found()
    return render_template("public/product.html", product=product, gtin=gtin14, languages=LANGUAGE_NAMES)
