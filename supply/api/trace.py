"""Trace a batch's genealogy, read its own event history and its mass balance."""

from __future__ import annotations

from supply.api.routing import route
from supply.schemas.trace import BatchHistorySchema
from supply.schemas.trace import MassBalanceSchema
from supply.schemas.trace import TraceQuerySchema
from supply.schemas.trace import TraceSchema
from supply.services.tracing import balance
from supply.services.tracing import history
from supply.services.tracing import trace


@route("/batches/<path:lot_code>/trace", "GET", summary="Trace a batch upstream, downstream or both",
       tag="trace", query=TraceQuerySchema, response=TraceSchema, errors=(404,))
def get_batch_trace(actor, lot_code: str, args: dict):
    """Return the genealogy graph around a batch and the events touching it."""
    return TraceSchema().dump(trace.trace(actor, lot_code, **args))


@route("/batches/<path:lot_code>/events", "GET", summary="A batch's events, oldest first", tag="trace",
       response=BatchHistorySchema, errors=(404,))
def get_batch_history(actor, lot_code: str):
    """Return a batch's own events, with error declarations and the events they declare marked."""
    batch, events = history.batch_history(actor, lot_code)
    return BatchHistorySchema().dump({"lot": batch.lot_code, "events": events})


@route("/batches/<path:lot_code>/balance", "GET", summary="A batch's mass balance", tag="trace",
       response=MassBalanceSchema, errors=(404,))
def get_batch_balance(actor, lot_code: str):
    """Return what was produced of a batch against what was used, lost, held and is in transit."""
    return MassBalanceSchema().dump(balance.mass_balance(actor, lot_code))
