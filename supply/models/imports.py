"""CSV imports: one job per uploaded file, with its progress, the bad rows found and what was written."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.user import User

IMPORT_KINDS = ("registrations", "shipments")
IMPORT_STATUSES = ("queued", "validating", "writing", "done", "failed")
ACTIVE_STATUSES = ("queued", "validating", "writing")


class ImportJob(BaseModel):
    """An upload of harvest registrations or shipments, checked row by row and then written all or nothing.

    `errors` lists every bad row as {line, field, message} (line 1 is the header row, as a spreadsheet counts);
    `result` says what was written; `rows_done` counts the rows of the current phase (checked, then written).
    """

    public_id = CharField(max_length=32, unique=True)
    user = ForeignKeyField(User, backref="imports", on_delete="CASCADE")
    kind = CharField(max_length=16)
    filename = CharField(max_length=200, default="")
    status = CharField(max_length=12, default="queued", index=True)
    total_rows = IntegerField(default=0)
    rows_done = IntegerField(default=0)
    errors = JSONField(default=list)
    message = CharField(max_length=300, default="")
    result = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)


class ImportUpload(BaseModel):
    """The rows of a file waiting for the queue's worker (PostgreSQL), deleted in the transaction that finishes its job.

    `rows` holds each CSV row as {line, values}; while this row exists the queue still owes the job a run, so the job
    is never taken for one that lost its process.
    """

    job = ForeignKeyField(ImportJob, primary_key=True, backref="upload", on_delete="CASCADE")
    rows = JSONField()
