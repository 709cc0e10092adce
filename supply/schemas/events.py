"""Schemas of events: error declarations and storing observations."""

from __future__ import annotations

from marshmallow import fields

from supply.models.event import DECLARATION_REASONS
from supply.schemas.common import BaseSchema
from supply.schemas.common import EventTime
from supply.schemas.common import LocalDateTime
from supply.schemas.common import Trimmed
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import temperature
from supply.schemas.common import text
from supply.schemas.custody import lot_field


class DeclarationSchema(BaseSchema):
    """Declare an event in error: it did not occur, or its data were wrong (then record the right event)."""

    reason = choice(DECLARATION_REASONS, required=True)
    note = text(500)
    corrective_event_id = Trimmed(load_default=None, allow_none=True, metadata={
        "description": "The event that records what really happened, when it has been recorded."})


class StoringSchema(BaseSchema):
    """A lot stored at a site, with the lowest and highest temperature logged over an interval."""

    lot = lot_field(required=True)
    site = code_field(required=True)
    time = EventTime(load_default=None, allow_none=True)
    interval_start = EventTime(load_default=None, allow_none=True)
    interval_end = EventTime(load_default=None, allow_none=True)
    temperature_min = temperature()
    temperature_max = temperature()
    notes = text(500)


class EventSchema(BaseSchema):
    """An event as recorded."""

    event_id = fields.String()
    event_type = fields.String()
    action = fields.String(allow_none=True)
    biz_step = fields.String()
    disposition = fields.String(allow_none=True)
    event_time = LocalDateTime()
    record_time = LocalDateTime()
    party = fields.Function(lambda e: e.party.code)
    site = fields.Function(lambda e: e.site.code if e.site_id else None)
    declares = fields.Function(lambda e: e.declares.event_id if e.declares_id else None)
    declaration_reason = fields.String(allow_none=True)
    data = fields.Dict()
