"""The installable app of the field: its manifest, the service worker, and the outbox page.

The service worker keeps the staff pages a user opened (network first, the copy when there is no network); the
outbox (static/outbox.js) keeps on the phone the main forms sent without a network and sends them with their
one-time keys when it returns. What the outbox holds lives in the phone's storage, so the outbox page is a shell
the script fills.
"""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import send_from_directory
from flask_babel import gettext

from supply.auth import login_required

bp = Blueprint("offline", __name__)


@bp.route("/sw.js")
def service_worker():
    """Serve the service worker from the root, so that it may keep every staff page."""
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """Describe the app a phone installs: its name in the user's language, its icons, where it opens."""
    response = jsonify({
        "name": gettext("Xining Produce Trace"),
        "short_name": gettext("Produce Trace"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d6b3a",
        "icons": [{"src": f"/static/icons/app-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
                  for size in (192, 512)],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/outbox")
@login_required
def outbox():
    """List what this phone keeps to send, what was refused and why, and what it sent."""
    return render_template("offline/outbox.html")
