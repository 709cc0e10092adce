"""Signing in to the pages: the session user and the decorators that guard views."""

from __future__ import annotations

import functools

from flask import current_app
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from peewee import JOIN

from supply.i18n import N_
from supply.models import Party
from supply.models import User
from supply.services.accounts.throttle import DELAY_AFTER
from supply.services.accounts.throttle import LOCK_AFTER
from supply.services.accounts.throttle import LOCK_MINUTES
from supply.services.accounts.throttle import SignInThrottle
from supply.services.errors import Forbidden


def load_session_user() -> None:
    """Put the signed-in user (or None) on `g.user` for this request."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None or request.path.startswith(("/api/", "/static/")):
        return
    user = (
        User.select(User, Party)
        .join(Party, JOIN.LEFT_OUTER, on=(User.party == Party.id))
        .where(User.id == user_id, User.active == True)  # noqa: E712
        .get_or_none()
    )
    if user is not None and session.get("pw") == user.password_hash[-12:]:
        g.user = user


def log_in(user: User) -> None:
    """Start a session for the user (a password change ends older sessions)."""
    session.clear()
    session["user_id"] = user.id
    session["pw"] = user.password_hash[-12:]
    session.permanent = True


def log_out() -> None:
    """End the session."""
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
