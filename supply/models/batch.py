"""Batches (lots): a quantity of one product that starts at a site and moves along the chain."""

from __future__ import annotations

from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.identifiers import PUBLIC_TOKEN_MAX_LENGTH
from supply.models.fields import QuantityField
from supply.models.party import Party
from supply.models.party import Site
from supply.models.product import Product
from supply.models.user import User


class BatchStatus:
    """The statuses a batch is stored with (stored words: renaming one needs a migration)."""

    ACTIVE = "active"
    IN_TRANSIT = "in_transit"
    CONSUMED = "consumed"
    ON_HOLD = "on_hold"
    RECALLED = "recalled"


BATCH_STATUSES = (BatchStatus.ACTIVE, BatchStatus.IN_TRANSIT, BatchStatus.CONSUMED, BatchStatus.ON_HOLD,
                  BatchStatus.RECALLED)


class Batch(BaseModel):
    """A lot with its registration data and its current derived state.

    `holder`, `site`, `on_hand`, `in_transit` and `status` are derived from the event log and are
    only changed in the same transaction as the event that changes them; `chain_head` is the chain
    hash of the batch's latest event.
    """

    lot_code = CharField(max_length=20, unique=True)
    public_token = CharField(max_length=PUBLIC_TOKEN_MAX_LENGTH, unique=True)
    product = ForeignKeyField(Product, backref="batches", on_delete="RESTRICT")
    origin_party = ForeignKeyField(Party, backref="originated", on_delete="RESTRICT")
    origin_site = ForeignKeyField(Site, backref="originated", on_delete="RESTRICT")
    quantity = QuantityField()
    unit = CharField(max_length=12)
    produced_on = DateField(index=True)
    field_name = CharField(max_length=100, default="")
    ear_tag = CharField(max_length=15, null=True, index=True)
    notes = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow, index=True)
    holder = ForeignKeyField(Party, backref="holding", on_delete="RESTRICT")
    site = ForeignKeyField(Site, backref="holding", null=True, on_delete="RESTRICT")
    on_hand = QuantityField()
    in_transit = QuantityField(default=0)
    status = CharField(max_length=12, default=BatchStatus.ACTIVE, index=True)
    chain_head = CharField(max_length=64, default="")
