"""Recalls: the lots a recall reaches, what was recovered or destroyed of each, and the notices sent."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import SmallIntegerField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.batch import Batch
from supply.models.fields import QuantityField
from supply.models.party import Party
from supply.models.user import User

RECALL_LEVELS = (1, 2, 3)
RECALL_STATUSES = ("open", "closed")
RECALL_RELATIONS = ("root", "upstream", "downstream")
NOTICE_CHANNELS = ("phone", "sms", "letter", "visit", "public_notice")


class Recall(BaseModel):
    """A recall opened by an inspector on a lot, with its level, reason and deadlines (stored in UTC)."""

    code = CharField(max_length=20, unique=True)
    batch = ForeignKeyField(Batch, backref="recalls", on_delete="RESTRICT")
    level = SmallIntegerField()
    reason = TextField()
    area = TextField(default="")
    status = CharField(max_length=8, default="open", index=True)
    opened_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    opened_at = DateTimeField(default=utcnow, index=True)
    start_by = DateTimeField()
    finish_by = DateTimeField()
    closed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    closed_at = DateTimeField(null=True)
    closing_note = TextField(default="")


class RecallLot(BaseModel):
    """A lot a recall reaches: quantities distributed (to other parties), recovered and destroyed."""

    recall = ForeignKeyField(Recall, backref="lots", on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, backref="recall_lines", on_delete="RESTRICT")
    relation = CharField(max_length=10)
    depth = IntegerField(default=0)
    quantity = QuantityField()
    distributed = QuantityField(default=0)
    recovered = QuantityField(default=0)
    destroyed = QuantityField(default=0)
    unit = CharField(max_length=12)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("recall", "batch"), True),)


class RecallNotice(BaseModel):
    """A notice of a recall sent to a party holding or having received affected lots."""

    recall = ForeignKeyField(Recall, backref="notices", on_delete="RESTRICT")
    party = ForeignKeyField(Party, on_delete="RESTRICT")
    channel = CharField(max_length=16)
    sent_at = DateTimeField()
    note = TextField(default="")
    sent_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
