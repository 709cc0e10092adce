"""The tests (pesticide residue, seedling virus, quarantine) of a batch and the lots it was made from, as shown."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import fetch
from supply.db.sqlcache import ids_in
from supply.db.sqlcache import slot
from supply.i18n import N_
from supply.models import Batch
from supply.models import Party
from supply.models import TestResult
from supply.services.tracing.history import Named


@dataclass
class TestReport:
    """A test of the batch or of a lot it was made from, as the public may see it (never the operator's name)."""

    __test__ = False  # not a pytest class

    lot: str
    kind: str
    method: str
    analyte: str
    value: Decimal | None
    value_unit: str
    passed: bool
    tested_at: datetime.datetime
    lab: Named | None

    @property
    def kind_label(self) -> str:
        """Return the English name of the kind of test (translate it where shown)."""
        return TEST_LABELS.get(self.kind, self.kind)


TEST_LABELS = {
    "pesticide_rapid": N_("Rapid pesticide residue test"),
    "seedling_virus": N_("Seedling virus test"),
    "quarantine": N_("Quarantine"),
}
MAX_TESTS = 20


def _tests_query():
    return (
        TestResult.select(Batch.lot_code, TestResult.kind, TestResult.method, TestResult.analyte, TestResult.value,
                          TestResult.value_unit, TestResult.passed, TestResult.tested_at,
                          Party.code.alias("lab_code"), Party.name.alias("lab_name"),
                          Party.name_en.alias("lab_name_en"), Party.name_zh_hant.alias("lab_name_zh_hant"))
        .join(Batch, on=(TestResult.batch == Batch.id))
        .switch(TestResult)
        .join(Party, JOIN.LEFT_OUTER, on=(TestResult.lab == Party.id))
        .where(ids_in(TestResult.batch, "ids"))
        .order_by(TestResult.tested_at.desc(), TestResult.id.desc())
        .limit(slot("limit"))
    )


def test_reports(batch_ids) -> list[TestReport]:
    """Return the latest tests of the batches, newest first (one query, at most MAX_TESTS)."""
    if not batch_ids:
        return []
    rows = fetch("validity.tests", _tests_query,
                 {"value": TestResult.value, "passed": TestResult.passed, "tested_at": TestResult.tested_at},
                 ids=bind_ids(batch_ids), limit=MAX_TESTS)
    return [TestReport(row.lot_code, row.kind, row.method, row.analyte, row.value, row.value_unit, bool(row.passed),
                       row.tested_at, _lab(row.lab_code, row.lab_name, row.lab_name_en, row.lab_name_zh_hant))
            for row in rows]


def _lab(code: str | None, name: str | None, name_en: str | None, name_zh_hant: str | None) -> Named | None:
    """Name the lab of a test, or None when the test names no lab."""
    return Named(code, name, name_en or "", name_zh_hant=name_zh_hant or "") if code else None
