"""Changing one's own password, and setting a new one through a one-time link sent by e-mail.

A change needs the current password and ends every other session of the user (their API tokens stay). A reset
link is valid for an hour and once; using it ends every session and revokes every API token of the user, since
whoever knew the old password may hold either. Asking for a link answers the same whether the e-mail is known or
not, so the form tells nobody which addresses have accounts.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from werkzeug.security import check_password_hash

from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import PasswordReset
from supply.models import User
from supply.services.accounts import sessions
from supply.services.accounts import tokens
from supply.services.accounts.passwords import require_strong
from supply.services.accounts.users import hash_password
from supply.services.audit.writes import audited
from supply.services.audit.writes import log
from supply.services.errors import Invalid

RESET_LIFE = datetime.timedelta(hours=1)
LINK_GONE = N_("This link has expired or was used already: ask for a new one.")


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@audited("account.password", actor="user")
def change_password(user: User, current_password: str, new_password: str, session_id: int | None = None) -> User:
    """Set a user's own new password, the current one given; end their other sessions."""
    if not check_password_hash(user.password_hash, current_password):
        raise Invalid.field("current_password", N_("This is not your current password."))
    require_strong(new_password, user.email, user.name, field="new_password")
    with db.atomic():
        User.update(password_hash=hash_password(new_password), updated_at=utcnow()).where(User.id == user.id).execute()
        sessions.end_all(user.id, keep=session_id)
    return user


def request_reset(email: str) -> tuple[User, str] | None:
    """Make a one-time reset link key for the active user of an e-mail; None (and nothing written) when there is
    none. The caller sends the link."""
    user = User.get_or_none(User.email == email.strip().lower(), User.active == True)  # noqa: E712
    if user is None:
        return None
    raw = secrets.token_urlsafe(32)
    with db.atomic():
        PasswordReset.create(user=user, key_hash=_digest(raw), expires_at=utcnow() + RESET_LIFE)
        log(user, "account.reset_requested", user)
    return user, raw


def reset_user(link_token: str) -> User:
    """Return the user of a live reset link key; raise Invalid when it expired, was used or never existed."""
    row = _live(link_token)
    return row.user


def _live(link_token: str) -> PasswordReset:
    row = (PasswordReset.select(PasswordReset, User).join(User)
           .where(PasswordReset.key_hash == _digest(link_token or ""), PasswordReset.used_at.is_null(),
                  PasswordReset.expires_at > utcnow(), User.active == True)  # noqa: E712
           .get_or_none()) if link_token and len(link_token) <= 100 else None
    if row is None:
        raise Invalid.field("link", LINK_GONE)
    return row


@audited("account.reset")
def reset_password(actor: None, link_token: str, new_password: str) -> User:
    """Set a new password through a live reset link; the link is spent, every session and API token ended."""
    with db.atomic():
        row = _live(link_token)
        user = row.user
        require_strong(new_password, user.email, user.name, field="new_password")
        spent = (PasswordReset.update(used_at=utcnow())
                 .where(PasswordReset.id == row.id, PasswordReset.used_at.is_null()).execute())
        if not spent:  # used by a request racing this one
            raise Invalid.field("link", LINK_GONE)
        User.update(password_hash=hash_password(new_password), updated_at=utcnow()).where(User.id == user.id).execute()
        sessions.end_all(user.id)
        tokens.revoke_all(user.id)
    return user
