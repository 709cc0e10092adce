"""Schemas of inspections, test results, holds and compliance certificates."""

from __future__ import annotations

from marshmallow import fields
from marshmallow import validate

from supply.i18n import N_
from supply.models.certification import COMPLIANCE_BASES
from supply.models.inspection import INSPECTION_KINDS
from supply.models.inspection import INSPECTION_OUTCOMES
from supply.models.inspection import TEST_KINDS
from supply.schemas.common import BaseSchema
from supply.schemas.common import EventTime
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import PlainDecimal
from supply.schemas.common import Quantity
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import text
from supply.schemas.custody import lot_field

TEST_METHODS = ("enzyme_inhibition", "test_strip", "elisa", "pcr", "visual", "other")


def _code(record) -> str | None:
    return record.code if record is not None else None


class InspectionCreateSchema(BaseSchema):
    """A site visit or sampling at a party's site."""

    kind = choice(INSPECTION_KINDS, required=True)
    party = code_field(required=True)
    site = code_field(load_default=None, allow_none=True)
    lot = lot_field(load_default=None, allow_none=True)
    inspected_at = EventTime(load_default=None, allow_none=True)
    outcome = choice(INSPECTION_OUTCOMES, load_default="pending")
    notes = text(2000)


class InspectionSchema(BaseSchema):
    """An inspection as recorded."""

    id = fields.Integer()
    kind = fields.String()
    party = fields.Function(lambda i: i.party.code)
    site = fields.Function(lambda i: i.site.code if i.site_id else None)
    lot = fields.Function(lambda i: i.batch.lot_code if i.batch_id else None)
    inspector = fields.Function(lambda i: i.inspector.name)
    inspected_at = LocalDateTime()
    outcome = fields.String()
    notes = fields.String()


class InspectionFilterSchema(PageQuerySchema):
    """Filters of the inspection list."""

    party = code_field()
    kind = choice(INSPECTION_KINDS)


class TestCreateSchema(BaseSchema):
    """A test result on a lot: pesticide rapid test (by enzyme inhibition or test strip), seedling virus, quarantine."""

    lot = lot_field(required=True)
    kind = choice(TEST_KINDS, required=True)
    method = choice(TEST_METHODS, load_default=None, allow_none=True)
    analyte = text(60)
    value = PlainDecimal(load_default=None, allow_none=True, allow_nan=False, places=4,
                         validate=validate.Range(min=-1000000, max=1000000, error=N_("Out of range.")))
    value_unit = text(16)
    passed = fields.Boolean(load_default=None, allow_none=True)
    kit_lot = text(40)
    operator = text(60)
    tested_at = EventTime(load_default=None, allow_none=True)
    lab = code_field(load_default=None, allow_none=True)
    inspection = fields.Integer(load_default=None, allow_none=True,
                                validate=validate.Range(min=1, max=2**31 - 1, error=N_("Out of range.")))
    notes = text(2000)


class TestResultSchema(BaseSchema):
    """A test result as recorded."""

    id = fields.Integer()
    lot = fields.Function(lambda t: t.batch.lot_code)
    kind = fields.String()
    method = fields.String()
    analyte = fields.String()
    value = PlainDecimal(allow_none=True)
    value_unit = fields.String()
    passed = fields.Boolean()
    kit_lot = fields.String()
    operator = fields.String()
    lab = fields.Function(lambda t: _code(t.lab) if t.lab_id else None)
    inspection = fields.Integer(attribute="inspection_id", allow_none=True)
    tested_at = LocalDateTime()
    notes = fields.String()


class TestListQuerySchema(BaseSchema):
    """Which lot's tests to list."""

    lot = lot_field(required=True)


class HoldCreateSchema(BaseSchema):
    """A manual hold on a lot (and everything made from it)."""

    lot = lot_field(required=True)
    reason = text(500, required=True)


class ReleaseSchema(BaseSchema):
    """Why a hold is released."""

    reason = text(500, required=True)


class HoldSchema(BaseSchema):
    """A hold with the lots it covers."""

    id = fields.Integer()
    lot = fields.Function(lambda h: h.batch.lot_code)
    reason = fields.String()
    test_result = fields.Integer(attribute="test_result_id", allow_none=True)
    opened_at = LocalDateTime()
    released_at = LocalDateTime(allow_none=True)
    release_reason = fields.String()
    open = fields.Function(lambda h: h.released_at is None)
    lots = fields.List(fields.String(), attribute="lots")


class HoldFilterSchema(PageQuerySchema):
    """Filters of the hold list."""

    status = choice(("open", "released", "all"), load_default="open")


class ComplianceCreateSchema(BaseSchema):
    """A compliance certificate (承诺达标合格证) for a lot your party holds."""

    basis = choice(COMPLIANCE_BASES, required=True)
    quantity = Quantity(load_default=None, allow_none=True)


class ComplianceSchema(BaseSchema):
    """A compliance certificate as issued (the producer's phone is printed on paper, not given here)."""

    number = fields.String()
    lot = fields.Function(lambda c: c.batch.lot_code)
    product = fields.String(attribute="scope")
    producer = fields.Function(lambda c: c.party.code)
    basis = fields.String()
    test_result = fields.Integer(attribute="test_result_id", allow_none=True)
    quantity = Quantity()
    unit = fields.String()
    issued_on = fields.Date(attribute="valid_from")
    status = fields.String()
    sources = fields.List(fields.String())
