"""The public scan page of a batch (no login) and its QR code images.

The page is kept once rendered (supply.services.public.cache) and served again, its scans block drawn afresh,
while the data version is unchanged (one primary-key read; most such requests never reach Flask, see
supply.public_fastpath) or, after the version moved, while the probe finds the data it shows unchanged; it
carries a weak ETag, so a phone scanning again gets 304 Not Modified. A 304 and a kept page still record the
scan. Counts come from the worker's scan tallies (supply.services.public.scan_buffer).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
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
from supply.db.replica import reads_replica
from supply.http_cache import immutable_response
from supply.identifiers import is_public_token
from supply.models import Batch
from supply.services.public import cache as public_cache
from supply.services.public import facts
from supply.services.public import qr
from supply.services.public import scan_buffer
from supply.services.public import scans
from supply.services.public.area_map import area_map
from supply.services.public.origins import ORIGINS_SHOWN
from supply.services.public.page import batch_by_token
from supply.services.public.page import complete

bp = reads_replica(Blueprint("public", __name__))


@bp.record_once
def keep_qr_codes(state) -> None:
    """Give the app its QR codes, kept on disk in the instance folder for every worker and restart, and the answer
    its outage handler gives a scan page (supply.errors)."""
    state.app.extensions.setdefault("qr_codes", qr.QrCodes(Path(state.app.instance_path) / "qr-cache"))
    state.app.extensions["outage_answer"] = outage_answer


# Upstream steps shown in the journey itself; past this many they fold, one group per lot.
STEPS_BEFORE_COLLAPSE = 20
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
        cache.version = current_app.extensions["public_version"]
        current_app.extensions["public_page_cache"] = cache
    return cache


def held_scans() -> scan_buffer.ScanBuffer:
    """Return this app's scan buffer: `SCAN_BUFFER_SECONDS` (0.5; 0 when testing) at most before a scan is written,
    counts read again after `PUBLIC_SCAN_COUNT_SECONDS` (5; 0 when testing)."""
    buffer = current_app.extensions.get("scan_buffer")
    if buffer is None:
        testing = current_app.testing
        delay = current_app.config.get("SCAN_BUFFER_SECONDS", 0 if testing else scan_buffer.DELAY)
        refresh = current_app.config.get("PUBLIC_SCAN_COUNT_SECONDS", 0 if testing else scan_buffer.REFRESH)
        buffer = current_app.extensions["scan_buffer"] = scan_buffer.ScanBuffer(delay, refresh=refresh)
    return buffer


def page_response(html: str, etag: str | None, if_none_match=None) -> Response:
    """Answer with a page that must be revalidated on every visit: 304 Not Modified when the client's ETag matches.

    `if_none_match` is the request's parsed If-None-Match (the current request's when not given).
    """
    if_none_match = request.if_none_match if if_none_match is None else if_none_match
    unchanged = etag is not None and if_none_match.contains_weak(etag)
    response = Response(b"" if unchanged else html, status=304 if unchanged else 200, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-cache"
    if etag is not None:
        response.set_etag(etag, weak=True)
    return response


def this_scan(buffer: scan_buffer.ScanBuffer, batch_id: int, unit: str, quantity, method: str):
    """Sum up a batch's scans with this one (GET only): the tally's count, and this request's scan time or None.

    The caller records the scan (`buffer.add`) once it knows it answers; HEAD records nothing.
    """
    count, first = buffer.count(batch_id)
    at = utcnow() if method == "GET" else None
    if at is not None:
        count += 1
        first = at if first is None else min(first, at)
    return scans.summary(count, first, unit, quantity), at


def draw_scans(cache: public_cache.PageCache, section: public_cache.ScanSection, summary: scans.ScanSummary,
               language: str) -> str:
    """Draw the page's scans block for this request's language and counts (and keep the language's plural rule)."""
    plural = getattr(get_translations(), "plural", None)
    cache.plurals[language] = plural
    section.prime(summary, language, plural)
    return section.render(summary, language, plural)


def kept_response(cache: public_cache.PageCache, page: public_cache.Page, language: str, method: str,
                  if_none_match, draw=None) -> Response | None:
    """Answer with a kept page, its scans block drawn for this request, and record the scan (GET only).

    Without a request context (the fast path, `draw` None) the block is filled in from a shell drawn before:
    None (nothing recorded) when there is none yet for this language and count, so the view answers instead.
    """
    buffer = held_scans() if draw is not None else cache.scan_buffer
    batch_id = page.batch_id
    summary, at = this_scan(buffer, batch_id, page.unit, Decimal(page.quantity), method)
    if if_none_match.contains_weak(page.etag):
        body = ""
    else:
        body = cache.section.filled(summary, language, cache.plurals.get(language)) \
            if language in cache.plurals else None
        if body is None:
            if draw is None:
                return None
            body = draw(summary)
        body = page.head + body + page.tail
    if at is not None:
        buffer.add(batch_id, at, language)
    return page_response(body, page.etag, if_none_match)


def outage_answer() -> Response | None:
    """While the database cannot be reached: answer a scan page (GET or HEAD) from its kept copy, whatever its
    version and age, with the scans block drawn from the worker's tally; None when nothing is kept."""
    token = (request.view_args or {}).get("token")
    if request.endpoint != "public.batch_page" or request.method not in ("GET", "HEAD") or not token:
        return None
    cache = page_cache()
    cache.scan_buffer = held_scans()
    section = cache.section
    language = str(get_locale())
    kept = cache.get((token, request.path, language)) if section is not None else None
    if kept is None:
        return None
    return kept_response(cache, kept, language, request.method, request.if_none_match,
                         lambda summary: draw_scans(cache, section, summary, language))


def render_batch_page(batch: Batch) -> Response:
    """Record the scan and answer with the page of a batch."""
    return serve_page(batch.public_token)


def serve_page(token: str) -> Response:
    """Record the scan (GET only) and answer with the page of a token's batch: the kept copy while it is fresh,
    else drawn from the lot's kept facts (one read), gathered and kept first when there are none."""
    cache = page_cache()
    buffer = cache.scan_buffer = held_scans()
    section = cache.section
    language = str(get_locale())
    key = (token, request.path, language)
    kept = cache.get(key) if section is not None else None

    def draw(summary: scans.ScanSummary) -> str:
        return draw_scans(cache, section, summary, language)

    # A kept page is checked against the data version; a page never kept skips that read (`facts.read` has it).
    if kept is not None and kept.current(cache.version.read(), public_cache.now()):
        return kept_response(cache, kept, language, request.method, request.if_none_match, draw)
    found = facts.read(token)  # the lot, its scans, its kept facts and the data version, read together
    if found is None:
        body, status = not_found()
        return Response(body, status=status, mimetype="text/html")
    buffer.seed(found.batch_id, found.scans, found.first_scan)
    stamp = {"data_version": found.data_version, "unit": found.unit, "quantity": str(found.quantity),
             "checked": found.checked}
    if kept is not None and kept.fresh(found.generation, found.checked, public_cache.now()):  # stamp, no drawing
        kept = dataclasses.replace(kept, **stamp)
        cache.put(key, kept)
        return kept_response(cache, kept, language, request.method, request.if_none_match, draw)
    generation = found.generation
    if found.facts is not None:
        view = facts.loaded(found)
    else:
        view = facts.gather(token)
        generation = facts.keep(view, found.data_version)
    view = complete(view, verification=found.verification)
    batch = view.batch
    summary, at = this_scan(buffer, found.batch_id, found.unit, found.quantity, request.method)
    site = batch.origin_site
    first = view.origins[0] if view.origins else site  # the map marks where the largest share started
    html = render_template(
        "public/batch.html", view=view, batch=batch, product=batch.product, origin=batch.origin_party, site=site,
        area=area_map(first.latitude, first.longitude), scans=summary, languages=LANGUAGE_NAMES,
        origins_shown=ORIGINS_SHOWN, collapse_after=STEPS_BEFORE_COLLAPSE,
    )
    if at is not None:  # recorded once the page is drawn: a failure before answers another way, and records there
        buffer.add(found.batch_id, at, language)
    parts = public_cache.split(html, draw(summary)) if section is not None else None
    if parts is None:
        return page_response(html, None)
    tag = public_cache.etag(key, generation, found.data_version, found.checked)
    page = public_cache.Page(found.batch_id, generation, *parts, tag,
                             public_cache.now(), **stamp)
    cache.put(key, page)
    return page_response(html, page.etag)


@bp.route("/t/<token>")
def batch_page(token: str):
    """Show the public page of the batch a QR code names."""
    if not is_public_token(token):
        return not_found()
    return serve_page(token)


def _size() -> int:
    raw = request.args.get("size", str(qr.DEFAULT_SIZE))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not qr.MIN_SIZE <= int(raw) <= qr.MAX_SIZE:
        abort(400)
    return int(raw)


def encoded_url(batch: Batch) -> str:
    """Return the URL a batch's QR code encodes, as the label setting chooses."""
    return qr.configured_url(batch, current_app.config)


@bp.route("/t/<token>/qr.svg")
def qr_svg(token: str):
    """Serve the batch's QR code as SVG."""
    batch = batch_by_token(token)
    if batch is None:
        return not_found()
    return immutable_response(current_app.extensions["qr_codes"].svg(encoded_url(batch)), "image/svg+xml")


@bp.route("/t/<token>/qr.png")
def qr_png(token: str):
    """Serve the batch's QR code as PNG, `size` pixels per module (1 to 20)."""
    size = _size()
    batch = batch_by_token(token)
    if batch is None:
        return not_found()
    return immutable_response(current_app.extensions["qr_codes"].png(encoded_url(batch), size), "image/png")
