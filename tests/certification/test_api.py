"""Certificates through the API: submission, review steps and who may take them, bad input changing nothing."""

from __future__ import annotations

import datetime

import pytest

from supply.models import AuditEntry
from supply.models import Certificate
from supply.models import CertificateTransition
from tests.builders.api import API
from tests.builders.api import ODD_VALUES
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.certificates import certificates_world
from tests.builders.certificates import make_certificate
from tests.builders.certificates import make_issuer
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_site
from tests.builders.factories import make_user

world = pytest.fixture(name="world")(certificates_world)


def submission(world: dict, **changes) -> dict:
    """Return a valid green food submission for the producer's product at its site (a value of ... drops a key)."""
    body = {"kind": "green_food", "product": world["product"].code, "site": world["site"].code,
            "issuer": world["certifier"].code, "number": "lb-15-19012700330a", "valid_from": "2026-03-01",
            "scope": "西兰花 500 吨"}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def submit(client, world: dict, **changes):
    """Submit a certificate as the producer."""
    return client.post(f"{API}/certificates", json=submission(world, **changes), headers=world["headers"])


def test_submit_normalises_number_defaults_validity_and_records_history(client, world):
    response = submit(client, world)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["number"] == "LB-15-19012700330A"
    assert body["status"] == "submitted" and body["current_status"] == "submitted"
    assert body["subject_kind"] == "product_site" and body["party"] == world["producer"].party.code
    assert body["valid_to"] == "2029-02-28"
    assert [t["action"] for t in body["transitions"]] == ["submit"]
    assert AuditEntry.select().where(AuditEntry.action == "certificates.submit").count() == 1


def test_geographical_indication_is_permanent(client, world):
    response = submit(client, world, kind="geo_indication", number="AGI01234", site=..., product=...)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["valid_to"] is None
    assert response.get_json()["subject_kind"] == "party"


def test_submit_a_batch_certificate_for_a_held_lot(client, world):
    batch = make_batch(site=world["site"])
    inspection_body = make_issuer(kind="inspector")
    response = submit(client, world, kind="animal_quarantine", product=..., site=..., lot=batch.lot_code,
                      issuer=inspection_body.code, number="dong-630122-0001")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["subject_kind"], body["lot"], body["number"]) == ("batch", batch.lot_code, "DONG-630122-0001")
    assert body["valid_to"] == "2027-02-28"


@pytest.mark.parametrize(("changes", "field", "reason"), [
    ({"kind": "fair_trade"}, "kind", "Unknown kind"),
    ({"kind": "compliance"}, "kind", "issued per batch by the producer"),
    ({"number": "LB-15-123"}, "number", "Not a valid number"),
    ({"number": "GF63012124000"}, "number", "Not a valid number"),
    ({"kind": "organic", "number": "ab"}, "number", "Not a valid number"),
    ({"kind": "organic", "number": "-ORG-2026-01"}, "number", "Not a valid number"),
    ({"kind": "geo_indication", "number": "AGI1234", "product": ..., "site": ...}, "number", "AGI followed by 5"),
    ({"kind": "geo_indication", "number": "GI01234", "product": ..., "site": ...}, "number", "Not a valid number"),
    ({"kind": "hk_supply_base", "number": "  ", "product": ...}, "number", None),
    ({"kind": "hk_supply_base", "number": "HK-0001", "product": ...}, "valid_to", "last day of validity"),
    ({"valid_to": "2026-02-28"}, "valid_to", "before its start"),
    ({"valid_from": "2026-02-30"}, "valid_from", None),
    ({"valid_from": "9999-12-31"}, "valid_from", "Out of range"),
    ({"issuer": "NOPE"}, "issuer", "Unknown party"),
    ({"site": "NOPE"}, "site", "Unknown site"),
    ({"product": "NOPE"}, "product", "Unknown product"),
    ({"site": ...}, "site", "Name the site"),
    ({"lot": "NOPE", "site": ..., "product": ...}, "lot", "No batch"),
    ({"kind": "seedling_virus", "number": "SV-0001"}, "product", "does not cover"),
    ({"kind": "climate_good", "number": "CG-0001", "valid_to": "2028-01-01", "product": ...}, "site", "does not cover"),
    ({"unknown": "x"}, "unknown", None),
])
def test_bad_submission_names_the_field_and_writes_nothing(client, world, changes, field, reason):
    with unchanged():
        response = submit(client, world, **changes)
    assert_error(response, 422, field, reason)


def test_issuer_must_be_a_certifying_party_other_than_the_holder(client, world):
    farm = make_issuer(kind="farm")
    with unchanged():
        assert_error(submit(client, world, issuer=farm.code), 422, "issuer", "does not issue")
    world["producer"].party.kind = "certifier"  # a certifier certifying its own product
    world["producer"].party.save()
    with unchanged():
        assert_error(submit(client, world, issuer=world["producer"].party.code), 422, "issuer", "certify itself")


