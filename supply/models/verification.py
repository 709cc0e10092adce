"""When each lot's hash chain was last checked, and what the check found."""

from __future__ import annotations

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField

from supply.db import BaseModel
from supply.models.batch import Batch


class LotVerification(BaseModel):
    """The last check of one lot's hash chain: when (UTC), intact or not, and where it broke.

    Every batch has its row from the moment it is inserted (a trigger of migration 0010), `verified_at` None until
    the first check. A write that appends an event checks the chains it extends and records them here
    (`supply.services.custody.verification`); the verifier re-checks the lots least recently verified first
    (`supply.services.custody.verifier`). The scan page shows this record and never checks on its own.
    `problem` ("content", "link" or "head") and `broken_at` (the event's URN, when one is to blame) are None
    while the chain is intact.
    """

    batch = ForeignKeyField(Batch, primary_key=True, backref="verification", on_delete="CASCADE")
    verified_at = DateTimeField(null=True)
    intact = BooleanField(null=True)
    problem = CharField(max_length=8, null=True)
    broken_at = CharField(max_length=45, null=True)

    class Meta:
        # The verifier's round: never-verified lots by id, then the oldest checks first.
        indexes = ((("verified_at", "batch"), False),)
