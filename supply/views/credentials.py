"""One's own password: change it (signed in), or set a new one through a link sent by e-mail (forgotten)."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from supply.auth import log_in
from supply.auth import login_required
from supply.auth import send_reset_link
from supply.locales import translate_message
from supply.schemas.user import PasswordChangeSchema
from supply.schemas.user import PasswordForgotSchema
from supply.schemas.user import PasswordResetSchema
from supply.services.accounts import credentials
from supply.services.errors import ServiceError
from supply.views.forms import form_payload
from supply.views.forms import submit

bp = Blueprint("credentials", __name__)
FIELDS = ("current_password", "new_password", "email")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change():
    """Change one's own password; the other sessions end."""
    result = None
    if request.method == "POST":
        result = submit(PasswordChangeSchema(), form_payload(request.form, FIELDS),
                        lambda data: credentials.change_password(g.user, data["current_password"],
                                                                 data["new_password"], g.session_id))
        if result.ok:
            flash(gettext("Your password is changed. Your other sessions are signed out."))
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", result=result), 422 if result else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    """Send a one-time link to set a new password; the answer is the same for any e-mail."""
    result = None
    if request.method == "POST":
        result = submit(PasswordForgotSchema(), form_payload(request.form, FIELDS),
                        lambda data: send_reset_link(data["email"]))
        if result.ok:
            flash(gettext("If this e-mail belongs to an account, a link to set a new password is on its way. "
                          "It works once, within an hour."))
            return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", result=result), 422 if result else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Set a new password through a one-time link; every session and API token of the account ends."""
    try:
        user = credentials.reset_user(token)
    except ServiceError as exc:
        return render_template("auth/reset.html", gone=translate_message(exc.message), result=None), 404
    result = None
    if request.method == "POST":
        result = submit(PasswordResetSchema(), form_payload(request.form, FIELDS),
                        lambda data: credentials.reset_password(None, token, data["new_password"]))
        if result.ok:
            log_in(user)
            flash(gettext("Your new password is set. Every other session and API token of your account has ended."))
            return redirect(url_for("auth.home"))
    return render_template("auth/reset.html", gone=None, result=result, email=user.email), 422 if result else 200
