"""Inspections, test results, holds and compliance certificates (承诺达标合格证)."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.common import page_schema
from supply.schemas.inspections import ComplianceCreateSchema
from supply.schemas.inspections import ComplianceSchema
from supply.schemas.inspections import HoldCreateSchema
from supply.schemas.inspections import HoldFilterSchema
from supply.schemas.inspections import HoldSchema
from supply.schemas.inspections import InspectionCreateSchema
from supply.schemas.inspections import InspectionFilterSchema
from supply.schemas.inspections import InspectionSchema
from supply.schemas.inspections import ReleaseSchema
from supply.schemas.inspections import TestCreateSchema
from supply.schemas.inspections import TestListQuerySchema
from supply.schemas.inspections import TestResultSchema
from supply.services.certification import compliance
from supply.services.inspection import holds
from supply.services.inspection import inspections

InspectionPage = page_schema(InspectionSchema, "InspectionPage")
HoldPage = page_schema(HoldSchema, "HoldPage")


class TestListSchema(Schema):
    """A lot's test results, newest first."""

    lot = fields.String()
    status = fields.String()
    items = fields.List(fields.Nested(TestResultSchema))


class ComplianceListSchema(Schema):
    """A lot's compliance certificates."""

    lot = fields.String()
    items = fields.List(fields.Nested(ComplianceSchema))


def _hold_json(hold) -> dict:
    """Serialise one hold with the lots it covers."""
    hold.lots = holds.held_lots([hold.id])[hold.id]
    return HoldSchema().dump(hold)


@route("/inspections", "POST", summary="Record a site visit or sampling (inspectors)", tag="inspections",
       body=InspectionCreateSchema, response=InspectionSchema, status=201, errors=(403, 404))
def create_inspection(actor, data: dict):
    """Record an inspection."""
    return InspectionSchema().dump(inspections.record_inspection(actor, data))


@route("/inspections", "GET", summary="List inspections (your party's, or every party's for inspectors)",
       tag="inspections", query=InspectionFilterSchema, response=InspectionPage)
def list_inspections(actor, args: dict):
    """List inspections."""
    page = paginate(inspections.list_inspections(actor, args), args["page"], args["per_page"])
    return page_json(page, InspectionSchema().dump)


@route("/inspections/<int:inspection_id>", "GET", summary="Read an inspection", tag="inspections",
       response=InspectionSchema, errors=(404,))
def get_inspection(actor, inspection_id: int):
    """Read one inspection."""
    return InspectionSchema().dump(inspections.get_inspection(actor, inspection_id))


@route("/tests", "POST", summary="Record a test result on a lot; a failing one holds the lot and its downstream",
       tag="inspections", body=TestCreateSchema, response=TestResultSchema, status=201, errors=(403, 404))
def create_test(actor, data: dict):
    """Record a test result."""
    return TestResultSchema().dump(inspections.record_test(actor, data))


@route("/tests", "GET", summary="List a lot's test results (?lot=)", tag="inspections", query=TestListQuerySchema,
       response=TestListSchema, errors=(403, 404))
def list_tests(actor, args: dict):
    """List the test results of a lot."""
    return _tests_json(actor, args["lot"])


@route("/batches/<path:lot_code>/tests", "GET", summary="A lot's test results", tag="inspections",
       response=TestListSchema, errors=(403, 404))
def batch_tests(actor, lot_code: str):
    """List the test results of a lot."""
    return _tests_json(actor, lot_code)


def _tests_json(actor, lot: str) -> dict:
    batch, tests = inspections.tests_of(actor, lot)
    return {"lot": batch.lot_code, "status": batch.status, "items": TestResultSchema(many=True).dump(tests)}


@route("/holds", "GET", summary="List holds (open ones unless ?status=released or all; inspectors)",
       tag="inspections", query=HoldFilterSchema, response=HoldPage, errors=(403,))
def list_holds(actor, args: dict):
    """List holds."""
    page = paginate(holds.list_holds(actor, args["status"]), args["page"], args["per_page"])
    lots = holds.held_lots([hold.id for hold in page.items])
    for hold in page.items:
        hold.lots = lots[hold.id]
    return page_json(page, HoldSchema().dump)


@route("/holds", "POST", summary="Hold a lot and everything made from it (inspectors)", tag="inspections",
       body=HoldCreateSchema, response=HoldSchema, status=201, errors=(403, 404))
def create_hold(actor, data: dict):
    """Place a manual hold."""
    return _hold_json(holds.place_manual_hold(actor, data))


@route("/holds/<int:hold_id>/release", "POST", summary="Release a hold with a reason (inspectors)",
       tag="inspections", body=ReleaseSchema, response=HoldSchema, errors=(403, 404, 409))
def release_hold(actor, hold_id: int, data: dict):
    """Release a hold."""
    return _hold_json(holds.release_hold(actor, hold_id, data["reason"]))


@route("/batches/<path:lot_code>/compliance-certificates", "POST",
       summary="Issue a compliance certificate (承诺达标合格证) for a lot your party holds", tag="inspections",
       body=ComplianceCreateSchema, response=ComplianceSchema, status=201, errors=(403, 404, 409))
def issue_compliance(actor, lot_code: str, data: dict):
    """Issue a compliance certificate."""
    return ComplianceSchema().dump(compliance.issue_compliance(actor, lot_code, data))


@route("/batches/<path:lot_code>/compliance-certificates", "GET", summary="A lot's compliance certificates",
       tag="inspections", response=ComplianceListSchema, errors=(403, 404))
def list_compliance(actor, lot_code: str):
    """List the compliance certificates of a lot."""
    batch, certificates = compliance.list_compliance(actor, lot_code)
    return {"lot": batch.lot_code, "items": ComplianceSchema(many=True).dump(certificates)}
