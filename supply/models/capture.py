"""EPCIS capture: one job per captured EPCISDocument, with its status, the bad events found and what was written."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.user import User

CAPTURE_STATUSES = ("queued", "running", "done", "failed")
ACTIVE_CAPTURE_STATUSES = ("queued", "running")


class CaptureJob(BaseModel):
    """A captured EPCIS document, checked and written event by event in one transaction: all its events or none.

    `errors` lists every bad event as {event, field, message} (`event` is the index in the document's eventList,
    null for the document as a whole); `result` says what was written (lots, shipments, transformations, events).
    """

    public_id = CharField(max_length=32, unique=True)
    user = ForeignKeyField(User, backref="captures", on_delete="CASCADE")
    status = CharField(max_length=12, default="queued", index=True)
    total_events = IntegerField(default=0)
    errors = JSONField(default=list)
    message = CharField(max_length=300, default="")
    result = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)


class CaptureDocument(BaseModel):
    """The document of a job waiting to be run, deleted in the transaction that finishes the job."""

    job = ForeignKeyField(CaptureJob, primary_key=True, backref="document", on_delete="CASCADE")
    document = JSONField()
