"""Signing in with an email and a password, for the pages and the API alike: throttled, then checked, then logged.

The throttle is asked first (supply.services.accounts.throttle), so a refused attempt never computes a password
hash. Every failure goes to the audit log with the address it came from, and so does the failure that locks an
account or an address.
"""

from __future__ import annotations

from supply.i18n import N_
from supply.models import User
from supply.services.accounts.throttle import SignInThrottle
from supply.services.accounts.two_factor import WRONG_CODE
from supply.services.accounts.two_factor import code_ok
from supply.services.accounts.users import check_credentials
from supply.services.audit.writes import log
from supply.services.errors import ServiceError


class BadCredentials(ServiceError):
    """The email or password is wrong."""

    status = 401


def sign_in(throttle: SignInThrottle, email: str, password: str, address: str | None) -> User:
    """Return the user of these credentials; raise TooManyAttempts (429) or BadCredentials (401)."""
    throttle.require_allowed(email, address)
    user = check_credentials(email, password)
    if user is None:
        locked = throttle.failed(email, address)
        key = email.strip().lower()[:254]
        log(None, "auth.failed", None, {"email": key, "address": address}, table="app_user", key=key)
        if locked:
            log(None, "auth.locked", None, {"email": key, "address": address}, table="app_user", key=key)
        raise BadCredentials(N_("Wrong email or password."))
    throttle.succeeded(email)
    return user


def second_factor(throttle: SignInThrottle, user: User, one_time_password: str | None, address: str | None) -> None:
    """Check the code of a user with two-factor sign-in on, throttled and logged like a password; raise
    TooManyAttempts or BadCredentials."""
    throttle.require_allowed(user.email, address)
    if not code_ok(user, one_time_password or ""):
        locked = throttle.failed(user.email, address)
        log(user, "auth.failed_code", user, {"address": address})
        if locked:
            log(user, "auth.locked", user, {"address": address})
        raise BadCredentials(WRONG_CODE)
