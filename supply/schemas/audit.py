"""The audit log's filters and entries."""

from __future__ import annotations

import datetime

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from supply.i18n import N_
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import page_schema
from supply.schemas.common import text
from supply.schemas.exports import period_field

# Days the log can hold: keeps the conversion of a day's bounds to UTC within the calendar (year 1, 9999 overflow).
DAY_RANGE = validate.Range(min=datetime.date(2000, 1, 1), max=datetime.date(2099, 12, 31), error=N_("Out of range."))


def audit_day(name: str | None = None) -> fields.Date:
    """A first or last day of the period (Asia/Shanghai), between 2000 and 2099; sent as `name` when given."""
    if name is None:
        return fields.Date(load_default=None, validate=DAY_RANGE)
    field = period_field(name)
    field.validators.append(DAY_RANGE)
    return field


class AuditFilterSchema(PageQuerySchema):
    """Who (email or id), what (an action prefix), which record (table, key) and when (Asia/Shanghai days)."""

    actor = text(254, load_default=None, metadata={"description": "The actor's email or user id."})
    action = text(60, load_default=None, metadata={"description": "An action or its prefix, e.g. shipments."})
    table = text(40, load_default=None, metadata={"description": "The table of the record, e.g. batch."})
    record = text(80, load_default=None, metadata={"description": "The record's key (lot code, code, email ...)."})
    date_from = audit_day("from")
    date_to = audit_day("to")

    @validates_schema
    def _period(self, data: dict, **kwargs) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(N_("The end date is before the start date."),
                                  self.fields["date_to"].data_key or "date_to")


class AuditExportSchema(AuditFilterSchema):
    """The same filters, for the spreadsheet (which has no pages)."""

    class Meta(AuditFilterSchema.Meta):
        exclude = ("page", "per_page")


class AuditPageFilterSchema(AuditFilterSchema):
    """The filters of the audit page, whose date inputs are named date_from and date_to like other list pages."""

    date_from = audit_day()
    date_to = audit_day()


class AuditPageExportSchema(AuditPageFilterSchema):
    """The page's filters, for its spreadsheet link."""

    class Meta(AuditPageFilterSchema.Meta):
        exclude = ("page", "per_page")


class AuditEntrySchema(Schema):
    """One entry: when, who, what, which record and the values the write was given."""

    id = fields.Integer()
    at = LocalDateTime(metadata={"description": "When, in Asia/Shanghai time with its offset."})
    actor = fields.Function(lambda entry: entry.actor.email if entry.actor_id is not None else None,
                            metadata={"description": "The acting user's email; null for the command line."})
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    table = fields.String()
    record = fields.String(attribute="record_key")
    changes = fields.Dict(metadata={"description": "The values the write was given; secrets appear as ***."})


AuditPage = page_schema(AuditEntrySchema, "AuditPage")
