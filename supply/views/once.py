"""Never twice: every page form carries a one-time key, so a double tap or a retried POST writes once.

The key is drawn when the form is drawn (`form_key()`, in the `csrf()` form macro). A POST that carries it runs
through the same machinery as the API's Idempotency-Key: the first successful answer is kept with its writes and
a retry of the same form gets it again (a redirect to the lot it registered, say) without writing. The key is
combined with what was sent, so a form drawn once and sent again with other values (the browser's back button, an
outbox entry edited after a refusal) is a new request, not a retry.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from flask import Flask
from flask import g
from flask import make_response
from flask import request

from supply import idempotency

FIELD = "form_key"
UNHASHED = {"csrf_token", FIELD}


def form_key() -> str:
    """Draw a one-time key for a form."""
    return secrets.token_urlsafe(16)


def _sent_hash() -> str:
    """Hash what the form sent (bar its CSRF token, which a resend from the outbox renews) and where."""
    digest = hashlib.sha256(f"{request.path}\n".encode())
    for name in sorted(set(request.form) - UNHASHED):
        for value in request.form.getlist(name):
            digest.update(f"{name}={value}\n".encode())
    for name in sorted(request.files):
        for upload in request.files.getlist(name):
            digest.update(f"{name}:{upload.filename}\n".encode())
            digest.update(upload.stream.read())
            upload.stream.seek(0)
    return digest.hexdigest()


def _once(view):
    @functools.wraps(view)
    def guarded(**kwargs):
        key = request.form.get(FIELD, "") if request.method == "POST" else ""
        user = g.get("user")
        if user is None or not idempotency.KEY_RE.match(key) or len(key) > 40:
            return view(**kwargs)
        sent = _sent_hash()
        return idempotency.run_once(user, lambda: make_response(view(**kwargs)), key=f"form:{key}:{sent[:16]}",
                                    request_hash=sent, mimetype="text/html")

    return guarded


def install(app: Flask) -> None:
    """Guard every page's POST with its form's key (the API has its header; static files take no POST)."""
    app.jinja_env.globals["form_key"] = form_key
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static" and not endpoint.startswith("api."):
            app.view_functions[endpoint] = _once(view)
