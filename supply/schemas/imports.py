"""Schemas of CSV import jobs."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields

from supply.schemas.common import LocalDateTime


class RowErrorSchema(Schema):
    """One problem of one row of an uploaded file."""

    line = fields.Integer(metadata={"description": "The line as a spreadsheet numbers it: the header is line 1."})
    field = fields.String(metadata={"description": "The column, or empty for the row as a whole."})
    message = fields.String()


class ImportJobSchema(Schema):
    """An import: its progress, every bad row, and what was written."""

    id = fields.String(attribute="public_id")
    kind = fields.String(metadata={"description": "registrations or shipments"})
    filename = fields.String()
    status = fields.String(metadata={"description": "queued, validating, writing, done or failed"})
    total_rows = fields.Integer()
    rows_done = fields.Integer(metadata={"description": "Rows of the current phase done (checked, then written)."})
    message = fields.String()
    errors = fields.List(fields.Nested(RowErrorSchema))
    result = fields.Dict(metadata={
        "description": "What was written: {batches, lots} for registrations, {shipments, lines, codes} "
                       "(shipment code by shipment_ref) for shipments."})
    created_at = LocalDateTime()
    finished_at = LocalDateTime(allow_none=True)
    status_url = fields.String()
