"""Compliance certificates (承诺达标合格证): who issues, on which basis, for which products, and after a merge."""

from __future__ import annotations

import re

from supply.clock import local_today
from supply.models import Certificate
from supply.models import CertificateTransition
from supply.models import TestResult
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.certificates import compliance_world
from tests.builders.chains import register
from tests.builders.chains import run
from tests.builders.chains import ship_and_receive
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in


def issue(client, w, lot="VEG-C1", headers=None, **body):
    """Post a compliance certificate for a lot."""
    return client.post(f"{API}/batches/{lot}/compliance-certificates", json={"basis": "quality_control", **body},
                       headers=headers or w["headers"])


def own_test(client, w, passed=True, lot="VEG-C1"):
    """Record the producer's own rapid test of the lot (test strip), passing or failing."""
    body = {"lot": lot, "kind": "pesticide_rapid", "method": "test_strip", "analyte": "毒死蜱", "passed": passed,
            "kit_lot": "KS-1"}
    response = client.post(f"{API}/tests", json=body, headers=w["headers"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_producer_issues_on_quality_control_with_defaults(client):
    w = compliance_world()
    response = issue(client, w)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert re.fullmatch(rf"HG{local_today():%Y%m%d}-VEG-C1-01", body["number"])
    assert (body["quantity"], body["unit"], body["basis"]) == ("500", "kg", "quality_control")
    assert body["product"] == "西兰花"
    assert "0971" not in str(body)  # the phone is for the paper certificate only
    certificate = Certificate.get(Certificate.number == body["number"])
    assert (certificate.status, certificate.kind, certificate.subject_kind) == ("approved", "compliance", "batch")
    assert certificate.issuer_id == certificate.party_id == w["producer"].party_id
    assert CertificateTransition.get(CertificateTransition.certificate == certificate).action == "issue"
    second = issue(client, w, quantity="100").get_json()
    assert second["number"].endswith("-02") and second["quantity"] == "100"
    listed = client.get(f"{API}/batches/VEG-C1/compliance-certificates", headers=w["headers"]).get_json()
    assert [item["number"] for item in listed["items"]] == [body["number"], second["number"]]


def test_own_test_basis_needs_a_passing_test_of_that_lot(client):
    w = compliance_world()
    with unchanged():
        assert_error(issue(client, w, basis="own_test"), 422, "basis")
    register(w["producer"], w["field"], w["product"], "10", lot_code="VEG-C2")
    own_test(client, w, lot="VEG-C2")  # a passing test of another lot does not count
    with unchanged():
        assert_error(issue(client, w, basis="own_test"), 422, "basis")
    result = own_test(client, w)
    body = issue(client, w, basis="own_test").get_json()
    assert body["basis"] == "own_test" and body["test_result"] == result["id"]


def test_commissioned_basis_needs_a_test_by_another_lab(client):
    w = compliance_world()
    own_test(client, w)
    assert_error(issue(client, w, basis="commissioned_test"), 422, "basis")
    lab = make_party(kind="inspector")
    body = {"lot": "VEG-C1", "kind": "pesticide_rapid", "method": "enzyme_inhibition", "value": "20",
            "value_unit": "%", "lab": lab.code}
    assert client.post(f"{API}/tests", json=body, headers=auth_header(w["inspector"])).status_code == 201
    assert issue(client, w, basis="commissioned_test").status_code == 201


def test_refused_for_meat_seedlings_held_lots_and_other_parties(client):
    w = compliance_world()
    meat = make_product(category="yak_meat", unit="kg", name="牦牛肉")
    register(w["producer"], w["field"], meat, "20", lot_code="YM-1")
    stranger, inspector = auth_header(make_user(role="producer")), auth_header(w["inspector"])
    with unchanged():
        assert_error(issue(client, w, lot="YM-1"), 422, "lot")
        assert_error(issue(client, w, headers=stranger), 404)  # a lot it cannot see
        assert_error(issue(client, w, headers=inspector), 403)
        assert_error(issue(client, w, basis="self_promise"), 422, "basis")
        assert_error(issue(client, w, quantity="501"), 409, "quantity")
    own_test(client, w, passed=False)  # holds the lot
    with unchanged():
        assert_error(issue(client, w), 409, "lot")


def test_a_merge_issues_new_certificates_for_its_output(client):
    w = compliance_world()
    register(w["producer"], w["field"], w["product"], "300", lot_code="VEG-C2")
    own_test(client, w)
    own_test(client, w, lot="VEG-C2")
    first = issue(client, w, basis="own_test").get_json()["number"]
    second = issue(client, w, lot="VEG-C2", basis="own_test").get_json()["number"]
    run(w["producer"], w["field"], "merge", [("VEG-C1", "500"), ("VEG-C2", "300")],
        [{"lot_code": "VEG-CM", "quantity": "800"}])
    made = client.get(f"{API}/batches/VEG-CM/compliance-certificates", headers=w["headers"]).get_json()["items"]
    assert len(made) == 1
    assert made[0]["sources"] == sorted([first, second])
    assert (made[0]["basis"], made[0]["quantity"]) == ("own_test", "800")


def test_a_split_by_a_collector_issues_certificates_with_mixed_basis_as_quality_control(client):
    w = compliance_world()
    register(w["producer"], w["field"], w["product"], "300", lot_code="VEG-C2")
    own_test(client, w)
    issue(client, w, basis="own_test")
    issue(client, w, lot="VEG-C2", basis="quality_control")
    run(w["producer"], w["field"], "merge", [("VEG-C1", "500"), ("VEG-C2", "300")],
        [{"lot_code": "VEG-CM", "quantity": "800"}])
    collector = make_user(role="operator", party=make_party(kind="operator"))
    store = make_site(party=collector.party, kind="cold_store")
    ship_and_receive(w["producer"], w["field"], collector, store, "VEG-CM", "800")
    run(collector, store, "split", [("VEG-CM", "800")],
        [{"lot_code": "VEG-CS1", "quantity": "500"}, {"lot_code": "VEG-CS2", "quantity": "300"}])
    merged = Certificate.get(Certificate.batch == Certificate.batch.rel_model.get(lot_code="VEG-CM").id)
    assert merged.basis == "quality_control"
    split = list(Certificate.select().where(Certificate.sources.is_null(False)).order_by(Certificate.id))[-2:]
    assert [c.batch.lot_code for c in split] == ["VEG-CS1", "VEG-CS2"]
    assert all(c.party_id == collector.party_id and c.sources == [merged.number] for c in split)


def test_transformations_without_certified_inputs_issue_none(client):
    w = compliance_world()
    run(w["producer"], w["field"], "split", [("VEG-C1", "500")],
        [{"lot_code": "VEG-X1", "quantity": "250"}, {"lot_code": "VEG-X2", "quantity": "250"}])
    assert Certificate.select().count() == 0


def test_printed_certificate_shows_the_stored_number_basis_and_phone(client):
    w = compliance_world()
    own_test(client, w)
    number = issue(client, w, basis="own_test").get_json()["number"]
    register(w["producer"], w["field"], w["product"], "40", lot_code="VEG-NONE")
    log_in(client, w["producer"], "zh_Hans")
    html = client.get("/labels?format=certificate&lots=VEG-C1,VEG-NONE").get_data(as_text=True)
    stored, fallback = html.split('data-lot="VEG-NONE"')
    assert number in stored and "☑ 自我检测" in stored and "0971-5550123" in stored
    assert "<svg" in stored
    # a lot without one prints the blank form
    assert "data-number" not in fallback and "编号" not in fallback and "☐ 自我检测" in fallback


def test_own_tests_are_listed_with_the_producer_as_their_lab(client):
    w = compliance_world()
    own_test(client, w)
    body = client.get(f"{API}/tests?lot=VEG-C1", headers=w["headers"]).get_json()
    assert [item["kit_lot"] for item in body["items"]] == ["KS-1"]
    assert TestResult.get().lab_id == w["producer"].party_id
