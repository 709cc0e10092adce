"""The public scan page of a batch (no login) and its QR code images.

The page is kept once rendered (supply.services.public_cache) and served again, its scans block drawn afresh,
while the probe every request runs finds the data it shows unchanged; it carries a weak ETag, so a phone
scanning again gets 304 Not Modified. A 304 and a kept page still record the scan.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import get_locale
from flask_babel import get_translations

from supply.clock import utcnow
from supply.http_cache import immutable_response
from supply.models import Batch
from supply.services import public_cache
from supply.services import qr
from supply.services import scan_buffer
from supply.services import scans
from supply.services.area_map import area_map
from supply.services.public_page import TOKEN_RE
from supply.services.public_page import batch_by_token
from supply.services.public_page import public_view

bp = Blueprint("public", __name__)
bp.record_once(lambda state: qr.use_cache_folder(Path(state.app.instance_path) / "qr-cache"))
LANGUAGE_NAMES = (("zh_Hans", "简体中文", "zh-Hans"), ("zh_Hant", "繁體中文", "zh-Hant"), ("en", "English", "en"))


def not_found() -> tuple[str, int]:
    """Render the friendly 404 page of the public side, in the visitor's language."""
    return render_template("public/not_found.html", languages=LANGUAGE_NAMES), 404


def page_cache() -> public_cache.PageCache:
    """Return this app's kept pages (`PUBLIC_PAGE_CACHE_SIZE` in memory at most, 0 to keep none; more on disk)."""
    cache = current_app.extensions.get("public_page_cache")
    if cache is None:
        size = current_app.config.get("PUBLIC_PAGE_CACHE_SIZE", public_cache.MAX_PAGES)
        roots = [Path(current_app.root_path), Path(current_app.root_path, current_app.template_folder)]
        folder = public_cache.disk_folder(Path(current_app.instance_path) / "page-cache",
                                          public_cache.code_fingerprint(roots))
        cache = public_cache.PageCache(current_app.jinja_env, size, folder)
        current_app.extensions["public_page_cache"] = cache
    return cache


def held_scans() -> scan_buffer.ScanBuffer:
    """Return this app's scan buffer: `SCAN_BUFFER_SECONDS` (0.5; 0 when testing) at most before a scan is written."""
    buffer = current_app.extensions.get("scan_buffer")
    if buffer is None:
        delay = current_app.config.get("SCAN_BUFFER_SECONDS", 0 if current_app.testing else scan_buffer.DELAY)
        buffer = current_app.extensions["scan_buffer"] = scan_buffer.ScanBuffer(delay)
    return buffer


def page_response(html: str, etag: str | None) -> Response:
    """Answer with a page that must be revalidated on every visit: 304 Not Modified when the client's ETag matches."""
    unchanged = etag is not None and request.if_none_match.contains_weak(etag)
    response = Response(b"" if unchanged else html, status=304 if unchanged else 200, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-cache"
    if etag is not None:
        response.set_etag(etag, weak=True)
    return response


def count_scan(found: public_cache.Probe) -> scans.ScanSummary:
    """Record this scan (GET only) and sum up the batch's scans: those written, those this worker holds, this one.

    The held scans are read after the probe: a scan only ever moves from held to written, so none counts twice.
    """
    buffer = held_scans()
    held, first_held = buffer.held(found.batch_id)
    at = utcnow()
    recorded = request.method == "GET" and buffer.add(found.batch_id, at)
    firsts = [when for when in (found.first_scan, first_held, at if recorded else None) if when is not None]
    return scans.summary(found.scans + held + recorded, min(firsts, default=None), found.unit, found.quantity)


def draw_scans(section: public_cache.ScanSection, summary: scans.ScanSummary, language: str) -> str:
    """Draw the page's scans block for this request's language and counts."""
    return section.render(summary, language, getattr(get_translations(), "plural", None))


def render_batch_page(batch: Batch) -> Response:
    """Record the scan and answer with the page of a batch."""
    return serve_page(batch.public_token)


def serve_page(token: str) -> Response:
    """Record the scan (GET only) and answer with the page of a token's batch: the kept copy while it is fresh."""
    cache = page_cache()
    section = cache.section
    language = str(get_locale())
    key = (token, request.path, language)
    kept = cache.get(key) if section is not None else None
    found = public_cache.probe(token, kept.upstream, kept.recalled) if kept else public_cache.probe(token)
    if found is None:
        body, status = not_found()
        return Response(body, status=status, mimetype="text/html")
    summary = count_scan(found)
    if kept is not None and kept.fresh(found, public_cache.now()):
        if request.if_none_match.contains_weak(kept.etag):
            return page_response("", kept.etag)
        return page_response(kept.head + draw_scans(section, summary, language) + kept.tail, kept.etag)
    batch = batch_by_token(token)  # read after the probe: the page may be newer than its version, never older
    view = public_view(batch)
    site = batch.origin_site
    html = render_template(
        "public/batch.html", view=view, batch=batch, product=batch.product, origin=batch.origin_party, site=site,
        area=area_map(site.latitude, site.longitude), scans=summary, languages=LANGUAGE_NAMES,
    )
    parts = public_cache.split(html, draw_scans(section, summary, language)) if section is not None else None
    if parts is None:
        return page_response(html, None)
    recalled = tuple(up.lot for up in view.upstream if up.recalled)
    version = found.version(len(recalled))
    page = public_cache.Page(version, tuple(up.lot for up in view.upstream), recalled, *parts,
                             public_cache.etag(key, version), public_cache.now())
    cache.put(key, page)
    return page_response(html, page.etag)


@bp.route("/t/<token>")
def batch_page(token: str):
    """Show the public page of the batch a QR code names."""
    if not TOKEN_RE.fullmatch(token):
        return not_found()
    return serve_page(token)


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
