"""Signing in and out, the language switch and the home page."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from supply.auth import log_in
from supply.auth import log_out
from supply.auth import login_required
from supply.auth import safe_next
from supply.auth import signin_throttle
from supply.i18n import LANG_COOKIE
from supply.locales import translate_message
from supply.services.accounts.signin import BadCredentials
from supply.services.accounts.signin import sign_in
from supply.services.accounts.throttle import TooManyAttempts
from supply.views.two_factor import ask_code

bp = Blueprint("auth", __name__)


@bp.route("/")
def home():
    """Send signed-in users to their work, others to the login page."""
    if g.user is None:
        return redirect(url_for("auth.login"))
    if g.user.role in ("admin", "observer", "inspector") or g.user.party_id is not None:
        return redirect(url_for("dashboards.index"))
    return redirect(url_for("batches.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    errors: dict[str, list[str]] = {}
    email = request.form.get("email", "").strip()
    status, headers = 200, {}
    if request.method == "POST":
        try:
            user = sign_in(signin_throttle(), email, request.form.get("password", ""), request.remote_addr)
        except TooManyAttempts as exc:
            status, headers = exc.status, {"Retry-After": str(exc.retry_after)}
            errors["password"] = [translate_message(exc.message)]
        except BadCredentials as exc:
            status, errors["password"] = exc.status, [translate_message(exc.message)]
        else:
            if user.totp_secret:  # the password was right: now the authenticator's code
                return ask_code(user, request.args.get("next"))
            log_in(user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", email=email, errors=errors), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out."""
    log_out()
    flash(gettext("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def switch_language(code: str):
    """Remember the chosen language in a cookie and go back."""
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.route("/account")
@login_required
def account():
    """Show who is signed in."""
    return render_template("auth/account.html")
