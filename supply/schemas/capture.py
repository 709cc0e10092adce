"""Schemas of EPCIS capture jobs."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields

from supply.schemas.common import LocalDateTime


class EventErrorSchema(Schema):
    """One problem of one event of a captured document."""

    event = fields.Integer(allow_none=True, metadata={
        "description": "The event's index in epcisBody.eventList (0 is the first); null for the document as a whole.",
        "example": 2})
    field = fields.String(metadata={"description": "Where in the event: a path such as quantityList.0.quantity.",
                                    "example": "quantityList.0.quantity"})
    message = fields.String(metadata={"description": "Why the event was refused, in the caller's language.",
                                      "example": "More than is on hand."})
    detail = fields.String(metadata={"description": "More about it: the lot and what is on hand, or the schema's "
                                                    "own words.", "example": "VEG-M: 490 kg"})


class CaptureJobSchema(Schema):
    """A capture: its status, each bad event, and what was written."""

    id = fields.String(attribute="public_id", metadata={"example": "q3Zr8bV1xT0kLw9a"})
    status = fields.String(metadata={
        "description": "queued, running, done or failed. A failed capture wrote nothing.", "example": "done"})
    total_events = fields.Integer(metadata={"description": "Events in the document.", "example": 5})
    message = fields.String(metadata={"description": "Why it failed, when it did.", "example": ""})
    errors = fields.List(fields.Nested(EventErrorSchema), metadata={
        "description": "Every problem found, with its event's index; empty when the capture is done."})
    result = fields.Dict(metadata={
        "description": "What was written: counts of lots, shipments, receipts, transformations, observations and "
                       "events.", "example": {"lots": 4, "shipments": 1, "receipts": 1, "transformations": 2,
                                              "events": 5}})
    created_at = LocalDateTime()
    finished_at = LocalDateTime(allow_none=True)
    status_url = fields.String(metadata={"example": "/api/v1/epcis/capture/q3Zr8bV1xT0kLw9a"})
