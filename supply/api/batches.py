"""Batches: register at a starting site, read by lot code, list with filters, edit notes."""

from __future__ import annotations

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.batch import BatchCreateSchema
from supply.schemas.batch import BatchFilterSchema
from supply.schemas.batch import BatchSchema
from supply.schemas.batch import BatchUpdateSchema
from supply.schemas.batch import ChainReportSchema
from supply.schemas.common import page_schema
from supply.services.custody import batches
from supply.services.custody import chain

BatchPage = page_schema(BatchSchema, "BatchPage")


@route("/batches", "POST", summary="Register a batch at one of your sites", tag="batches", body=BatchCreateSchema,
       response=BatchSchema, status=201, errors=(409,))
def create_batch(actor, data: dict):
    """Register a batch."""
    return BatchSchema().dump(batches.register_batch(actor, data))


@route("/batches", "GET", summary="List batches", tag="batches", query=BatchFilterSchema, response=BatchPage)
def list_batches(actor, args: dict):
    """List the batches the caller may see."""
    return page_json(paginate(batches.list_batches(actor, args), args["page"], args["per_page"]), BatchSchema().dump)


@route("/batches/<path:lot_code>", "GET", summary="Read a batch by lot code", tag="batches", response=BatchSchema,
       errors=(404,))
def get_batch(actor, lot_code: str):
    """Read one batch."""
    return BatchSchema().dump(batches.get_batch(actor, lot_code))


@route("/batches/<path:lot_code>", "PATCH", summary="Change a batch's field name or notes", tag="batches",
       body=BatchUpdateSchema, response=BatchSchema, errors=(404,))
def update_batch(actor, lot_code: str, data: dict):
    """Change a batch's notes."""
    return BatchSchema().dump(batches.update_batch(actor, lot_code, data))


@route("/batches/<path:lot_code>/verify", "GET", summary="Check the hash chain of a batch's events", tag="batches",
       response=ChainReportSchema, errors=(404,))
def verify_batch(actor, lot_code: str):
    """Report whether the batch's event chain is intact, or the first event that does not match."""
    return ChainReportSchema().dump(chain.verify_batch(batches.get_batch(actor, lot_code)).as_dict())