def test_duplicate_number_of_the_same_issuer_is_a_conflict(client, world):
    assert submit(client, world).status_code == 201
    with unchanged():
        response = submit(client, world, number="LB-15-19012700330A")
    assert_error(response, 409, "number")
    assert submit(client, world, issuer=make_issuer().code).status_code == 201  # another issuer may use it


def test_only_the_holders_producers_submit(client, world):
    other = auth_header(make_user())  # a producer of another cooperative
    inspector_headers = world["inspector_headers"]
    with unchanged():
        response = client.post(f"{API}/certificates", json=submission(world), headers=other)
    assert_error(response, 403, "party")  # the site belongs to the producer's party, not the other's
    with unchanged():
        response = client.post(f"{API}/certificates", json=submission(world, party=world["producer"].party.code),
                               headers=other)
    assert_error(response, 403)
    with unchanged():
        assert_error(client.post(f"{API}/certificates", json=submission(world), headers=inspector_headers), 403)
    response = client.post(f"{API}/certificates", json=submission(world), headers=world["admin_headers"])
    assert response.status_code == 201


def review(client, cert_id: int, action: str, headers: dict, **body):
    """Post a review step."""
    return client.post(f"{API}/certificates/{cert_id}/{action}", json=body, headers=headers)


def test_full_review_walk_records_every_transition(client, world):
    cert_id = submit(client, world).get_json()["id"]
    headers = world["inspector_headers"]
    assert review(client, cert_id, "approve", headers).get_json()["status"] == "approved"
    body = review(client, cert_id, "suspend", headers, reason="农残超标", effective_on="2026-06-01").get_json()
    assert (body["status"], body["status_from"]) == ("suspended", "2026-06-01")
    body = review(client, cert_id, "reinstate", headers).get_json()
    assert (body["status"], body["status_from"]) == ("approved", None)
    body = review(client, cert_id, "revoke", headers, reason="伪造", effective_on="2026-07-01").get_json()
    assert (body["status"], body["status_from"], body["current_status"]) == ("revoked", "2026-07-01", "revoked")
    steps = [(t["action"], t["from_status"], t["to_status"], t["effective_on"], t["reason"], t["actor"])
             for t in body["transitions"]]
    name = world["inspector"].name
    assert steps[0][:3] == ("submit", None, "submitted")
    assert steps[1][:3] == ("approve", "submitted", "approved") and steps[1][5] == name
    assert steps[2] == ("suspend", "approved", "suspended", "2026-06-01", "农残超标", name)
    assert steps[3][:3] == ("reinstate", "suspended", "approved")
    assert steps[4] == ("revoke", "approved", "revoked", "2026-07-01", "伪造", name)
    actions = {e.action for e in AuditEntry.select().where(AuditEntry.record_key == "LB-15-19012700330A")}
    assert {"certificates.submit", "certificates.approve", "certificates.suspend", "certificates.reinstate",
            "certificates.revoke"} <= actions


def test_reject_needs_a_reason_and_ends_the_review(client, world):
    cert_id = submit(client, world).get_json()["id"]
    headers = world["inspector_headers"]
    with unchanged():
        assert_error(review(client, cert_id, "reject", headers, reason="  "), 422, "reason")
    assert Certificate.get_by_id(cert_id).status == "submitted"
    assert review(client, cert_id, "reject", headers, reason="扫描件不清楚").get_json()["status"] == "rejected"
    for action in ("approve", "suspend", "reinstate", "revoke", "reject"):
        with unchanged():
            assert_error(review(client, cert_id, action, headers, reason="x"), 409)


@pytest.mark.parametrize(("status", "allowed"), [
    ("submitted", {"approve", "reject"}),
    ("approved", {"suspend", "revoke"}),
    ("suspended", {"reinstate", "revoke"}),
    ("revoked", set()),
    ("rejected", set()),
])
def test_each_step_only_from_its_statuses(client, world, status, allowed):
    headers = world["inspector_headers"]
    for action in ("approve", "reject", "suspend", "reinstate", "revoke"):
        cert = make_certificate(site=world["site"], status=status, status_from=datetime.date(2026, 3, 1))
        if action in allowed:
            response = review(client, cert.id, action, headers, reason="理由", effective_on="2026-04-01")
            assert response.status_code == 200, (action, response.get_json())
        else:
            with unchanged():
                assert_error(review(client, cert.id, action, headers, reason="理由"), 409)
            assert Certificate.get_by_id(cert.id).status == status


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_suspension_and_revocation_need_a_reason_and_a_date_within_validity(client, world, action):
    cert = make_certificate(site=world["site"], valid_from=datetime.date(2026, 1, 1))
    headers = world["inspector_headers"]
    with unchanged():
        assert_error(review(client, cert.id, action, headers), 422, "reason")
        assert_error(review(client, cert.id, action, headers, reason="x", effective_on="2025-12-31"), 422,
                     "effective_on")
        assert_error(review(client, cert.id, action, headers, reason="x", effective_on="someday"), 422,
                     "effective_on")
    assert Certificate.get_by_id(cert.id).status == "approved"


