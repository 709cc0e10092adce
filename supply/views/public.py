"""The public scan page of a batch (no login) and its QR code images."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request

from supply.http_cache import immutable_response
from supply.models import Batch
from supply.services import qr
from supply.services import scans
from supply.services.area_map import area_map
from supply.services.public_page import batch_by_token
from supply.services.public_page import public_view

bp = Blueprint("public", __name__)
bp.record_once(lambda state: qr.use_cache_folder(Path(state.app.instance_path) / "qr-cache"))
LANGUAGE_NAMES = (("zh_Hans", "简体中文", "zh-Hans"), ("zh_Hant", "繁體中文", "zh-Hant"), ("en", "English", "en"))


def not_found() -> tuple[str, int]:
    """Render the friendly 404 page of the public side, in the visitor's language."""
    return render_template("public/not_found.html", languages=LANGUAGE_NAMES), 404


def render_batch_page(batch: Batch) -> Response:
    """Record the scan and render the page of a batch."""
    if request.method == "GET":
        scans.record_scan(batch)
    view = public_view(batch)
    site = batch.origin_site
    html = render_template(
        "public/batch.html", view=view, batch=batch, product=batch.product, origin=batch.origin_party, site=site,
        area=area_map(site.latitude, site.longitude), scans=scans.scan_summary(batch), languages=LANGUAGE_NAMES,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/t/<token>")
def batch_page(token: str):
    """Show the public page of the batch a QR code names."""
    batch = batch_by_token(token)
    if batch is None:
        return not_found()
    return render_batch_page(batch)


def _size() -> int:
    raw = request.args.get("size", str(qr.DEFAULT_SIZE))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not qr.MIN_SIZE <= int(raw) <= qr.MAX_SIZE:
        abort(400)
    return int(raw)


def encoded_url(batch: Batch) -> str:
    """Return the URL a batch's QR code encodes, as the label setting chooses."""
    config = current_app.config
    return qr.label_url(batch, config["PUBLIC_BASE_URL"], config.get("LABEL_URL_STYLE", "token"))


@bp.route("/t/<token>/qr.svg")
def qr_svg(token: str):
    """Serve the batch's QR code as SVG."""
    batch = batch_by_token(token)
    if batch is None:
        return not_found()
    return immutable_response(qr.qr_svg(encoded_url(batch)), "image/svg+xml")


@bp.route("/t/<token>/qr.png")
def qr_png(token: str):
    """Serve the batch's QR code as PNG, `size` pixels per module (1 to 20)."""
    size = _size()
    batch = batch_by_token(token)
    if batch is None:
        return not_found()
    return immutable_response(qr.qr_png(encoded_url(batch), size), "image/png")
