"""Schemas of shipments and transformations."""

from __future__ import annotations

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates

from supply.i18n import N_
from supply.identifiers import is_valid_lot_code
from supply.models.custody import SHIPMENT_STATUSES
from supply.models.custody import TRANSFORMATION_KINDS
from supply.schemas.batch import BatchSchema
from supply.schemas.common import BaseSchema
from supply.schemas.common import EventTime
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import PlainDecimal
from supply.schemas.common import Quantity
from supply.schemas.common import Trimmed
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import temperature
from supply.schemas.common import text
from supply.units import UNITS


def lot_field(**kwargs) -> Trimmed:
    """A lot code as sent by a client (checked against the database by the service)."""
    return Trimmed(validate=validate.Length(min=1, max=20, error=N_("Not a lot code.")), **kwargs)


def bounded_list(schema, low: int, high: int, **kwargs) -> fields.List:
    """A list of nested items with a bounded length."""
    return fields.List(fields.Nested(schema), validate=validate.Length(
        min=low, max=high, error=N_("Give between {min} and {max} items.")), **kwargs)


class ShipmentLineInSchema(BaseSchema):
    """A batch and the quantity sent."""

    lot = lot_field(required=True)
    quantity = Quantity(required=True)
    unit = choice(tuple(UNITS), load_default=None, allow_none=True)


class ShipmentCreateSchema(BaseSchema):
    """A shipment from one of your sites to another party."""

    from_site = code_field(required=True)
    to_party = code_field(required=True)
    to_site = code_field(load_default=None, allow_none=True)
    lines = bounded_list(ShipmentLineInSchema, 1, 500, required=True)
    carrier = text(100)
    vehicle_plate = text(20)
    departed_at = EventTime(load_default=None, allow_none=True)
    doc_number = text(60)
    set_point = temperature()


class ReceiveLineSchema(BaseSchema):
    """What arrived of one batch, and why anything is missing."""

    lot = lot_field(required=True)
    received = Quantity(required=True, allow_zero=True)
    loss_reason = text(200)


class ReceiveSchema(BaseSchema):
    """The receipt of a shipment; lines left out arrived complete."""

    site = code_field(required=True)
    received_at = EventTime(load_default=None, allow_none=True)
    lines = bounded_list(ReceiveLineSchema, 0, 500, load_default=list)
    temperature_min = temperature()
    temperature_max = temperature()


class CancelSchema(BaseSchema):
    """Why a shipment is cancelled."""

    reason = text(200)


class ShipmentLineSchema(BaseSchema):
    """A line of a shipment."""

    lot = fields.Function(lambda line: line.batch.lot_code)
    quantity = Quantity()
    unit = fields.String()
    received = Quantity(allow_none=True)
    loss = Quantity(allow_none=True)
    loss_reason = fields.String()


class ShipmentSchema(BaseSchema):
    """A shipment with its lines."""

    code = fields.String()
    status = fields.String()
    sender = fields.Function(lambda s: s.sender.code)
    from_site = fields.Function(lambda s: s.from_site.code)
    receiver = fields.Function(lambda s: s.receiver.code)
    to_site = fields.Function(lambda s: s.to_site.code if s.to_site_id else None)
    carrier = fields.String()
    vehicle_plate = fields.String()
    departed_at = LocalDateTime()
    received_at = LocalDateTime(allow_none=True)
    doc_number = fields.String()
    set_point = PlainDecimal(allow_none=True)
    lines = fields.List(fields.Nested(ShipmentLineSchema))


class ShipmentFilterSchema(PageQuerySchema):
    """Filters of the shipment lists."""

    direction = choice(("incoming", "outgoing"))
    status = choice(SHIPMENT_STATUSES)
    party = code_field()


class TransformationInputSchema(BaseSchema):
    """An input lot and the quantity used (left out: all that is on hand at the site)."""

    lot = lot_field(required=True)
    quantity = Quantity(load_default=None, allow_none=True)


class TransformationOutputSchema(BaseSchema):
    """A new lot made by the transformation."""

    lot_code = lot_field(load_default=None, allow_none=True)
    product = code_field(load_default=None, allow_none=True)
    quantity = Quantity(required=True)
    unit = choice(tuple(UNITS), load_default=None, allow_none=True)
    field_name = text(100)
    notes = text(2000)

    @validates("lot_code")
    def _check_lot_code(self, value: str | None, **kwargs) -> None:
        # The same rule as a registered lot: the code goes into GS1 barcodes and Digital Link addresses.
        if value and not is_valid_lot_code(value):
            raise ValidationError(
                N_("Use 1 to 20 characters of the GS1 set: letters, digits and !\"%&'()*+,-./:;<=>?_ (no spaces).")
            )


class TransformationSchema(BaseSchema):
    """A merge, split, grade and pack, repack, slaughter, cut or planting at one of your sites."""

    kind = choice(TRANSFORMATION_KINDS, required=True)
    site = code_field(required=True)
    time = EventTime(load_default=None, allow_none=True)
    inputs = bounded_list(TransformationInputSchema, 1, 500, required=True)
    outputs = bounded_list(TransformationOutputSchema, 0, 200, load_default=list)
    loss = Quantity(load_default=None, allow_none=True, allow_zero=True)
    loss_reason = text(200)
    doc_number = text(60)


class TransformationResultSchema(BaseSchema):
    """What a transformation recorded."""

    event_id = fields.String()
    kind = fields.String()
    outputs = fields.List(fields.Nested(BatchSchema))
    planting = fields.String(allow_none=True)
