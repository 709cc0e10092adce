"""The audit log: every write of the service, append-only."""

from __future__ import annotations

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import JSONField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.user import User


class AuditEntry(BaseModel):
    """Who wrote what and when: the action, the record (table and key) and the values it was given.

    Rows are only ever inserted; database triggers (migration 0005) refuse updates and deletes.
    """

    at = DateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="RESTRICT")
    action = CharField(max_length=60, index=True)
    table = CharField(max_length=40, column_name="table_name")
    record_key = CharField(max_length=80, default="")
    changes = JSONField(default=dict)

    class Meta:
        indexes = ((("table", "record_key"), False),)
