"""Fields and base classes shared by every schema."""

from __future__ import annotations

import datetime
from decimal import Decimal
from decimal import InvalidOperation

from marshmallow import RAISE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from supply.clock import local_today
from supply.clock import to_local
from supply.services.errors import N_
from supply.units import MAX_QUANTITY
from supply.units import QUANTITY_PLACES

CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$"


class BaseSchema(Schema):
    """Refuse unknown fields; order output as declared."""

    class Meta:
        unknown = RAISE
        ordered = True


def text(max_length: int, required: bool = False, **kwargs) -> fields.String:
    """A stripped string field of bounded length."""
    validators = [validate.Length(max=max_length, error=N_("At most {max} characters."))]
    if required:
        validators.append(validate.Length(min=1, error=N_("This field may not be empty.")))
    else:
        kwargs.setdefault("load_default", "")
    return Trimmed(required=required, validate=validators, **kwargs)


def code_field(**kwargs) -> fields.String:
    """A master-data code: 2 to 32 letters, digits, dot, dash or underscore."""
    return Trimmed(
        validate=validate.Regexp(CODE_RE, error=N_("Use 2 to 32 letters, digits, '.', '-' or '_'.")),
        **kwargs,
    )


def choice(choices, **kwargs) -> fields.String:
    """A string that must be one of the given choices."""
    return fields.String(validate=validate.OneOf(choices, error=N_("Not one of the allowed values.")), **kwargs)


class Trimmed(fields.String):
    """A string with surrounding whitespace removed."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.strip()


class Quantity(fields.Decimal):
    """A positive decimal quantity with at most three decimal places, never a float."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or isinstance(value, float):
            raise ValidationError(N_("Not a valid number."))
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError(N_("Not a valid number."))
        try:
            result = super()._deserialize(value, attr, data, **kwargs)
        except InvalidOperation as exc:
            raise ValidationError(N_("Not a valid number.")) from exc
        if result <= 0:
            raise ValidationError(N_("Must be greater than 0."))
        if result > MAX_QUANTITY:
            raise ValidationError(N_("Must be at most 100,000,000."))
        if -result.as_tuple().exponent > QUANTITY_PLACES and result != result.quantize(Decimal("0.001")):
            raise ValidationError(N_("At most 3 decimal places."))
        return result

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f")


class LocalDateTime(fields.DateTime):
    """A stored UTC time written out in Asia/Shanghai with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return to_local(value).isoformat(timespec="seconds")


class PlainDecimal(fields.Decimal):
    """A decimal written out as a JSON string without trailing zeros."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f")


class PageQuerySchema(BaseSchema):
    """Pagination parameters of list endpoints."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000, error=N_("Out of range.")))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100, error=N_("Out of range.")))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """Make the envelope schema of a paginated list of items."""
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
    )


class ErrorSchema(Schema):
    """The one error shape of the API."""

    code = fields.Integer(metadata={"example": 422})
    status = fields.String(metadata={"example": "Unprocessable Entity"})
    message = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages by field name."},
    )


def not_in_future(value: datetime.date) -> None:
    """Refuse a date after today in Asia/Shanghai."""
    if value > local_today():
        raise ValidationError(N_("The date may not be in the future."))
