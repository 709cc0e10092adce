"""The headers every answer carries so that a page cannot be framed, sniffed, leak its address or run a script that
is not ours: a strict Content-Security-Policy (scripts only from our own static files, never inline), no framing,
no MIME sniffing, and the referrer kept to our own site.

Styles may be inline: the public scan page carries its few rules in the page itself so that a phone on a weak
network fetches one file. The kept scan pages answered before Flask (supply.public_fastpath) get the same headers.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def harden(response: Response) -> Response:
    """Put the security headers on an answer (those it sets itself are kept)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Harden every answer Flask gives."""
    app.after_request(harden)
