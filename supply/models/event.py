"""The append-only event log (GS1 EPCIS 2.0 / CBV 2.0) and the genealogy edges it produces."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import JSONField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.batch import Batch
from supply.models.fields import QuantityField
from supply.models.party import Party
from supply.models.party import Site
from supply.models.user import User

EVENT_TYPES = ("ObjectEvent", "TransformationEvent", "AggregationEvent")
DECLARATION_REASONS = ("did_not_occur", "incorrect_data")
LINE_ROLES = ("object", "input", "output")


class Event(BaseModel):
    """One event about batches; never updated or deleted.

    `content_hash` is the SHA-256 of the event's canonical content with its lines; `chain_hash` adds
    the previous chain hash of every batch the event touches, so each batch's history is a hash chain.
    An error declaration is an event of its own that names the event it declares (`declares`).
    """

    event_id = CharField(max_length=45, unique=True)
    event_type = CharField(max_length=20)
    action = CharField(max_length=8, null=True)
    biz_step = CharField(max_length=24, index=True)
    disposition = CharField(max_length=24, null=True)
    event_time = DateTimeField(index=True)
    event_tz = CharField(max_length=6, default="+08:00")
    record_time = DateTimeField(default=utcnow)
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    party = ForeignKeyField(Party, backref="events", on_delete="RESTRICT")
    site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
    doc_type = CharField(max_length=20, default="")
    doc_number = CharField(max_length=60, default="")
    data = JSONField(default=dict)
    declares = ForeignKeyField("self", null=True, backref="declarations", on_delete="RESTRICT")
    declaration_reason = CharField(max_length=16, null=True)
    content_hash = CharField(max_length=64)
    chain_hash = CharField(max_length=64, unique=True)

    class Meta:
        # A party's events in the order they were recorded: the EPCIS query interface's pages and subscriptions.
        indexes = ((("party", "id"), False),)


class EventBatch(BaseModel):
    """A batch an event touches, in a role (object, input, output), with the quantity involved."""

    event = ForeignKeyField(Event, backref="lines", on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, backref="event_lines", on_delete="RESTRICT")
    role = CharField(max_length=8)
    quantity = QuantityField(null=True)
    unit = CharField(max_length=12, default="")
    prev_hash = CharField(max_length=64, default="")

    class Meta:
        indexes = ((("batch", "event"), False), (("event", "batch", "role"), True))
