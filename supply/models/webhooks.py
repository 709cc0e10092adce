"""Webhooks: endpoints we POST signed JSON to, and each delivery with its attempts (the delivery log)."""

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
from supply.models.party import Party

DELIVERY_STATUSES = ("pending", "delivered", "failed")


class WebhookEndpoint(BaseModel):
    """A URL of a party's that receives our POSTs, each signed with the endpoint's secret (HMAC-SHA256)."""

    party = ForeignKeyField(Party, null=True, on_delete="CASCADE")
    url = CharField(max_length=2000)
    secret = CharField(max_length=64)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


class WebhookDelivery(BaseModel):
    """One body to POST to an endpoint, tried until answered 2xx or out of attempts.

    `attempts_log` lists every try as {at, status (HTTP status or null), error}; `next_attempt_at` is when the
    next try is due (a sender claims a delivery by moving it forward, so two senders never post it twice at once).
    """

    public_id = CharField(max_length=32, unique=True)
    endpoint = ForeignKeyField(WebhookEndpoint, backref="deliveries", on_delete="CASCADE")
    topic = CharField(max_length=100, default="")
    body = TextField()
    status = CharField(max_length=10, default="pending")
    attempts = IntegerField(default=0)
    attempts_log = JSONField(default=list)
    next_attempt_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)
