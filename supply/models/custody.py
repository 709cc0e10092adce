"""Who holds how much of a batch where, the genealogy edges, shipments and idempotent requests."""

from __future__ import annotations

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import DecimalField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.batch import Batch
from supply.models.event import Event
from supply.models.fields import QuantityField
from supply.models.party import Party
from supply.models.party import Site
from supply.models.user import User

TRANSFORMATION_KINDS = ("merge", "split", "grade_pack", "repack", "slaughter", "cut", "planting")


class ShipmentStatus:
    """The statuses a shipment is stored with (stored words: renaming one needs a migration)."""

    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    CANCELLED = "cancelled"


SHIPMENT_STATUSES = (ShipmentStatus.IN_TRANSIT, ShipmentStatus.RECEIVED, ShipmentStatus.CANCELLED)


class Holding(BaseModel):
    """The quantity of a batch one party has on hand at one site (a lot may be spread over several holders)."""

    batch = ForeignKeyField(Batch, backref="holdings", on_delete="RESTRICT")
    party = ForeignKeyField(Party, backref="holdings", on_delete="RESTRICT")
    site = ForeignKeyField(Site, backref="holdings", on_delete="RESTRICT")
    on_hand = QuantityField(default=0)

    class Meta:
        indexes = ((("batch", "party", "site"), True), (("party", "site"), False))


class BatchLink(BaseModel):
    """A genealogy edge: `quantity` of `parent` went into `child` by `event` (a transformation or a planting).

    `retracted` is derived state: set when the event is declared in error, so traces leave the edge out.
    """

    parent = ForeignKeyField(Batch, backref="child_links", on_delete="RESTRICT")
    child = ForeignKeyField(Batch, backref="parent_links", on_delete="RESTRICT")
    event = ForeignKeyField(Event, backref="links", on_delete="RESTRICT")
    kind = CharField(max_length=12)
    quantity = QuantityField(null=True)
    unit = CharField(max_length=12, default="")
    retracted = BooleanField(default=False)

    class Meta:
        indexes = ((("parent", "child"), False), (("child", "parent"), False))


class Planting(BaseModel):
    """Seedlings of a lot planted at a site; berries harvested there later name it as their source."""

    code = CharField(max_length=20, unique=True)
    event = ForeignKeyField(Event, on_delete="RESTRICT")
    party = ForeignKeyField(Party, on_delete="RESTRICT")
    site = ForeignKeyField(Site, backref="plantings", on_delete="RESTRICT")
    planted_on = DateTimeField()
    retracted = BooleanField(default=False)


class Shipment(BaseModel):
    """Batches sent from a site of one party to another party; received once, or cancelled before that."""

    code = CharField(max_length=20, unique=True)
    sender = ForeignKeyField(Party, backref="shipments_out", on_delete="RESTRICT")
    from_site = ForeignKeyField(Site, on_delete="RESTRICT")
    receiver = ForeignKeyField(Party, backref="shipments_in", on_delete="RESTRICT")
    to_site = ForeignKeyField(Site, null=True, on_delete="RESTRICT")
    carrier = CharField(max_length=100, default="")
    vehicle_plate = CharField(max_length=20, default="")
    departed_at = DateTimeField(index=True)
    doc_number = CharField(max_length=60, default="")
    set_point = DecimalField(max_digits=5, decimal_places=1, null=True)
    status = CharField(max_length=12, default=ShipmentStatus.IN_TRANSIT, index=True)
    dispatch_event = ForeignKeyField(Event, on_delete="RESTRICT")
    close_event = ForeignKeyField(Event, null=True, on_delete="RESTRICT")
    received_at = DateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class ShipmentLine(BaseModel):
    """One batch on a shipment: sent, received and lost quantities."""

    shipment = ForeignKeyField(Shipment, backref="lines", on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, backref="shipment_lines", on_delete="RESTRICT")
    quantity = QuantityField()
    unit = CharField(max_length=12)
    received = QuantityField(null=True)
    loss = QuantityField(null=True)
    loss_reason = CharField(max_length=200, default="")


class IdempotencyKey(BaseModel):
    """The first response to a POST sent with an Idempotency-Key, replayed to retries of the same request."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    key = CharField(max_length=100)
    method = CharField(max_length=8)
    path = CharField(max_length=300)
    request_hash = CharField(max_length=64)
    status = IntegerField()
    body = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "key"), True),)

