"""Two-factor sign-in: a time-based one-time password (TOTP, RFC 6238, by `pyotp`) from an authenticator app,
asked after the password, and ten one-time recovery codes for a lost phone.

Those who decide (inspectors and admins) must turn it on when the deployment requires it
(`SUPPLY_REQUIRE_TWO_FACTOR=1`); anyone may turn it on. A code is accepted within one 30-second step either way
(a phone's clock a little off); a recovery code is spent when used.
"""

from __future__ import annotations

import hashlib
import secrets

import pyotp

from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import RecoveryCode
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.errors import Conflict
from supply.services.errors import Invalid

DECIDING_ROLES = ("inspector", "admin")
ISSUER = "Xining traceability"
RECOVERY_CODES = 10
WRONG_CODE = N_("This code is not right: give the 6 digits your authenticator app shows now, or a recovery code.")


def required_for(user: User, required: bool) -> bool:
    """Tell whether this user must have two-factor sign-in on (the deployment requires it of their role)."""
    return required and user.role in DECIDING_ROLES


def new_secret() -> str:
    """A fresh TOTP secret (base32), to show to the user until they confirm it with a code."""
    return pyotp.random_base32()


def setup_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def _app_code_ok(secret: str, one_time_password: str) -> bool:
    code = one_time_password.strip().replace(" ", "")
    return code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def code_ok(user: User, one_time_password: str) -> bool:
    """Tell whether a code from the user's authenticator app, or one of their unused recovery codes (spent now),
    is right."""
    if not user.totp_secret or not one_time_password or len(one_time_password) > 40:
        return False
    if _app_code_ok(user.totp_secret, one_time_password):
        return True
    return bool(RecoveryCode.update(used_at=utcnow())
                .where(RecoveryCode.user == user.id, RecoveryCode.code_hash == _digest(one_time_password),
                       RecoveryCode.used_at.is_null()).execute())


@audited("account.two_factor_on", actor="user")
def turn_on(user: User, secret: str, one_time_password: str) -> list[str]:
    """Turn two-factor sign-in on with a secret the user's app now holds (proved by a code from it); return the
    recovery codes, shown once."""
    if user.totp_secret:
        raise Conflict(N_("Two-factor sign-in is on already."))
    if not _app_code_ok(secret, one_time_password or ""):
        raise Invalid.field("one_time_password", WRONG_CODE)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    with db.atomic():
        User.update(totp_secret=secret, updated_at=utcnow()).where(User.id == user.id).execute()
        RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
        RecoveryCode.insert_many([{"user": user.id, "code_hash": _digest(code)} for code in codes]).execute()
    user.totp_secret = secret
    return codes


@audited("account.two_factor_off", actor="user")
def turn_off(user: User, one_time_password: str, required: bool = False) -> User:
    """Turn two-factor sign-in off, a current code given; refused when the deployment requires it of the role."""
    if required_for(user, required):
        raise Conflict(N_("Your role must sign in with two factors here; it cannot be turned off."))
    if not code_ok(user, one_time_password):
        raise Invalid.field("one_time_password", WRONG_CODE)
    with db.atomic():
        User.update(totp_secret=None, updated_at=utcnow()).where(User.id == user.id).execute()
        RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
    user.totp_secret = None
    return user
