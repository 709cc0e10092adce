"""Demo tests, an inspection, compliance certificates and a hold, recorded through the services like the rest."""

from __future__ import annotations

import datetime

from supply.demo.chains.steps import registered
from supply.models import Batch
from supply.models import User
from supply.schemas.inspections import ComplianceCreateSchema
from supply.schemas.inspections import InspectionCreateSchema
from supply.schemas.inspections import TestCreateSchema
from supply.services.certification import compliance
from supply.services.inspection import inspections

PRODUCER_EMAIL = "producer@example.com"
INSPECTOR_EMAIL = "inspector@example.com"
ORGANOPHOSPHATES = "有机磷和氨基甲酸酯类"


def _morning_after(batch: Batch) -> str:
    """Return 09:30 Beijing time on the day after the batch's harvest, as the API takes it."""
    day = batch.produced_on + datetime.timedelta(days=1)
    return f"{day.isoformat()}T09:30:00+08:00"


def seed_inspections() -> None:
    """Sample and test two broccoli lots of the Hong Kong supply base (both pass, both get compliance
    certificates), and catch chlorpyrifos on a Duoba farm lot (it fails and goes on hold)."""
    producer = User.get(User.email == PRODUCER_EMAIL)
    inspector = User.get(User.email == INSPECTOR_EMAIL)
    first, second, duoba = registered(1), registered(2), registered(8)
    inspections.record_test(producer, TestCreateSchema().load({
        "lot": first.lot_code, "kind": "pesticide_rapid", "method": "test_strip", "analyte": ORGANOPHOSPHATES,
        "passed": True, "kit_lot": "TS-2606-118", "operator": "合作社检测室", "tested_at": _morning_after(first)}))
    compliance.issue_compliance(producer, first.lot_code, ComplianceCreateSchema().load({"basis": "own_test"}))
    visit = inspections.record_inspection(inspector, InspectionCreateSchema().load({
        "kind": "sampling", "party": second.origin_party.code, "site": second.origin_site.code,
        "lot": second.lot_code, "inspected_at": _morning_after(second), "outcome": "satisfactory",
        "notes": "供港基地例行抽样，田间记录齐全"}))
    inspections.record_test(inspector, TestCreateSchema().load({
        "lot": second.lot_code, "kind": "pesticide_rapid", "method": "enzyme_inhibition",
        "analyte": ORGANOPHOSPHATES, "value": "12.4", "value_unit": "%", "kit_lot": "EI-2607-032",
        "operator": "检测员", "tested_at": _morning_after(second), "lab": inspector.party.code,
        "inspection": visit.id}))
    compliance.issue_compliance(producer, second.lot_code,
                                ComplianceCreateSchema().load({"basis": "commissioned_test"}))
    inspections.record_test(inspector, TestCreateSchema().load({
        "lot": duoba.lot_code, "kind": "pesticide_rapid", "method": "enzyme_inhibition", "analyte": "毒死蜱",
        "value": "63.0", "value_unit": "%", "kit_lot": "EI-2607-032", "operator": "检测员",
        "tested_at": _morning_after(duoba), "lab": inspector.party.code,
        "notes": "监督抽检：毒死蜱超标，暂停销售待复检"}))