def test_no_one_reviews_their_own_partys_certificate(client, world):
    cert_id = submit(client, world).get_json()["id"]
    holder_inspector = auth_header(make_user(party=world["producer"].party, role="inspector"))
    for headers in (world["headers"], holder_inspector, auth_header(make_user())):
        with unchanged():
            assert_error(review(client, cert_id, "approve", headers), 403)
    admin = auth_header(make_user(role="admin"))
    own = client.post(f"{API}/certificates", json=submission(world, number="LB-15-1703081720A"),
                      headers=admin).get_json()["id"]
    with unchanged():
        assert_error(review(client, own, "approve", admin), 403)  # the submitter itself
    assert review(client, own, "approve", world["admin_headers"]).status_code == 200
    assert Certificate.get_by_id(cert_id).status == "submitted"
    assert CertificateTransition.select().where(CertificateTransition.certificate == cert_id).count() == 1


def test_unknown_certificate_is_404(client, world):
    assert_error(review(client, 999999, "approve", world["inspector_headers"]), 404)
    assert_error(client.get(f"{API}/certificates/999999", headers=world["headers"]), 404)


def test_who_sees_a_certificate(client, world):
    cert = make_certificate(site=world["site"], issuer=world["certifier"])
    url = f"{API}/certificates/{cert.id}"
    assert client.get(url, headers=world["headers"]).status_code == 200
    assert client.get(url, headers=world["inspector_headers"]).status_code == 200
    certifier_user = make_user(party=world["certifier"], role="inspector")
    assert client.get(url, headers=auth_header(certifier_user)).status_code == 200
    assert_error(client.get(url, headers=auth_header(make_user())), 403)


def test_expiry_is_derived_from_the_end_date(client, world):
    cert = make_certificate("organic", site=world["site"], valid_from=datetime.date(2024, 1, 1))
    body = client.get(f"{API}/certificates/{cert.id}", headers=world["headers"]).get_json()
    assert (body["status"], body["current_status"], body["valid_to"]) == ("approved", "expired", "2024-12-31")


def test_inspector_queue_puts_waiting_ones_first_and_filters(client, world):
    party = world["producer"].party
    approved = make_certificate(site=world["site"], valid_from=datetime.date(2026, 1, 1))
    older = make_certificate(site=world["site"], status="submitted", valid_from=datetime.date(2026, 2, 1))
    newer = make_certificate("green_food", site=world["site"], product=world["product"], status="submitted")
    headers = world["inspector_headers"]
    items = client.get(f"{API}/certificates?party={party.code}", headers=headers).get_json()["items"]
    assert [item["id"] for item in items] == [older.id, newer.id, approved.id]
    items = client.get(f"{API}/certificates?party={party.code}&kind=green_food", headers=headers).get_json()["items"]
    assert [item["id"] for item in items] == [newer.id]
    items = client.get(f"{API}/certificates?party={party.code}&status=approved", headers=headers).get_json()["items"]
    assert [item["id"] for item in items] == [approved.id]
    assert_error(client.get(f"{API}/certificates?status=lost", headers=headers), 422, "status")
    assert_error(client.get(f"{API}/certificates?party=NOPE", headers=headers), 422, "party")


def test_producers_list_their_own_partys_certificates(client, world):
    own = make_certificate(site=world["site"])
    make_certificate(site=make_site())
    items = client.get(f"{API}/certificates", headers=world["headers"]).get_json()["items"]
    assert [item["id"] for item in items] == [own.id]


def test_no_odd_value_in_any_certificate_body_is_a_500(client, world):

    cert = make_certificate(site=world["site"], status="submitted")
    bodies = [("/certificates", submission(world, lot=None, party=None, valid_to="2029-01-01", note="n"))]
    bodies += [(f"/certificates/{cert.id}/{action}", {"reason": "r", "effective_on": "2026-05-01"})
               for action in ("approve", "reject", "suspend", "reinstate", "revoke")]
    for path, valid in bodies:
        for field in valid:
            for value in ODD_VALUES:
                response = client.post(API + path, json={**valid, field: value}, headers=world["admin_headers"])
                assert response.status_code < 500, (path, field, value, response.get_json())
                if response.status_code >= 400:
                    assert_error(response, response.status_code)


def test_demo_certificates_are_reviewed_as_listed(database_url):
    from supply.demo import loader as demo
    from supply.services.certification.certificates import evaluate

    demo.seed_demo(demo.generate_passwords())
    found = {cert.number: (cert.kind, cert.party.code, evaluate(cert, datetime.date(2026, 9, 1)))
             for cert in Certificate.select()}
    assert found["AGI01687"] == ("geo_indication", "COOP-DT-YAK", "approved")
    assert found["LB-15-2405630123A"] == ("green_food", "COOP-HZ-VEG", "approved")
    assert found["LYOC-2025-OP-0211"][2] == "suspended"
    assert found["XNHG-GG-2025-007"][2] == "submitted"
    assert Certificate.get(Certificate.number == "AGI01687").valid_to is None
    assert Certificate.get(Certificate.kind == "seedling_virus").batch.product.code == "SS-VIRUS-FREE"
