"""The table of certificate kinds: number formats, default validity, subjects, issuers and claims."""

from __future__ import annotations

import datetime

import pytest
from playhouse.test_utils import count_queries

from supply import certificate_kinds
from supply.certificate_kinds import default_valid_to
from supply.certificate_kinds import number_is_valid
from tests.builders.api import API
from tests.builders.certificates import make_certificate
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user


@pytest.mark.parametrize(("kind", "number", "valid"), [
    ("green_food", "LB-15-19012700330A", True),
    ("green_food", "LB-50-1703081720A", True),
    ("green_food", "lb-15-1711196965aa", True),
    ("green_food", "GF630106240001", True),
    ("green_food", "LB-15-171119696A", False),
    ("green_food", "LB-15-1711196965B", False),
    ("green_food", "GF63010624001", False),
    ("green_food", "AGI01234", False),
    ("organic", "12345678901234567", True),
    ("organic", "lyoc-2026-op-0318", True),
    ("organic", "ORG12", False),
    ("organic", "ORG-2026/01", False),
    ("organic", "ORG-2026-", False),
    ("geo_indication", "AGI01687", True),
    ("geo_indication", "agi 01687", True),
    ("geo_indication", "AGI1687", False),
    ("geo_indication", "AGI016870", False),
    ("animal_quarantine", "青动检 630121-0001", True),
    ("animal_quarantine", "ab", False),
    ("seedling_virus", "x" * 61, False),
    ("nonsense", "AGI01687", False),
])
def test_number_formats(kind, number, valid):
    assert number_is_valid(kind, number) is valid


def test_default_validity_by_kind():
    start = datetime.date(2026, 3, 1)
    assert default_valid_to("green_food", start) == datetime.date(2029, 2, 28)
    assert default_valid_to("organic", start) == datetime.date(2027, 2, 28)
    assert default_valid_to("organic", datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 27)
    assert default_valid_to("seedling_virus", start) == datetime.date(2027, 2, 28)
    assert default_valid_to("geo_indication", start) is None
    assert default_valid_to("hk_supply_base", start) is None
    assert default_valid_to("compliance", start) is None


def test_claims_subjects_and_issuers():
    assert set(certificate_kinds.CLAIM_KINDS) == {"green_food", "organic", "geo_indication", "hk_supply_base",
                                                  "climate_good"}
    assert "compliance" not in certificate_kinds.SUBMITTED_KINDS
    for key in ("seedling_virus", "animal_quarantine", "carcass_quarantine", "compliance"):
        assert certificate_kinds.KINDS[key].subjects == ("batch",)
    assert certificate_kinds.KINDS["compliance"].issuer_kinds == ("farm", "cooperative", "operator")
    assert "certifier" in certificate_kinds.KINDS["green_food"].issuer_kinds


def test_the_register_answers_in_a_fixed_number_of_queries(client, app):
    inspector = auth_header(make_user(role="inspector"))

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(f"{API}/certificates?per_page=50", headers=inspector).status_code == 200
        return counter.count

    make_certificate(site=make_site(), product=make_product())
    queries()  # the token's first use is recorded once
    few = queries()
    for _ in range(4):
        make_certificate(site=make_site(), product=make_product())
        make_certificate("animal_quarantine", batch=make_batch(), number=None)
    assert queries() == few
