"""Users of the service and their API tokens."""

from __future__ import annotations

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.party import Party

ROLES = ("admin", "producer", "operator", "inspector", "observer")


class User(BaseModel):
    """A person who logs in, acting for one party."""

    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=100)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=12)
    party = ForeignKeyField(Party, backref="users", null=True, on_delete="RESTRICT")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    totp_secret = CharField(max_length=64, null=True)  # two-factor sign-in on (supply.services.accounts.two_factor)

    class Meta:
        table_name = "app_user"


class ApiToken(BaseModel):
    """A named bearer token of a user, stored only as its SHA-256."""

    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    name = CharField(max_length=100, default="")
    token_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=8)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True)  # None: never (tokens made before expiry existed)
    read_only = BooleanField(default=False)


class UserSession(BaseModel):
    """A signed-in session of the pages, kept on the server: the cookie carries only its random key (stored here
    as a SHA-256), so signing out, an idle or too old session, or a password change ends it for good."""

    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    key_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    seen_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True)
    address = CharField(max_length=45, default="")


class PasswordReset(BaseModel):
    """A one-time link to set a new password, sent by e-mail: stored as a SHA-256, valid for an hour, used once."""

    user = ForeignKeyField(User, backref="password_resets", on_delete="CASCADE")
    key_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


class RecoveryCode(BaseModel):
    """A one-time code that stands in for the authenticator app once (a lost phone), stored as a SHA-256."""

    user = ForeignKeyField(User, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64, unique=True)
    used_at = DateTimeField(null=True)
