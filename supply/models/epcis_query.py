"""EPCIS 2.0 named queries of a party and the subscriptions that push their new events to a webhook."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.party import Party
from supply.models.user import User
from supply.models.webhooks import WebhookEndpoint


class EpcisQuery(BaseModel):
    """A query saved under a name (unique per party): its EPCIS query parameters, each a list of strings."""

    party = ForeignKeyField(Party, null=True, on_delete="CASCADE")
    owner = ForeignKeyField(User, on_delete="CASCADE")
    name = CharField(max_length=60)
    params = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("party", "name"), True),)


class EpcisSubscription(BaseModel):
    """A named query's new events pushed to a webhook, read with the permissions of the user who subscribed;
    `last_event_id` is the newest event already considered."""

    public_id = CharField(max_length=32, unique=True)
    query = ForeignKeyField(EpcisQuery, backref="subscriptions", on_delete="CASCADE")
    owner = ForeignKeyField(User, on_delete="CASCADE")  # whose permissions choose the events sent
    endpoint = ForeignKeyField(WebhookEndpoint, on_delete="CASCADE")
    last_event_id = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
