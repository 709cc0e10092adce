"""Signed-in sessions of the pages, kept on the server.

The cookie carries only a random key; the row (stored as the key's SHA-256) says who signed in, when, when last
seen and whether it ended. A session ends when its user signs out, after `idle` without a request (30 minutes by
default), `max_age` after it began (12 hours), when its user's password changes (every other session) or is reset,
and when the user is deactivated. A cookie kept from before any of these opens nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from peewee import JOIN

from supply.clock import utcnow
from supply.models import Party
from supply.models import User
from supply.models import UserSession

IDLE = datetime.timedelta(minutes=30)
MAX_AGE = datetime.timedelta(hours=12)
# Writing seen_at on every request would make each page a write; a minute is precise enough for a 30-minute rule.
SEEN_PRECISION = datetime.timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start(user: User, address: str | None = None) -> str:
    """Begin a session for a user; return its key (for the cookie, never stored)."""
    raw = secrets.token_urlsafe(32)
    UserSession.create(user=user, key_hash=_digest(raw), address=(address or "")[:45])
    return raw


def resume(raw: str | None, idle: datetime.timedelta = IDLE, max_age: datetime.timedelta = MAX_AGE
           ) -> tuple[User, int] | None:
    """Return the active user of a live session key and the session's id, noting the visit; None when there is no
    such session or it has ended (an idle or too old one is ended now)."""
    if not raw or len(raw) > 100:
        return None
    row = (
        UserSession.select(UserSession, User, Party)
        .join(User)
        .join(Party, JOIN.LEFT_OUTER, on=(User.party == Party.id))
        .where(UserSession.key_hash == _digest(raw), UserSession.ended_at.is_null(), User.active == True)  # noqa: E712
        .get_or_none()
    )
    if row is None:
        return None
    now = utcnow()
    if now - row.seen_at > idle or now - row.created_at > max_age:
        UserSession.update(ended_at=now).where(UserSession.id == row.id).execute()
        return None
    if now - row.seen_at > SEEN_PRECISION:
        UserSession.update(seen_at=now).where(UserSession.id == row.id).execute()
    return row.user, row.id


def end(raw: str | None) -> None:
    """End the session of a key (signing out)."""
    if raw:
        UserSession.update(ended_at=utcnow()).where(UserSession.key_hash == _digest(raw),
                                                    UserSession.ended_at.is_null()).execute()


def end_all(user_id: int, keep: int | None = None) -> int:
    """End every live session of a user but `keep` (a session id); return how many ended."""
    query = UserSession.update(ended_at=utcnow()).where(UserSession.user == user_id, UserSession.ended_at.is_null())
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return query.execute()
