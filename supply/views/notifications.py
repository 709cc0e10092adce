"""The inbox of notifications (with its unread count in the header) and each user's choices of how to be told."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext

from supply.auth import login_required
from supply.locales import translate_errors
from supply.services.errors import ServiceError
from supply.services.notifications import inbox as notifications
from supply.services.notifications.kinds import KINDS
from supply.services.notifications.text import text_of
from supply.services.webhooks import settings as webhook_settings
from supply.views.pages import FORM_ERROR_STATUS

bp = Blueprint("notifications", __name__)


def unread() -> int:
    """The signed-in user's unread notifications (0 for visitors)."""
    return notifications.unread_count(g.user) if g.get("user") is not None else 0


@bp.record_once
def _globals(state) -> None:
    state.app.jinja_env.globals["unread_notifications"] = unread


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def index():
    """List the user's notifications, newest first; the form marks them all read."""
    if request.method == "POST":
        notifications.mark_read(g.user)
        return redirect(url_for("notifications.index"))
    language = str(get_locale())
    shown = [(n, *text_of(n, language)) for n in notifications.inbox(g.user).limit(100)]
    return render_template("notifications/index.html", shown=shown)


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Choose, per kind, whether to be told by mail and by webhook, and where the webhook is."""
    errors, secret, status = {}, None, 200
    if request.method == "POST":
        kinds = {kind: {"mail": f"{kind}.mail" in request.form, "webhook": f"{kind}.webhook" in request.form}
                 for kind in KINDS}
        try:
            saved = notifications.save_settings(g.user, kinds, request.form.get("webhook_url", "").strip(),
                                                webhook_settings.from_config(current_app.config).allow_private)
            secret = saved.get("webhook_secret")
        except ServiceError as exc:
            errors, status = translate_errors(dict(exc.errors)), FORM_ERROR_STATUS
    current = notifications.settings_of(g.user)
    if errors:
        current["webhook_url"] = request.form.get("webhook_url", "")
    titles = {kind: gettext(title) for kind, (title, _) in KINDS.items()}
    return render_template("notifications/settings.html", current=current, titles=titles, errors=errors,
                           secret=secret, saved=request.method == "POST" and not errors), status
