"""API tokens: issued for a password, stored only as a hash, revocable, with last-used time."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import ApiToken
from supply.models import User
from supply.services.accounts.signin import second_factor
from supply.services.accounts.signin import sign_in
from supply.services.accounts.throttle import SignInThrottle
from supply.services.accounts.two_factor import required_for
from supply.services.audit.writes import audited
from supply.services.errors import Forbidden
from supply.services.errors import NotFound
from supply.services.errors import Unauthorized

TOKEN_PREFIX = "xn_"
DAYS = 90  # a new token's life unless asked otherwise
# Writing last_used_at on every call would make each read a write; a minute is precise enough.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(throttle: SignInThrottle, email: str, password: str, name: str = "", address: str | None = None,
                days: int = DAYS, read_only: bool = False, one_time_password: str | None = None,
                two_factor_required: bool = False) -> tuple[str, ApiToken]:
    """Exchange credentials for a new token (throttled like the login page; the authenticator's code too when the
    user signs in with two factors); return the secret (shown once) and its record."""
    user = sign_in(throttle, email, password, address)
    if user.totp_secret:
        second_factor(throttle, user, one_time_password, address)
    elif required_for(user, two_factor_required):
        raise Forbidden(N_("Turn on two-factor sign-in on your account page first."))
    return create_token(user, name, days, read_only)


@audited("tokens.create", actor="user")
def create_token(user: User, name: str = "", days: int = DAYS, read_only: bool = False) -> tuple[str, ApiToken]:
    """Create a token for a user already identified, valid for `days` (read-only: it may not write); return the
    secret (shown once) and its record."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.atomic():
        token = ApiToken.create(user=user, name=name, token_hash=_digest(raw), prefix=raw[:8],
                                expires_at=utcnow() + datetime.timedelta(days=days), read_only=read_only)
    return raw, token


def token_for(raw: str, writing: bool) -> ApiToken:
    """Return the unrevoked token of an active user (with its user), noting when it was last used; raise
    Unauthorized when there is none or it expired, Forbidden when a read-only token is used to write."""
    token = None
    if raw.startswith(TOKEN_PREFIX) and len(raw) <= 100:
        token = (
            ApiToken.select(ApiToken, User)
            .join(User)
            .where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_null(),
                   User.active == True)  # noqa: E712
            .get_or_none()
        )
    if token is None:
        raise Unauthorized(N_("Send a valid token as 'Authorization: Bearer <token>'."))
    now = utcnow()
    if token.expires_at is not None and token.expires_at <= now:
        raise Unauthorized(N_("This API token has expired: create a new one."))
    if writing and token.read_only:
        raise Forbidden(N_("This API token is read-only: it may not change anything."))
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
    return token


def revoke_all(user_id: int) -> int:
    """Revoke every live token of a user (a password reset); return how many."""
    return (ApiToken.update(revoked_at=utcnow())
            .where(ApiToken.user == user_id, ApiToken.revoked_at.is_null()).execute())


def list_tokens(actor: User):
    """Return the query of the actor's own tokens, newest first."""
    return ApiToken.select().where(ApiToken.user == actor).order_by(ApiToken.id.desc())


@audited("tokens.revoke")
def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (admins may revoke anyone's)."""
    with db.atomic():
        token = ApiToken.get_or_none(ApiToken.id == token_id)
        if token is None or (token.user_id != actor.id and actor.role != "admin"):
            raise NotFound(N_("No token with this id."))  # another's token: as if it did not exist
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            token.save()
        return token
