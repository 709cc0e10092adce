"""Signing in to the pages: the session user and the decorators that guard views."""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlparse

from flask import current_app
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext

from supply import mail
from supply.i18n import N_
from supply.models import User
from supply.services.accounts import credentials
from supply.services.accounts import sessions
from supply.services.accounts import two_factor
from supply.services.accounts.throttle import DELAY_AFTER
from supply.services.accounts.throttle import LOCK_AFTER
from supply.services.accounts.throttle import LOCK_MINUTES
from supply.services.accounts.throttle import SignInThrottle
from supply.services.errors import Forbidden


def load_session_user() -> None:
    """Put the signed-in user (or None) on `g.user` for this request, from the session kept on the server."""
    g.user = g.session_id = None
    raw = session.get("sid")
    if raw is None or request.path.startswith(("/api/", "/static/")):
        return
    config = current_app.config
    found = sessions.resume(raw, datetime.timedelta(minutes=config.get("SESSION_IDLE_MINUTES", 30)),
                            datetime.timedelta(hours=config.get("SESSION_MAX_HOURS", 12)))
    if found is None:
        session.clear()  # ended: signed out, idle, too old, or its password changed
        return
    g.user, g.session_id = found


def log_in(user: User) -> None:
    """Start a session for the user, kept on the server; the cookie carries only its random key."""
    session.clear()
    session["sid"] = sessions.start(user, request.remote_addr)
    session.permanent = True


def log_out() -> None:
    """End the session, on the server too: a copy of the cookie opens nothing after."""
    sessions.end(session.get("sid"))
    session.clear()


def signin_throttle() -> SignInThrottle:
    """Return the app's sign-in throttle (SIGNIN_DELAY_AFTER, SIGNIN_LOCK_AFTER, SIGNIN_LOCK_MINUTES and
    RATELIMIT_STORAGE_URI settings: memory for the embedded default, redis:// for several processes or hosts)."""
    throttle = current_app.extensions.get("signin_throttle")
    if throttle is None:
        config = current_app.config
        throttle = current_app.extensions["signin_throttle"] = SignInThrottle(
            config.get("RATELIMIT_STORAGE_URI", "memory://"), config.get("SIGNIN_DELAY_AFTER", DELAY_AFTER),
            config.get("SIGNIN_LOCK_AFTER", LOCK_AFTER), config.get("SIGNIN_LOCK_MINUTES", LOCK_MINUTES))
    return throttle


def safe_next(target: str | None) -> str:
    """Return a local path to go on to after signing in (never another site), else the home page."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("auth.home")


# Pages a user who must turn on two-factor sign-in may still open.
BEFORE_TWO_FACTOR = frozenset({"two_factor.setup", "auth.logout", "auth.switch_language", "static"})


def require_two_factor_setup():
    """Send an inspector or admin without two-factor sign-in to turn it on, when the deployment requires it."""
    user = g.get("user")
    if (user is None or user.totp_secret or request.endpoint in BEFORE_TWO_FACTOR
            or not two_factor.required_for(user, current_app.config.get("REQUIRE_TWO_FACTOR", False))):
        return None
    return redirect(url_for("two_factor.setup"))


def login_required(view):
    """Send anonymous visitors to the login page."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped


def roles_required(*roles: str):
    """Allow only users of the given roles (403 for the others)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(**kwargs):
            if g.user.role not in roles:
                raise Forbidden(N_("Your role may not open this page."))
            return view(**kwargs)

        return wrapped

    return decorator


def send_reset_link(email: str) -> None:
    """Mail a one-time link to set a new password to the active account of an e-mail, if there is one (in the
    current language); say nothing either way."""
    made = credentials.request_reset(email)
    if made is None:
        return
    user, raw = made
    link = current_app.config["PUBLIC_BASE_URL"] + url_for("credentials.reset", token=raw)
    body = gettext("Someone asked to set a new password for your account %(email)s.\n\nOpen this link within an hour "
                   "to choose one (it works once):\n%(link)s\n\nIf it was not you, ignore this message: your password "
                   "stays as it is.", email=user.email, link=link)
    mail.send(current_app.config, user.email, gettext("Set a new password"), body)
