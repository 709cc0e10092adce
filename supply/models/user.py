"""Users of the service and their API tokens."""

from __future__ import annotations

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.party import Party

ROLES = ("admin", "producer", "operator", "inspector")


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
