"""Two-factor sign-in on the pages: the code asked after the password, and the page that turns it on or off."""

from __future__ import annotations

import time

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext

from supply.auth import log_in
from supply.auth import login_required
from supply.auth import safe_next
from supply.auth import signin_throttle
from supply.locales import translate_message
from supply.models import User
from supply.services.accounts import two_factor
from supply.services.accounts.signin import BadCredentials
from supply.services.accounts.signin import second_factor
from supply.services.accounts.throttle import TooManyAttempts
from supply.services.errors import ServiceError
from supply.services.public.qr import svg_unkept

bp = Blueprint("two_factor", __name__)
PENDING_SECONDS = 300  # the password step holds for five minutes
PENDING, SETUP = "pending_2fa", "setup_2fa"


def ask_code(user: User, next_url: str | None):
    """After a right password: remember who is halfway signed in, and ask for the code."""
    session.clear()
    session[PENDING] = {"user": user.id, "at": time.time(), "next": next_url or ""}
    return redirect(url_for("two_factor.code"))


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step of signing in: the authenticator app's code, or a recovery code."""
    pending = session.get(PENDING) or {}
    user = User.get_or_none(User.id == pending.get("user"), User.active == True)  # noqa: E712
    if user is None or time.time() - pending.get("at", 0) > PENDING_SECONDS or not user.totp_secret:
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    errors, status, headers = {}, 200, {}
    if request.method == "POST":
        try:
            second_factor(signin_throttle(), user, request.form.get("one_time_password", ""), request.remote_addr)
        except TooManyAttempts as exc:
            status, headers = exc.status, {"Retry-After": str(exc.retry_after)}
            errors["one_time_password"] = [translate_message(exc.message)]
        except BadCredentials as exc:
            status, errors["one_time_password"] = exc.status, [translate_message(exc.message)]
        else:
            log_in(user)
            return redirect(safe_next(pending.get("next")))
    return render_template("auth/code.html", errors=errors), status, headers


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def setup():
    """Turn two-factor sign-in on (scan the code, confirm with a code from the app) or off (with a code)."""
    user, errors, status, codes = g.user, {}, 200, None
    required = two_factor.required_for(user, current_app.config["REQUIRE_TWO_FACTOR"])
    if request.method == "POST":
        try:
            if user.totp_secret:
                two_factor.turn_off(user, request.form.get("one_time_password", ""),
                                    current_app.config["REQUIRE_TWO_FACTOR"])
                flash(gettext("Two-factor sign-in is off."))
                return redirect(url_for("auth.account"))
            codes = two_factor.turn_on(user, session.get(SETUP, ""), request.form.get("one_time_password", ""))
            session.pop(SETUP, None)
            status = 201
        except ServiceError as exc:
            errors = {name: [translate_message(m) for m in messages] for name, messages in exc.errors.items()} or {
                "one_time_password": [translate_message(exc.message)]}
            status = exc.status
    picture = None
    if not user.totp_secret:
        secret = session.get(SETUP) or session.setdefault(SETUP, two_factor.new_secret())
        uri = two_factor.setup_uri(user, secret)
        picture = svg_unkept(uri).decode()
        session[SETUP] = secret
    else:
        secret = uri = None
    return render_template("auth/two_factor.html", errors=errors, codes=codes, secret=secret, uri=uri,
                           picture=picture, required=required), status, {"Cache-Control": "no-store"}
