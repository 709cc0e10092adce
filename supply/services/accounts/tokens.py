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
from supply.services.accounts.signin import sign_in
from supply.services.accounts.throttle import SignInThrottle
from supply.services.audit.writes import audited
from supply.services.errors import Forbidden
from supply.services.errors import NotFound

TOKEN_PREFIX = "xn_"
# Writing last_used_at on every call would make each read a write; a minute is precise enough.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(throttle: SignInThrottle, email: str, password: str, name: str = "",
                address: str | None = None) -> tuple[str, ApiToken]:
    """Exchange credentials for a new token (throttled like the login page); return the secret (shown once) and
    its record."""
    return create_token(sign_in(throttle, email, password, address), name)


@audited("tokens.create", actor="user")
def create_token(user: User, name: str = "") -> tuple[str, ApiToken]:
    """Create a token for a user already identified; return the secret (shown once) and its record."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.atomic():
        token = ApiToken.create(user=user, name=name, token_hash=_digest(raw), prefix=raw[:8])
    return raw, token


def user_for_token(raw: str) -> User | None:
    """Return the active user of an unrevoked token, noting when it was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.select(ApiToken, User)
        .join(User)
        .where(ApiToken.token_hash == _digest(raw), ApiToken.revoked_at.is_null(), User.active == True)  # noqa: E712
        .get_or_none()
    )
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
    return token.user


def list_tokens(actor: User):
    """Return the query of the actor's own tokens, newest first."""
    return ApiToken.select().where(ApiToken.user == actor).order_by(ApiToken.id.desc())


@audited("tokens.revoke")
def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (admins may revoke anyone's)."""
    with db.atomic():
        token = ApiToken.get_or_none(ApiToken.id == token_id)
        if token is None:
            raise NotFound(N_("No token with this id."))
        if token.user_id != actor.id and actor.role != "admin":
            raise Forbidden(N_("This token belongs to another user."))
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            token.save()
        return token
