"""Inspections (site visits, sampling) and test results; a failing result holds the lot and what was made from it.

Who records what: inspections only inspectors and admins. Tests: inspectors and admins on any lot, naming any lab;
producers and operators on lots their party has on hand, always as their own party's lab (a cooperative's own
test), so a result in another lab's name (what the commissioned-test basis rests on) comes from that lab's inspector.
A rapid test by enzyme inhibition (GB/T 5009.199) with no pass/fail given fails at an inhibition of 50 % or more.
"""

from __future__ import annotations

from decimal import Decimal

from peewee import JOIN

from supply import permissions
from supply.clock import to_utc_naive
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Batch
from supply.models import Holding
from supply.models import Inspection
from supply.models import Party
from supply.models import TestResult
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.custody import timeline
from supply.services.custody.batches import get_batch
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.inspection import holds
from supply.services.masterdata.lookup import party_by_code
from supply.services.masterdata.lookup import site_by_code
from supply.units import quantity_text

# GB/T 5009.199: an enzyme inhibition of 50 % or more means the sample is positive (fails the rapid test).
INHIBITION_LIMIT = Decimal(50)
PESTICIDE_METHODS = ("enzyme_inhibition", "test_strip")


@audited("inspection.record")
def record_inspection(actor: User, data: dict) -> Inspection:
    """Record a site visit or sampling at a party's site (inspectors and admins)."""
    permissions.require_inspector(actor)
    with db.atomic():
        party = party_by_code(data["party"], field="party")
        site = site_by_code(data["site"], field="site") if data.get("site") else None
        if site is not None and site.party_id != party.id:
            raise Invalid.field("site", N_("This site belongs to another party."))
        batch = get_batch(actor, data["lot"]) if data.get("lot") else None
        if batch is not None:
            timeline.require_not_before([batch.id], data.get("inspected_at"), "inspected_at")
        return Inspection.create(
            kind=data["kind"], party=party, site=site, batch=batch, inspector=actor,
            inspecting_party=actor.party_id, inspected_at=_utc(data.get("inspected_at")) or utcnow(),
            outcome=data.get("outcome") or "pending", notes=data.get("notes", ""),
        )


def _utc(value):
    """Turn an aware time into naive UTC (None stays None)."""
    return to_utc_naive(value) if value else None


def list_inspections(actor: User, filters: dict):
    """Return inspections, newest first: every party's for inspectors and admins, else the actor's party's."""
    query = (
        Inspection.select(Inspection, Party, Batch)
        .join(Party, on=(Inspection.party == Party.id))
        .switch(Inspection)
        .join(Batch, JOIN.LEFT_OUTER, on=(Inspection.batch == Batch.id))
    )
    if not permissions.reads_everything(actor):
        query = query.where(Inspection.party == actor.party_id)
    if filters.get("party"):
        query = query.where(Party.code == filters["party"])
    if filters.get("kind"):
        query = query.where(Inspection.kind == filters["kind"])
    return query.order_by(Inspection.inspected_at.desc(), Inspection.id.desc())


def get_inspection(actor: User, inspection_id: int) -> Inspection:
    """Return one inspection the actor may see (inspectors, admins, the inspected party), else 404."""
    inspection = Inspection.get_or_none(Inspection.id == inspection_id)
    if inspection is None or not (permissions.reads_everything(actor)
                                  or permissions.acts_for(actor, inspection.party_id)):
        raise NotFound(N_("No inspection with this id."))
    return inspection


def holds_some(party_id: int | None, batch: Batch) -> bool:
    """Tell whether a party has some of a batch on hand (or is its main holder)."""
    if party_id is None:
        return False
    if batch.holder_id == party_id:
        return True
    return Holding.select().where(Holding.batch == batch.id, Holding.party == party_id, Holding.on_hand > 0).exists()


