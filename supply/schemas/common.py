"""Fields and base classes shared by every schema."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from decimal import InvalidOperation

from marshmallow import RAISE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from supply.clock import LOCAL_TZ
from supply.clock import local_today
from supply.clock import to_local
from supply.i18n import N_
from supply.units import MAX_QUANTITY
from supply.units import QUANTITY_PLACES
from supply.units import QUANTITY_STEP

CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$"
# Control characters other than tab and line breaks (PostgreSQL refuses NUL), and lone UTF-16 surrogates
# (a JSON "\ud800" escape), which no database can store.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A number written as text: ASCII digits only (Decimal also reads "1_000" and full-width digits), or the
# special values, which marshmallow refuses with its own message.
NUMBER_TEXT = re.compile(r"\s*(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|[+-]?s?nan|[+-]?inf(?:inity)?)\s*",
                         re.ASCII | re.IGNORECASE)


class BaseSchema(Schema):
    """Refuse unknown fields; `partial = True` in Meta makes a schema of changes (output keeps declared order)."""

    class Meta:
        unknown = RAISE

    def __init__(self, *args, **kwargs) -> None:
        # marshmallow reads `partial` only as an argument, never from Meta.
        kwargs.setdefault("partial", getattr(self.Meta, "partial", None))
        super().__init__(*args, **kwargs)


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


class Text(fields.String):
    """A string a database can store: no control characters but tab and line breaks, no lone surrogates."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if UNSTORABLE.search(result):
            raise ValidationError(N_("Contains control characters or invalid Unicode."))
        return result


class Trimmed(Text):
    """A string with surrounding whitespace removed."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.strip()


def check_number_text(value) -> None:
    """Refuse a number sent as text unless written with ASCII digits (or as a special value)."""
    if isinstance(value, str) and (len(value) > 40 or not NUMBER_TEXT.fullmatch(value)):
        raise ValidationError(N_("Not a valid number."))


class Quantity(fields.Decimal):
    """A positive decimal quantity with at most three decimal places, never a float."""

    def __init__(self, allow_zero: bool = False, **kwargs) -> None:
        super().__init__(allow_nan=False, **kwargs)
        self.allow_zero = allow_zero

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or isinstance(value, float):
            raise ValidationError(N_("Not a valid number."))
        check_number_text(value)
        try:
            result = super()._deserialize(value, attr, data, **kwargs)
        except InvalidOperation as exc:
            raise ValidationError(N_("Not a valid number.")) from exc
        if result < 0 or (result == 0 and not self.allow_zero):
            raise ValidationError(N_("Must not be negative.") if self.allow_zero else N_("Must be greater than 0."))
        if result > MAX_QUANTITY:
            raise ValidationError(N_("Must be at most 100,000,000."))
        if -result.as_tuple().exponent > QUANTITY_PLACES and result != result.quantize(QUANTITY_STEP):
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

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError(N_("Not a valid number."))
        check_number_text(value)
        return super()._deserialize(value, attr, data, **kwargs)

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

    code = fields.Integer(required=True, metadata={"example": 422})
    status = fields.String(required=True, metadata={"example": "Unprocessable Entity"})
    message = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages by field name."},
    )
    type = fields.String(metadata={"description": "EPCIS interface errors only: the EPCIS exception type.",
                                   "example": "epcisException:QueryParameterException"})
    title = fields.String(metadata={"description": "EPCIS interface errors only: the EPCIS exception name.",
                                    "example": "QueryParameterException"})


def not_in_future(value: datetime.date) -> None:
    """Refuse a date after today in Asia/Shanghai."""
    if value > local_today():
        raise ValidationError(N_("The date may not be in the future."))


# The offsets in use on Earth run from -12:00 to +14:00 in whole quarter hours (+05:45 Nepal, +08:45 Eucla).
OFFSET_RANGE = (datetime.timedelta(hours=-12), datetime.timedelta(hours=14))
OFFSET_STEP = datetime.timedelta(minutes=15)
ZERO = datetime.timedelta(0)
# A written offset after the time of day ("T08:00+25:00"), read before parsing so it gets its own message.
WRITTEN_OFFSET = re.compile(r"[T ]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?([+-])(\d{2}):?(\d{2})?$")
BAD_OFFSET = N_("Not a real time zone offset: use one from -12:00 to +14:00, such as +08:00.")


def check_offset(text: str, value: datetime.datetime | None = None) -> None:
    """Refuse a time whose UTC offset no place uses (+25:00, +08:61, +13:37, offsets with seconds)."""
    written = WRITTEN_OFFSET.search(text)
    if written and (int(written[2]) > 14 or int(written[3] or 0) >= 60):
        raise ValidationError(BAD_OFFSET)
    offset = value.utcoffset() if value is not None else None
    if offset is not None and not (OFFSET_RANGE[0] <= offset <= OFFSET_RANGE[1] and offset % OFFSET_STEP == ZERO):
        raise ValidationError(BAD_OFFSET)


class EventTime(fields.AwareDateTime):
    """An ISO 8601 time; without an offset it is read as Asia/Shanghai. Not more than a day ahead.

    `ahead` is how far past now the time may lie (a day: a client's clock or time zone a little off).
    """

    def __init__(self, ahead: datetime.timedelta = datetime.timedelta(days=1), **kwargs) -> None:
        super().__init__(default_timezone=LOCAL_TZ, **kwargs)
        self.ahead = ahead

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError(N_("Not a valid datetime."))
        if isinstance(value, str):
            check_offset(value)
        result = super()._deserialize(value, attr, data, **kwargs)
        check_offset("", result)
        try:
            result.astimezone(datetime.UTC)  # year 1 at +14:00 falls before the calendar's first day in UTC
        except OverflowError as exc:
            raise ValidationError(N_("Out of range.")) from exc
        if result - datetime.datetime.now(datetime.UTC) > self.ahead:
            raise ValidationError(N_("The time may not be in the future."))
        return result


def temperature(**kwargs) -> PlainDecimal:
    """A temperature in degrees Celsius with one decimal, between -60 and 60."""
    return PlainDecimal(
        load_default=None, allow_none=True, allow_nan=False, places=1,
        validate=validate.Range(min=-60, max=60, error=N_("Out of range.")), **kwargs,
    )
