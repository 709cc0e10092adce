"""Inspections, test results and the holds a failing result puts on batches."""

from __future__ import annotations

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import DecimalField
from peewee import ForeignKeyField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.batch import Batch
from supply.models.party import Party
from supply.models.party import Site
from supply.models.user import User

INSPECTION_KINDS = ("site_visit", "sampling")
INSPECTION_OUTCOMES = ("satisfactory", "unsatisfactory", "pending")
TEST_KINDS = ("pesticide_rapid", "seedling_virus", "quarantine")


class Inspection(BaseModel):
    """A visit by an inspector to a party's site, possibly sampling a batch."""

    kind = CharField(max_length=16)
    party = ForeignKeyField(Party, backref="inspections", on_delete="RESTRICT")
    site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, null=True, backref="inspections", on_delete="RESTRICT")
    inspector = ForeignKeyField(User, on_delete="RESTRICT")
    inspecting_party = ForeignKeyField(Party, null=True, on_delete="RESTRICT")
    inspected_at = DateTimeField(index=True)
    outcome = CharField(max_length=16, default="pending")
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class TestResult(BaseModel):
    """One laboratory or rapid test of a batch (pesticide residue, seedling virus, quarantine)."""

    __test__ = False  # not a pytest class

    batch = ForeignKeyField(Batch, backref="tests", on_delete="RESTRICT")
    inspection = ForeignKeyField(Inspection, null=True, backref="tests", on_delete="RESTRICT")
    kind = CharField(max_length=16, index=True)
    method = CharField(max_length=60, default="")
    analyte = CharField(max_length=60, default="")
    value = DecimalField(max_digits=14, decimal_places=4, null=True)
    value_unit = CharField(max_length=16, default="")
    passed = BooleanField()
    kit_lot = CharField(max_length=40, default="")
    operator = CharField(max_length=60, default="")
    lab = ForeignKeyField(Party, null=True, on_delete="RESTRICT")
    tested_at = DateTimeField(index=True)
    notes = TextField(default="")
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class Hold(BaseModel):
    """A hold on a batch and everything made from it, until an inspector releases it with a reason."""

    batch = ForeignKeyField(Batch, backref="holds", on_delete="RESTRICT")
    test_result = ForeignKeyField(TestResult, null=True, backref="holds", on_delete="RESTRICT")
    reason = TextField(default="")
    opened_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    opened_at = DateTimeField(default=utcnow, index=True)
    released_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    released_at = DateTimeField(null=True)
    release_reason = TextField(default="")


class HoldBatch(BaseModel):
    """A batch a hold covers: the held batch itself and every lot downstream of it."""

    hold = ForeignKeyField(Hold, backref="batches", on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, backref="hold_lines", on_delete="RESTRICT")

    class Meta:
        indexes = ((("hold", "batch"), True),)
