"""Certificates, claims and tests on the public page, in certificationInfo, on the batch page and on labels."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.models import Certificate
from supply.models import TestResult
from tests.builders.chains import run
from tests.builders.chains import ship_and_receive
from tests.builders.custody import register
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.validity import certify

D = datetime.date
PACKED = datetime.datetime(2026, 7, 3, 9, 0, tzinfo=datetime.UTC)
EN = {"Accept-Language": "en"}
HANS = {"Accept-Language": "zh-CN"}
HANT = {"Accept-Language": "zh-TW"}
GTIN = "06901234567892"


@pytest.fixture()
def merged():
    """Three farms' broccoli merged at a packhouse: farms A and B organic on their harvest date, farm C not.

    Farm A's certificate is revoked from 2026-09-01 (after the harvest); farm A's lot was tested by a named operator.
    """
    coop = make_user(role="operator", party=make_party(kind="cooperative"))
    packhouse = make_site(party=coop.party, kind="packhouse")
    broccoli = make_product(category="vegetable", unit="kg", gtin=GTIN)
    certifier = make_party(kind="certifier", name="中绿华夏有机产品认证中心", name_en="COFCC")
    farms = []
    for i in range(3):
        farmer = make_user(role="producer", party=make_party(kind="farm", phone=f"1390971000{i}"))
        field = make_site(party=farmer.party, kind="field")
        register(farmer, field, broccoli, "100", lot_code=f"FARM-{'ABC'[i]}")
        ship_and_receive(farmer, field, coop, packhouse, f"FARM-{'ABC'[i]}", "100")
        farms.append(farmer)
    certify(party=farms[0].party, number="ORG-REVOKED-9", status="revoked", status_from=D(2026, 9, 1))
    certify(site=farms[1].party.sites.get(), number="ORG-SITE-7")
    certify(party=farms[2].party, number="ORG-REJECTED-1", status="rejected")
    certify(party=farms[2].party, number="ORG-SUBMITTED-1", status="submitted")
    Certificate.update(issuer=certifier).execute()
    farm_a = Batch.get(Batch.lot_code == "FARM-A")
    TestResult.create(batch=farm_a, kind="pesticide_rapid", method="GB/T 5009.199", analyte="有机磷",
                      value=Decimal("12.5"), value_unit="%", passed=True, operator="张三丰",
                      tested_at=datetime.datetime(2026, 7, 1, 2, 0))
    run(coop, packhouse, "merge", [(f"FARM-{x}", "100") for x in "ABC"], [{"lot_code": "MIXED", "quantity": "300"}],
        time=PACKED)
    return {"coop": coop, "farms": farms, "batch": Batch.get(Batch.lot_code == "MIXED"), "certifier": certifier}


def page(client, lot: str, headers) -> str:
    """Fetch a lot's public page and return its text."""
    response = client.get(f"/t/{Batch.get(Batch.lot_code == lot).public_token}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_public_page_shows_farm_certificates_the_later_revocation_tests_and_the_mixed_merge(client, merged):
    text = page(client, "FARM-A", EN)
    assert "ORG-REVOKED-9" in text and "COFCC" in text
    assert "On the harvest date, 2026-07-01" in text and 'class="state state-valid">Valid<' in text
    assert "Revoked from 2026-09-01" in text and "Valid from 2026-01-01 to 2026-12-31" in text
    assert "Rapid pesticide residue test" in text and "GB/T 5009.199" in text and "Pass" in text
    assert "张三丰" not in text
    text = page(client, "MIXED", EN)
    assert "Organic: only 2 of 3 input lots carried it (FARM-A, FARM-B), so this lot does not." in text
    assert "✔ Organic" not in text
    assert "ORG-SITE-7" in text and "ORG-REVOKED-9" in text and "Lot FARM-B" in text
    assert "ORG-REJECTED-1" not in text and "ORG-SUBMITTED-1" not in text
    assert "张三丰" not in text
    for farmer in merged["farms"]:
        assert farmer.party.phone not in text and farmer.email not in text and farmer.name not in text


def test_public_page_in_simplified_and_traditional_chinese(client, merged):
    hans = page(client, "FARM-A", HANS)
    assert "ORG-REVOKED-9" in hans and 'state-valid">有效<' in hans and "自 2026-09-01 起撤销" in hans
    assert "证书与检测" in hans and "采收日 2026-07-01" in hans
    hant = page(client, "FARM-A", HANT)
    assert "ORG-REVOKED-9" in hant and 'state-valid">有效<' in hant and "自 2026-09-01 起撤銷" in hant
    assert "證書與檢測" in hant and "採收日 2026-07-01" in hant
    mixed = page(client, "MIXED", HANT)
    assert "有機產品：3 個原料批次中只有 2 個具備（FARM-A, FARM-B），因此本批次不具備。" in mixed


def test_an_all_organic_lot_shows_its_mark_and_the_page_stays_light(client, merged):
    certify(party=merged["farms"][2].party, number="ORG-C")
    with count_queries() as counter:
        text = page(client, "MIXED", EN)
    assert "Organic: every input lot carried it." in text
    # FARM-A's organic certificate was revoked after the harvest: the claim stands for the lot's date, but the page
    # no longer shows it with a ✔; it says since when the certificate is revoked.
    assert "✔ Organic" not in text
    assert "Organic: certified on the lot's date; the certificate is revoked from 2026-09-01." in text
    assert counter.count <= 30  # gathered from the records (about 24 queries) and kept (a short write)
    assert len(text.encode()) < 60 * 1024


def test_certification_info_json(client, merged):
    response = client.get(f"/01/{GTIN}/10/MIXED?linkType=gs1:certificationInfo",
                          base_url="https://trace.example.cn", follow_redirects=True)
    assert response.status_code == 200
    data = response.get_json()
    assert data["lot"] == "MIXED" and data["gtin"] == GTIN and data["date_vouched"] == "2026-07-03"
    assert data["event"] == "packing" and data["certificates"] == []
    [organic] = data["claims"]
    assert organic == {"kind": "organic", "kind_name": "Organic", "carried": False, "own": False, "inputs": 3,
                       "inputs_with": ["FARM-A", "FARM-B"], "inputs_without": ["FARM-C"]}
    revoked = next(c for c in data["upstream_certificates"] if c["number"] == "ORG-REVOKED-9")
    assert revoked == {
        "kind": "organic", "kind_name": "Organic", "claim": True, "number": "ORG-REVOKED-9", "subject": "party",
        "issuer": {"name": "中绿华夏有机产品认证中心", "name_zh_hant": "中綠華夏有機產品認證中心", "name_en": "COFCC"},
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31", "permanent": False, "state_on_date": "valid", "date_vouched": "2026-07-01",
        "event": "harvest", "revoked_from": "2026-09-01", "suspended_from": None, "lots": ["FARM-A"]}
    [test] = data["tests"]
    assert (test["lot"], test["passed"], test["value"], test["unit"]) == ("FARM-A", True, "12.5", "%")
    assert "张三丰" not in response.get_data(as_text=True)
    assert merged["farms"][0].party.phone not in response.get_data(as_text=True)


def test_private_batch_page_shows_the_same_certificates(client, merged):
    client.post("/login", data={"email": merged["coop"].email, "password": PASSWORD})
    text = client.get("/batches/MIXED", headers=EN).get_data(as_text=True)
    assert "ORG-SITE-7" in text and "Revoked from 2026-09-01" in text
    assert "only 2 of 3 input lots carried it" in text


def test_private_page_links_each_certificate_to_its_page(client, merged):
    client.post("/login", data={"email": merged["coop"].email, "password": PASSWORD})
    text = client.get("/batches/MIXED", headers=EN).get_data(as_text=True)
    cert = Certificate.get(Certificate.number == "ORG-SITE-7")
    assert f'href="/certificates/{cert.id}"' in text


def test_labels_show_the_marks_of_claims_the_batch_carries(client, merged):
    client.post("/login", data={"email": merged["coop"].email, "password": PASSWORD})
    certify("green_food", batch=merged["batch"], number="LB-15-19012700330A")
    text = client.get("/labels?lots=MIXED", headers=EN).get_data(as_text=True)
    assert "绿色食品" in text and "有机" not in text.split('data-lot="MIXED"')[1]
    certify(party=merged["farms"][2].party, number="ORG-C")
    with count_queries() as counter:
        text = client.get("/labels?lots=MIXED&format=thermal", headers=EN).get_data(as_text=True)
    assert counter.count <= 12
    label = text.split('data-lot="MIXED"')[1]
    assert "绿色食品 Green Food" in label and "有机 Organic" in label


def test_a_merge_of_many_certified_lots_lists_twenty_and_stays_light(client):
    coop = make_user(role="producer", party=make_party(kind="cooperative"))
    field = make_site(party=coop.party, kind="field")
    broccoli = make_product(category="vegetable", unit="kg")
    lots = [register(coop, field, broccoli, "10", lot_code=f"MANY-{i:02d}") for i in range(40)]
    for lot in lots:
        certify(batch=lot, number=f"ORG-LOT-{lot.lot_code}")
    run(coop, field, "merge", [(lot.lot_code, "10") for lot in lots], [{"lot_code": "MANY", "quantity": "400"}],
        time=PACKED)
    with count_queries() as counter:
        text = page(client, "MANY", EN)
    assert counter.count <= 30  # gathered from the records and kept (a short write)
    assert len(text.encode()) < 60 * 1024
    assert "✔ Organic" in text and text.count('class="cert"') == 20
    assert "20 more certificates are not shown." in text
