"""Notifications: what the service tells a user (kept for the inbox, sent by mail and webhook in the background),
and what each user chose to receive how. Webhooks go through the shared webhooks package (supply.models.webhooks)."""

from __future__ import annotations

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.user import User
from supply.models.webhooks import WebhookDelivery
from supply.models.webhooks import WebhookEndpoint


class Notification(BaseModel):
    """One thing told to one user: its kind and the values its message is written with (in the reader's language
    when shown), where it leads, and how far its mail and webhook got. `key` keeps a reminder from being told twice.

    Its mail is `pending` (to send, at `next_try_at`), `sent`, `failed` (given up after the last try) or `off` (the
    user does not want it by mail); its webhook, when the user wants one, is a delivery of the webhooks package."""

    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=32)
    params = JSONField(default=dict)
    link = CharField(max_length=300, default="")
    key = CharField(max_length=100)
    created_at = DateTimeField(default=utcnow, index=True)
    read_at = DateTimeField(null=True)
    mail_state = CharField(max_length=8, default="pending", index=True)
    webhook = ForeignKeyField(WebhookDelivery, null=True, on_delete="SET NULL")
    tries = IntegerField(default=0)
    next_try_at = DateTimeField(default=utcnow, index=True)
    last_error = TextField(default="")

    class Meta:
        indexes = ((("user", "key"), True), (("user", "read_at"), False))


class NotificationSetting(BaseModel):
    """A user's choice for one kind of notification (no row: everything on)."""

    user = ForeignKeyField(User, backref="notification_settings", on_delete="CASCADE")
    kind = CharField(max_length=32)
    by_mail = BooleanField(default=True)
    by_webhook = BooleanField(default=True)

    class Meta:
        indexes = ((("user", "kind"), True),)


class NotificationHook(BaseModel):
    """The webhook endpoint a user's notifications are also POSTed to (signed with the endpoint's secret)."""

    user = ForeignKeyField(User, backref="notification_hook", on_delete="CASCADE", unique=True)
    endpoint = ForeignKeyField(WebhookEndpoint, on_delete="CASCADE")
