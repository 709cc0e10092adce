"""Schemas of traces, batch histories and mass balances."""

from __future__ import annotations

from marshmallow import fields
from marshmallow import validate

from supply.i18n import N_
from supply.schemas.common import BaseSchema
from supply.schemas.common import LocalDateTime
from supply.schemas.common import Quantity
from supply.schemas.common import choice
from supply.services.tracing.trace import DEFAULT_DEPTH
from supply.services.tracing.trace import DEFAULT_MAX_NODES
from supply.services.tracing.trace import DIRECTIONS
from supply.services.tracing.trace import MAX_DEPTH
from supply.services.tracing.trace import MAX_NODES


class TraceQuerySchema(BaseSchema):
    """Which way to trace, how many steps and how many batches at most."""

    direction = choice(DIRECTIONS, load_default="both")
    depth = fields.Integer(
        load_default=DEFAULT_DEPTH,
        validate=validate.Range(min=1, max=MAX_DEPTH, error=N_("Out of range.")),
        metadata={"description": f"Steps to follow from the lot, 1 to {MAX_DEPTH}."},
    )
    max_nodes = fields.Integer(
        load_default=DEFAULT_MAX_NODES,
        validate=validate.Range(min=1, max=MAX_NODES, error=N_("Out of range.")),
        metadata={"description": f"Batches to return at most, 1 to {MAX_NODES}."},
    )


class NamedRecordSchema(BaseSchema):
    """A party, site or product by code and names."""

    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    name_zh_hant = fields.String(metadata={"description": "The stored Traditional Chinese name; empty when "
                                                          "pages convert `name`."})


class TraceNodeSchema(BaseSchema):
    """A batch of a genealogy graph."""

    lot = fields.String()
    depth = fields.Integer(metadata={"description": "Steps from the traced lot: negative upstream, positive "
                                                    "downstream."})
    product = fields.Nested(NamedRecordSchema)
    category = fields.String()
    origin_party = fields.Nested(NamedRecordSchema)
    holder = fields.Nested(NamedRecordSchema)
    site = fields.Nested(NamedRecordSchema, allow_none=True)
    quantity = Quantity()
    on_hand = Quantity()
    in_transit = Quantity()
    unit = fields.String()
    status = fields.String()
    ear_tag = fields.String(allow_none=True)
    produced_on = fields.Date()


class TraceEdgeSchema(BaseSchema):
    """A genealogy edge: quantity of the parent lot that went into the child lot."""

    parent = fields.String()
    child = fields.String()
    quantity = Quantity(allow_none=True)
    unit = fields.String()
    kind = fields.String(metadata={"description": "merge, split, ..., or source / planting for a registration."})
    event_id = fields.String()


class HistoryLineSchema(BaseSchema):
    """A batch an event touches."""

    lot = fields.String()
    role = fields.String(metadata={"description": "object, input or output"})
    quantity = Quantity(allow_none=True)
    unit = fields.String()
    ear_tag = fields.String(allow_none=True)


class HistoryEventSchema(BaseSchema):
    """An event of the log, marked when it is declared in error."""

    event_id = fields.String()
    event_type = fields.String()
    action = fields.String(allow_none=True)
    biz_step = fields.String()
    disposition = fields.String(allow_none=True)
    time = LocalDateTime(metadata={"description": "Event time in Asia/Shanghai with its offset."})
    party = fields.Function(lambda event: event.party.code)
    site = fields.Function(lambda event: event.site.code if event.site else None, allow_none=True)
    doc_type = fields.String()
    doc_number = fields.String()
    planting = fields.String(allow_none=True, metadata={"description": "Code of the planting it recorded."})
    data = fields.Dict()
    declares = fields.String(allow_none=True, metadata={"description": "The event this one declares in error."})
    declaration_reason = fields.String(allow_none=True)
    declared = fields.Boolean(metadata={"description": "Declared in error by a later event."})
    declared_by = fields.List(fields.String())
    lines = fields.List(fields.Nested(HistoryLineSchema))


class TraceSchema(BaseSchema):
    """A genealogy graph with the events touching its batches."""

    lot = fields.String()
    direction = fields.String()
    depth = fields.Integer()
    max_nodes = fields.Integer()
    truncated = fields.Boolean(metadata={"description": "The depth or node cap left part of the graph out."})
    nodes = fields.List(fields.Nested(TraceNodeSchema))
    edges = fields.List(fields.Nested(TraceEdgeSchema))
    events = fields.List(fields.Nested(HistoryEventSchema))


class BatchHistorySchema(BaseSchema):
    """A batch's own events, oldest first, with their error declarations."""

    lot = fields.String()
    events = fields.List(fields.Nested(HistoryEventSchema))


class MassBalanceSchema(BaseSchema):
    """The flows of one batch: produced = used + loss + on hand + in transit when balanced."""

    lot = fields.String()
    unit = fields.String()
    produced = Quantity(allow_zero=True)
    received = Quantity(allow_zero=True)
    shipped = Quantity(allow_zero=True)
    returned = Quantity(allow_zero=True, metadata={"description": "Back on hand from cancelled shipments."})
    used = Quantity(allow_zero=True)
    loss = Quantity(allow_zero=True)
    on_hand = Quantity(allow_zero=True)
    in_transit = Quantity(allow_zero=True)
    difference = Quantity(allow_zero=True)
    balanced = fields.Boolean()
