"""Schemas of recalls: opening one, tracking its lots and notices, closing it, and a mock recall's report."""

from __future__ import annotations

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from supply.i18n import N_
from supply.models.recall import NOTICE_CHANNELS
from supply.models.recall import RECALL_LEVELS
from supply.models.recall import RECALL_STATUSES
from supply.schemas.common import BaseSchema
from supply.schemas.common import EventTime
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import Quantity
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import text
from supply.schemas.custody import lot_field


class Level(fields.Integer):
    """A whole number sent as a JSON integer or as digits (a form); never 1.5 read as 1, nor true as 1."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(N_("The level is 1, 2 or 3."))
        return super()._deserialize(value, attr, data, **kwargs)


def level_field(**kwargs) -> Level:
    """A recall level: 1, 2 or 3."""
    return Level(validate=validate.OneOf(RECALL_LEVELS, error=N_("The level is 1, 2 or 3.")), **kwargs)


class RecallOpenSchema(BaseSchema):
    """A recall to open on a lot."""

    lot = lot_field(required=True)
    level = level_field(required=True)
    reason = text(2000, required=True)
    area = text(500)


class MockRecallSchema(BaseSchema):
    """A lot to rehearse a recall on (the level only adds the deadlines it would have)."""

    lot = lot_field(required=True)
    level = level_field(load_default=None, allow_none=True)


class RecallLotUpdateSchema(BaseSchema):
    """What was recovered and destroyed of one lot (either or both), in the lot's unit."""

    recovered = Quantity(allow_zero=True, load_default=None, allow_none=True)
    destroyed = Quantity(allow_zero=True, load_default=None, allow_none=True)


class NoticeSchema(BaseSchema):
    """A notice of the recall sent to a party."""

    party = code_field(required=True)
    channel = choice(NOTICE_CHANNELS, required=True)
    sent_at = EventTime(load_default=None, allow_none=True)
    note = text(1000)


class CloseSchema(BaseSchema):
    """How the recall ended."""

    note = text(2000, required=True)


class RecallFilterSchema(PageQuerySchema):
    """Filters of the recall list."""

    status = choice(RECALL_STATUSES)


class RecallLotSchema(BaseSchema):
    """A lot of a recall with what was distributed, recovered and destroyed of it."""

    lot = fields.Function(lambda line: line.batch.lot_code)
    product = fields.Function(lambda line: line.batch.product.code)
    relation = fields.String()
    depth = fields.Integer()
    quantity = Quantity()
    unit = fields.String()
    distributed = Quantity()
    recovered = Quantity()
    destroyed = Quantity()


class NoticeOutSchema(BaseSchema):
    """A notice sent."""

    party = fields.Function(lambda notice: notice.party.code)
    channel = fields.String()
    sent_at = LocalDateTime()
    note = fields.String()


class HolderLotSchema(BaseSchema):
    """What a party has or received of one lot."""

    lot = fields.String()
    unit = fields.String()
    on_hand = Quantity()
    received = Quantity()
    in_transit = Quantity()


class HolderSchema(BaseSchema):
    """A party holding or having received recalled lots, with contacts (inspectors and admins only)."""

    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    kind = fields.String()
    county = fields.String()
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    lots = fields.List(fields.Nested(HolderLotSchema))


class RecallSummarySchema(BaseSchema):
    """A recall in the list."""

    code = fields.String()
    lot = fields.Function(lambda recall: recall.batch.lot_code)
    level = fields.Integer()
    reason = fields.String()
    area = fields.String()
    status = fields.String()
    opened_at = LocalDateTime()
    start_by = LocalDateTime()
    finish_by = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)


class RecallSchema(RecallSummarySchema):
    """A recall with its lots, holders and notices."""

    closing_note = fields.String()
    lots = fields.List(fields.Nested(RecallLotSchema))
    holders = fields.List(fields.Nested(HolderSchema))
    notices = fields.List(fields.Nested(NoticeOutSchema))


class ScopeLotSchema(BaseSchema):
    """A lot a mock recall reaches."""

    lot = fields.String()
    product = fields.Function(lambda lot: lot.product.code)
    relation = fields.String()
    depth = fields.Integer()
    quantity = Quantity()
    unit = fields.String()
    distributed = Quantity()
    on_hand = Quantity()
    status = fields.String()


class BalanceSchema(BaseSchema):
    """The mass balance of a lot: in (produced) = out (used) + on hand + in transit + loss."""

    relation = fields.String()
    lot = fields.String()
    unit = fields.String()
    produced = Quantity()
    used = Quantity()
    on_hand = Quantity()
    in_transit = Quantity()
    loss = Quantity()
    received = Quantity()
    shipped = Quantity()
    difference = fields.Function(lambda row: format(row["difference"].normalize(), "f"))
    balanced = fields.Boolean()


class MockRecallReportSchema(BaseSchema):
    """What a mock recall found, and how long it took."""

    lot = fields.String()
    level = fields.Integer(allow_none=True)
    milliseconds = fields.Float()
    start_by = LocalDateTime(allow_none=True)
    finish_by = LocalDateTime(allow_none=True)
    area = fields.String()
    lots = fields.List(fields.Nested(ScopeLotSchema))
    holders = fields.List(fields.Nested(HolderSchema))
    balance = fields.List(fields.Nested(BalanceSchema))
