"""Replay a season's groups through the schemas and services, exactly as the API would record them."""

from __future__ import annotations

from bench.plan import Group
from bench.plan import Op
from supply.db import db
from supply.models import User
from supply.schemas.batch import BatchCreateSchema
from supply.schemas.custody import ReceiveSchema
from supply.schemas.custody import ShipmentCreateSchema
from supply.schemas.custody import TransformationSchema
from supply.services.custody.batches import register_batch
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from supply.services.custody.transformations import transform


class ServiceReplay:
    """Send each operation through its schema and service; shipment and planting codes are the services' own."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.codes: dict[int, str] = {}
        self.schemas = {"register": BatchCreateSchema(), "ship": ShipmentCreateSchema(), "receive": ReceiveSchema(),
                        "transform": TransformationSchema()}

    def run(self, op: Op) -> None:
        """Record one operation."""
        body = dict(op.body)
        if op.action == "register" and op.ref is not None:
            body["planting"] = self.codes[op.ref]
        data = self.schemas[op.action].load(body)
        if op.action == "register":
            register_batch(self.actor, data)
        elif op.action == "ship":
            self.codes[op.ref] = create_shipment(self.actor, data).code
        elif op.action == "receive":
            receive_shipment(self.actor, self.codes.pop(op.ref), data)
        else:
            result = transform(self.actor, data)
            if result["planting"] is not None:
                self.codes[op.ref] = result["planting"].code

    def group(self, group: Group) -> None:
        """Record a group's operations in one transaction (each service call nests a savepoint in it)."""
        with db.atomic():
            for op in group.ops:
                self.run(op)

    def finish(self) -> None:
        """Nothing is buffered: every group is written when it is replayed."""