def _require_tests(actor: User, batch: Batch, lab: Party | None) -> None:
    """Inspectors and admins test any lot for any lab; producers and operators only lots they hold, as their own lab."""
    if permissions.is_inspector(actor):
        return
    if actor.role not in ("producer", "operator") or not holds_some(actor.party_id, batch):
        raise Forbidden(N_("Only an inspector or the party holding this lot may record its tests."))
    if lab is not None and lab.id != actor.party_id:
        raise Forbidden.field("lab", N_("You may only record tests made by your own party."))


def decide_passed(data: dict) -> bool:
    """Return whether the test passed: as given, or for enzyme inhibition from the value (fails at 50 % or more)."""
    if data.get("passed") is not None:
        return data["passed"]
    enzyme = data["kind"] == "pesticide_rapid" and data.get("method") == "enzyme_inhibition"
    if enzyme and data.get("value") is not None:
        return data["value"] < INHIBITION_LIMIT
    raise Invalid.field("passed", N_("Say whether the test passed."))


def _check_method(data: dict) -> None:
    if data["kind"] == "pesticide_rapid" and data.get("method") not in PESTICIDE_METHODS:
        raise Invalid.field("method", N_("A rapid pesticide test is by enzyme inhibition or by test strip."))


@audited("test.record")
def record_test(actor: User, data: dict) -> TestResult:
    """Record a test result on a lot; a failing one holds the lot and every lot made from it, at once."""
    with db.atomic():
        batch = get_batch(actor, data["lot"])
        lab = party_by_code(data["lab"], field="lab") if data.get("lab") else None
        _require_tests(actor, batch, lab)
        timeline.require_not_before([batch.id], data.get("tested_at"), "tested_at")
        if lab is None and actor.party_id is not None:
            lab = actor.party
        _check_method(data)
        passed = decide_passed(data)
        inspection = _inspection_of(actor, data.get("inspection"), batch)
        result = TestResult.create(
            batch=batch, inspection=inspection, kind=data["kind"], method=data.get("method") or "",
            analyte=data.get("analyte", ""), value=data.get("value"), value_unit=data.get("value_unit", ""),
            passed=passed, kit_lot=data.get("kit_lot", ""), operator=data.get("operator", ""), lab=lab,
            tested_at=_utc(data.get("tested_at")) or utcnow(), notes=data.get("notes", ""), recorded_by=actor,
        )
        record_event(
            event_type="ObjectEvent", action="OBSERVE", biz_step="inspecting",
            disposition="conformant" if passed else "non_conformant",
            party=lab or batch.holder, site=batch.site if batch.site_id else None, recorded_by=actor,
            event_time=data.get("tested_at"), doc_type="testres", doc_number=str(result.id),
            lines=[Line(batch, "object", None, batch.unit)],
            data={"test_result": result.id, "kind": result.kind, "method": result.method, "analyte": result.analyte,
                  "value": quantity_text(result.value), "value_unit": result.value_unit, "passed": passed,
                  "kit_lot": result.kit_lot, "operator": result.operator},
        )
        if not passed:
            holds.place_hold(actor, batch, data.get("notes") or result.analyte, result)
        return result


def _inspection_of(actor: User, inspection_id: int | None, batch: Batch) -> Inspection | None:
    """Return the inspection a test belongs to, which must be visible to the actor and not of another lot."""
    if inspection_id is None:
        return None
    try:
        inspection = get_inspection(actor, inspection_id)
    except NotFound as exc:
        raise Invalid.field("inspection", N_("Unknown inspection.")) from exc
    if inspection.batch_id is not None and inspection.batch_id != batch.id:
        raise Invalid.field("inspection", N_("This inspection sampled another lot."))
    return inspection


def tests_of(actor: User, lot: str) -> tuple[Batch, list[TestResult]]:
    """Return a lot the actor may see and its test results, newest first."""
    batch = get_batch(actor, lot)
    tests = list(
        TestResult.select(TestResult, Party)
        .join(Party, JOIN.LEFT_OUTER, on=(TestResult.lab == Party.id), attr="lab")
        .where(TestResult.batch == batch.id)
        .order_by(TestResult.tested_at.desc(), TestResult.id.desc())
    )
    return batch, tests
