"""The query of a QR code image: pixels per module, bounded."""

from __future__ import annotations

from marshmallow import fields
from marshmallow import validate

from supply.schemas.common import BaseSchema
from supply.services.public.qr import DEFAULT_SIZE
from supply.services.public.qr import MAX_SIZE
from supply.services.public.qr import MIN_SIZE


class QrSizeSchema(BaseSchema):
    """`size`: pixels per module of a PNG QR code."""

    size = fields.Integer(load_default=DEFAULT_SIZE, strict=False, validate=validate.Range(MIN_SIZE, MAX_SIZE))
