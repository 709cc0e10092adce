"""Query parameters of the EPCIS and key-data-element exports: a lot or lots, or a period of Asia/Shanghai dates."""

from __future__ import annotations

import datetime

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validates_schema

from supply.i18n import N_
from supply.identifiers import is_valid_lot_code
from supply.schemas.common import BaseSchema
from supply.schemas.common import Trimmed
from supply.schemas.common import choice
from supply.schemas.common import code_field

MAX_LOTS = 100
MAX_DAYS = 366
TRACE_CHOICES = ("up", "down", "both")
CHOOSE_ONE = N_("Choose lots, or a period with from and to.")
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)


class LotCode(Trimmed):
    """A lot code: 1 to 20 characters of the GS1 AI (10) set (a code outside it names no lot)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not is_valid_lot_code(text):
            raise ValidationError(N_("Not a lot code."))
        return text


class LotList(Trimmed):
    """Comma-separated lot codes (at most MAX_LOTS), read as a list without repeats."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > MAX_LOTS * 22:
            raise ValidationError(N_("At most 100 lots."))
        codes = [code.strip() for code in text.split(",") if code.strip()]
        if not codes:
            raise ValidationError(N_("Not a lot code."))
        if len(codes) > MAX_LOTS:
            raise ValidationError(N_("At most 100 lots."))
        if not all(is_valid_lot_code(code) for code in codes):
            raise ValidationError(N_("Not a lot code."))
        return list(dict.fromkeys(codes))


def period_field(name: str) -> fields.Date:
    """A first or last day of a period, sent as `from` or `to` (YYYY-MM-DD, Asia/Shanghai)."""
    return fields.Date(data_key=name, load_default=None, metadata={"description": f"{name}: YYYY-MM-DD"})


def check_period(data: dict) -> bool:
    """Check a period's days when any is given; tell whether one was given."""
    date_from, date_to = data.get("date_from"), data.get("date_to")
    if date_from is None and date_to is None:
        return False
    if date_from is None or date_to is None:
        missing = "from" if date_from is None else "to"
        raise ValidationError(N_("Missing data for required field."), missing)
    for name, day in (("from", date_from), ("to", date_to)):
        if not FIRST_DAY <= day <= LAST_DAY:  # beyond these, the day's bounds in UTC overflow datetime
            raise ValidationError(N_("Choose a day between 1900-01-01 and 2999-12-31."), name)
    if date_to < date_from:
        raise ValidationError(N_("The end date is before the start date."), "to")
    if (date_to - date_from).days >= MAX_DAYS:
        raise ValidationError(N_("A period is at most 366 days."), "to")
    return True


class EpcisQuerySchema(BaseSchema):
    """A lot (and optionally its genealogy: up, down or both), or a period."""

    lot = LotCode(load_default=None)
    trace = choice(TRACE_CHOICES, load_default=None,
                   metadata={"description": "With a lot: also the events of its genealogy, up, down or both."})
    date_from = period_field("from")
    date_to = period_field("to")

    @validates_schema
    def _one_selection(self, data: dict, **kwargs) -> None:
        period = check_period(data)
        if bool(data.get("lot")) == period:
            raise ValidationError(CHOOSE_ONE, "lot")
        if data.get("trace") and not data.get("lot"):
            raise ValidationError(N_("A trace starts from a lot."), "trace")


class KdeQuerySchema(BaseSchema):
    """Comma-separated lots (one lot with its trace), or a period (optionally of one product)."""

    lots = LotList(load_default=None, metadata={"description": f"Comma-separated lot codes, at most {MAX_LOTS}."})
    trace = choice(TRACE_CHOICES, load_default=None,
                   metadata={"description": "With one lot: also the rows of its genealogy, up, down or both."})
    product = code_field(load_default=None)
    date_from = period_field("from")
    date_to = period_field("to")

    @validates_schema
    def _one_selection(self, data: dict, **kwargs) -> None:
        period = check_period(data)
        if data.get("product") and not period:
            raise ValidationError(CHOOSE_ONE, "product")
        if bool(data.get("lots")) == period:
            raise ValidationError(CHOOSE_ONE, "lots")
        if data.get("trace") and len(data.get("lots") or ()) != 1:
            raise ValidationError(N_("A trace starts from a lot."), "trace")
