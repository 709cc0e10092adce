"""The headers every answer carries so that a page cannot be framed, sniffed, leak its address or run a script that
is not ours: a strict Content-Security-Policy (scripts only from our own static files, never inline), no framing,
no MIME sniffing, and the referrer kept to our own site.

Styles may be inline: the public scan page carries its few rules in the page itself so that a phone on a weak
network fetches one file. The kept scan pages answered before Flask (supply.public_fastpath) get the same headers.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
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


HSTS = "max-age=31536000; includeSubDomains"


def harden(response: Response, https: bool = False) -> Response:
    """Put the security headers on an answer (those it sets itself are kept); HSTS too when served over HTTPS."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if https:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Harden every answer Flask gives; behind `PROXY_HOPS` proxies, read the client's address and scheme from
    their X-Forwarded-* headers (werkzeug's ProxyFix)."""
    app.after_request(lambda response: harden(response, app.config.get("HTTPS", False)))


def trust_proxies(app: Flask) -> None:
    """Wrap the app in ProxyFix for its `PROXY_HOPS` proxies (outermost, so every layer sees the client)."""
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
