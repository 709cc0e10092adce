"""Schemas of batches."""

from __future__ import annotations

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates
from marshmallow import validates_schema

from supply.clock import LOCAL_TZ
from supply.i18n import N_
from supply.identifiers import is_valid_ear_tag
from supply.identifiers import is_valid_lot_code
from supply.models.batch import BATCH_STATUSES
from supply.schemas.common import ZERO
from supply.schemas.common import BaseSchema
from supply.schemas.common import EventTime
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import Quantity
from supply.schemas.common import Trimmed
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import not_in_future
from supply.schemas.common import text
from supply.units import CATEGORIES
from supply.units import UNITS


class BatchCreateSchema(BaseSchema):
    """A batch registered at its starting site."""

    lot_code = fields.String(load_default=None, allow_none=True)
    product = code_field(required=True)
    site = code_field(required=True)
    quantity = Quantity(required=True)
    unit = choice(tuple(UNITS), load_default=None, allow_none=True)
    produced_on = fields.Date(
        load_default=None, validate=not_in_future,
        metadata={"description": "The harvest, birth or production day; may be left out when produced_at is given."},
    )
    produced_at = EventTime(
        ahead=ZERO, load_default=None, allow_none=True,
        metadata={"description": "When it was harvested, born or produced, with its offset (+08:00 when none is "
                                 "written); the commissioning event's eventTime."},
    )
    field_name = text(100)
    ear_tag = Trimmed(load_default=None, allow_none=True)
    notes = text(2000)
    source_lots = fields.List(
        Trimmed(validate=validate.Length(min=1, max=20, error=N_("Not a lot code."))),
        load_default=list,
        validate=validate.Length(max=50, error=N_("At most {max} source lots.")),
        metadata={"description": "Lots this batch comes from (seedlings, parent animals)."},
    )
    planting = Trimmed(
        load_default=None, allow_none=True, validate=validate.Length(max=20, error=N_("At most {max} characters.")),
        metadata={"description": "Code of the planting at this site the harvest comes from."},
    )

    @validates("lot_code")
    def _check_lot_code(self, value: str | None, **kwargs) -> None:
        # Empty means "not given": a code is generated (see _lot_code_empty).
        if value and not is_valid_lot_code(value):
            raise ValidationError(
                N_("Use 1 to 20 characters of the GS1 set: letters, digits and !\"%&'()*+,-./:;<=>?_ (no spaces).")
            )

    @validates("ear_tag")
    def _check_ear_tag(self, value: str | None, **kwargs) -> None:
        if value and not is_valid_ear_tag(value):
            raise ValidationError(N_("An ear tag is 15 digits: species code, county code and serial number."))

    @validates_schema
    def _lot_code_empty(self, data: dict, **kwargs) -> None:
        if data.get("lot_code") == "":
            data["lot_code"] = None

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _production_day(self, data: dict, original: dict, **kwargs) -> None:
        # A date alone stands for its day; a time gives the day in Beijing time, and both must then agree.
        given = {name for name in ("produced_on", "produced_at") if original.get(name) not in (None, "")}
        if not given:
            raise ValidationError(N_("Missing data for required field."), "produced_on")
        moment, day = data.get("produced_at"), data.get("produced_on")
        if moment is None:
            return
        local_day = moment.astimezone(LOCAL_TZ).date()
        if "produced_on" not in given:
            data["produced_on"] = local_day
        elif day is not None and day != local_day:
            raise ValidationError(N_("Not the day of the production time in Beijing time."), "produced_on")


class BatchUpdateSchema(BaseSchema):
    """What may still be changed on a batch after registration."""

    field_name = text(100, load_default=None)
    notes = text(2000, load_default=None)


class BatchSchema(BaseSchema):
    """A batch with its current state."""

    lot_code = fields.String()
    public_token = fields.String()
    product = fields.Function(lambda b: b.product.code)
    product_name = fields.Function(lambda b: b.product.name)
    product_name_en = fields.Function(lambda b: b.product.name_en)
    category = fields.Function(lambda b: b.product.category)
    origin_party = fields.Function(lambda b: b.origin_party.code)
    origin_site = fields.Function(lambda b: b.origin_site.code)
    quantity = Quantity()
    unit = fields.String()
    produced_on = fields.Date()
    field_name = fields.String()
    ear_tag = fields.String(allow_none=True)
    notes = fields.String()
    holder = fields.Function(lambda b: b.holder.code)
    on_hand = Quantity()
    in_transit = Quantity()
    status = fields.String()
    created_at = LocalDateTime()


class BatchFilterSchema(PageQuerySchema):
    """Filters of the batch list."""

    product = code_field()
    category = choice(CATEGORIES)
    party = code_field()
    site = code_field()
    status = choice(BATCH_STATUSES)
    date_from = fields.Date()
    date_to = fields.Date()
    q = text(40, load_default=None)

    @validates_schema
    def _check_range(self, data: dict, **kwargs) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(N_("The end date is before the start date."), "date_to")


class ChainReportSchema(BaseSchema):
    """The outcome of a hash-chain check."""

    intact = fields.Boolean()
    events_checked = fields.Integer()
    event_id = fields.String(allow_none=True, metadata={"description": "The first event that does not match."})
    problem = fields.String(
        allow_none=True, metadata={"description": "content, link or head: what did not match."}
    )
