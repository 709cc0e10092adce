"""Inspections and test results through the API: who records them, what they say, the event they leave."""

from __future__ import annotations

from supply.models import AuditEntry
from supply.models import Event
from supply.models import Inspection
from supply.models import TestResult
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.inspection import inspection_world


def inspection_body(w, **changes) -> dict:
    """A sampling at the producer's field."""
    return {"kind": "sampling", "party": w["producer"].party.code, "site": w["field"].code, "lot": "VEG-I1",
            "inspected_at": "2026-07-16T10:00:00+08:00", "outcome": "satisfactory", "notes": "抽样 2 kg", **changes}


def test_inspector_records_and_reads_an_inspection(client):
    w = inspection_world()
    response = client.post(f"{API}/inspections", json=inspection_body(w), headers=w["ih"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["lot"], body["site"], body["inspected_at"]) == ("VEG-I1", w["field"].code, "2026-07-16T10:00:00+08:00")
    assert client.get(f"{API}/inspections/{body['id']}", headers=w["ih"]).get_json()["notes"] == "抽样 2 kg"
    # the inspected party sees its own inspections; another party sees none of them
    assert client.get(f"{API}/inspections", headers=w["ph"]).get_json()["total"] == 1
    stranger = auth_header(make_user(role="producer"))
    assert client.get(f"{API}/inspections", headers=stranger).get_json()["total"] == 0
    assert_error(client.get(f"{API}/inspections/{body['id']}", headers=stranger), 404)
    assert AuditEntry.select().where(AuditEntry.action == "inspection.record").count() == 1


def test_inspection_input_is_checked_and_nothing_written(client):
    w = inspection_world()
    other_site = make_site()
    with unchanged():
        assert_error(client.post(f"{API}/inspections", json=inspection_body(w), headers=w["ph"]), 403)
        assert_error(client.post(f"{API}/inspections", json=inspection_body(w, site=other_site.code),
                                 headers=w["ih"]), 422, "site")
        assert_error(client.post(f"{API}/inspections", json=inspection_body(w, party="NOPE"), headers=w["ih"]),
                     422, "party")
        assert_error(client.post(f"{API}/inspections", json=inspection_body(w, kind="audit"), headers=w["ih"]),
                     422, "kind")
    assert Inspection.select().count() == 0


def test_enzyme_inhibition_below_50_percent_passes_and_the_journey_shows_it(client):
    w = inspection_world()
    inspection = client.post(f"{API}/inspections", json=inspection_body(w), headers=w["ih"]).get_json()
    lab = make_party(kind="inspector")
    body = {"lot": "VEG-I1", "kind": "pesticide_rapid", "method": "enzyme_inhibition", "analyte": "有机磷",
            "value": "49.9", "value_unit": "%", "kit_lot": "K-9", "operator": "王", "lab": lab.code,
            "inspection": inspection["id"]}
    response = client.post(f"{API}/tests", json=body, headers=w["ih"])
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert (result["passed"], result["value"], result["lab"], result["inspection"]) == (
        True, "49.9", lab.code, inspection["id"])
    events = client.get(f"{API}/batches/VEG-I1/events", headers=w["ph"]).get_json()
    steps = [e.get("biz_step") for e in (events.get("items") or events.get("events") or [])]
    assert "inspecting" in steps, events
    event = Event.get(Event.biz_step == "inspecting")
    assert event.disposition == "conformant" and event.data["analyte"] == "有机磷"
    listed = client.get(f"{API}/batches/VEG-I1/tests", headers=w["ph"]).get_json()
    assert [item["id"] for item in listed["items"]] == [result["id"]]


def test_test_rules(client):
    w = inspection_world()
    base = {"lot": "VEG-I1", "kind": "pesticide_rapid", "method": "test_strip"}
    with unchanged():
        # a test strip has no value to derive from: say whether it passed
        assert_error(client.post(f"{API}/tests", json=base, headers=w["ih"]), 422, "passed")
        assert_error(client.post(f"{API}/tests", json={**base, "method": "", "passed": True}, headers=w["ih"]),
                     422, "method")
        assert_error(client.post(f"{API}/tests", json={**base, "kind": "dna", "passed": True}, headers=w["ih"]),
                     422, "kind")
        assert_error(client.post(f"{API}/tests", json={**base, "lot": "NOPE", "passed": True}, headers=w["ih"]), 404)
        assert_error(client.post(f"{API}/tests", json={**base, "passed": True, "inspection": 999999},
                                 headers=w["ih"]), 422, "inspection")
    assert TestResult.select().count() == 0


def test_who_may_record_tests(client):
    w = inspection_world()
    body = {"lot": "VEG-I1", "kind": "pesticide_rapid", "method": "test_strip", "passed": True}
    lab = make_party(kind="inspector")
    stranger = auth_header(make_user(role="producer"))
    operator_elsewhere = auth_header(make_user(role="operator"))
    with unchanged():
        assert_error(client.post(f"{API}/tests", json=body, headers=stranger), 404)  # a lot it cannot see
        assert_error(client.post(f"{API}/tests", json=body, headers=operator_elsewhere), 404)
        # a producer records its own lab's tests, never another lab's result
        assert_error(client.post(f"{API}/tests", json={**body, "lab": lab.code}, headers=w["ph"]), 403, "lab")
    own = client.post(f"{API}/tests", json=body, headers=w["ph"])
    assert own.status_code == 201 and own.get_json()["lab"] == w["producer"].party.code
    admin = auth_header(make_user(role="admin"))
    assert client.post(f"{API}/tests", json={**body, "lab": lab.code}, headers=admin).status_code == 201
    seedling = {"lot": "VEG-I1", "kind": "seedling_virus", "method": "elisa", "analyte": "SMoV", "passed": True}
    assert client.post(f"{API}/tests", json=seedling, headers=w["ih"]).status_code == 201
