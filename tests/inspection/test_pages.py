"""The inspection pages: inspections, a lot's tests and certificates, holds with their release, in Chinese too."""

from __future__ import annotations

from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.models import Certificate
from supply.models import Hold
from supply.models import Inspection
from supply.services.inspection.inspections import record_inspection
from tests.builders.api import table_counts
from tests.builders.chains import register
from tests.builders.chains import vegetable_chain
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import banner
from tests.builders.pages import field_error
from tests.builders.pages import flash
from tests.builders.pages import log_in


def failing_form(lot="VEG-A") -> dict:
    """The test form filled with a failing enzyme inhibition test (result left to be derived)."""
    return {"lot": lot, "kind": "pesticide_rapid", "method": "enzyme_inhibition", "analyte": "有机磷",
            "value": "71", "value_unit": "%", "kit_lot": "K-1", "operator": "李", "tested_at": "2026-07-16T09:00"}


def test_inspector_records_an_inspection_and_sees_it_listed(client):
    party = make_party(kind="cooperative")
    site = make_site(party=party)
    inspector = make_user(role="inspector")
    log_in(client, inspector)
    assert client.get("/inspections/new").status_code == 200
    response = client.post("/inspections/new", data={"kind": "site_visit", "party": party.code, "site": site.code,
                                                     "outcome": "satisfactory", "notes": "基地卫生良好"})
    assert response.status_code == 302, banner(response.get_data(as_text=True))
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "基地卫生良好" in detail and "Inspection recorded." in flash(detail)
    assert party.name_en in client.get("/inspections/").get_data(as_text=True)


def test_inspection_form_errors_in_chinese_and_nothing_written(client):
    party = make_party()
    other = make_site()
    log_in(client, make_user(role="inspector"), "zh_Hans")
    before = table_counts()
    response = client.post("/inspections/new", data={"kind": "sampling", "party": party.code, "site": other.code})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "site") == "该场所属于其他主体。"
    response = client.post("/inspections/new", data={"party": party.code})
    assert field_error(response.get_data(as_text=True), "kind") == "此项必填。"
    assert table_counts() == before and Inspection.select().count() == 0


def test_producer_may_not_open_the_inspector_pages(client):
    log_in(client, make_user(role="producer"))
    assert client.get("/inspections/new").status_code == 403
    assert client.get("/inspections/holds").status_code == 403


def test_failing_test_by_form_holds_the_chain_and_release_needs_a_reason(client):
    vegetable_chain()
    log_in(client, make_user(role="inspector"), "zh_Hans")
    response = client.post("/inspections/tests/new", data=failing_form())
    assert response.status_code == 302
    lot_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "VEG-A" in lot_page and "K-1" in lot_page
    assert Batch.get(Batch.lot_code == "VEG-P1").status == "on_hold"
    holds_page = client.get("/inspections/holds").get_data(as_text=True)
    assert "VEG-S2" in holds_page and "VEG-P1" in holds_page
    hold = Hold.get()
    before = table_counts()
    response = client.post(f"/inspections/holds/{hold.id}/release", data={"reason": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "reason") == "此项必填。"
    assert table_counts() == before and Hold.get_by_id(hold.id).released_at is None
    response = client.post(f"/inspections/holds/{hold.id}/release", data={"reason": "复检合格"})
    assert response.status_code == 302
    assert Batch.get(Batch.lot_code == "VEG-P1").status == "active"
    assert "VEG-P1" not in client.get("/inspections/holds").get_data(as_text=True)


def test_test_form_errors_beside_fields(client):
    vegetable_chain()
    log_in(client, make_user(role="inspector"), "zh_Hans")
    response = client.post("/inspections/tests/new", data={**failing_form(), "kind": "", "value": "abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "kind") == "此项必填。" and field_error(html, "value") == "不是有效的数字。"


def test_producer_issues_and_prints_a_compliance_certificate(client):
    producer = make_user(role="producer", party=make_party(phone="0971-8889999"))
    field = make_site(party=producer.party)
    register(producer, field, make_product(name="生菜"), "80", lot_code="VEG-L1")
    log_in(client, producer, "zh_Hans")
    page = client.get("/inspections/lots/VEG-L1")
    assert page.status_code == 200
    response = client.post("/inspections/lots/VEG-L1/compliance", data={"basis": "own_test"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "basis")
    assert Certificate.select().count() == 0
    response = client.post("/inspections/lots/VEG-L1/compliance", data={"basis": "quality_control"})
    assert response.status_code == 302
    number = Certificate.get().number
    lot_page = client.get("/inspections/lots/VEG-L1").get_data(as_text=True)
    assert number in lot_page and "0971-8889999" not in lot_page
    printed = client.get("/labels?format=certificate&lots=VEG-L1").get_data(as_text=True)
    assert number in printed and "☑ 内部质量控制" in printed and "0971-8889999" in printed


def test_public_page_never_shows_the_certificate_contact(client):
    producer = make_user(role="producer", party=make_party(phone="0971-7776666"))
    field = make_site(party=producer.party)
    batch = register(producer, field, make_product(), "80", lot_code="VEG-PUB")
    log_in(client, producer)
    client.post("/inspections/lots/VEG-PUB/compliance", data={"basis": "quality_control"})
    assert Certificate.select().count() == 1
    public = client.get(f"/t/{batch.public_token}").get_data(as_text=True)
    assert "0971-7776666" not in public


def test_list_pages_cost_a_fixed_number_of_queries(client):
    inspector = make_user(role="inspector")
    log_in(client, inspector)

    def pages_cost() -> int:
        with count_queries() as counter:
            assert client.get("/inspections/").status_code == 200
            assert client.get("/inspections/holds").status_code == 200
        return counter.count

    chain = vegetable_chain()
    lot = chain["a"].lot_code
    record_inspection(inspector, {"kind": "sampling", "party": chain["coop"].party.code, "lot": lot})
    client.post("/inspections/holds/new", data={"lot": "VEG-S1", "reason": "抽检"})
    few = pages_cost()
    for _ in range(3):
        record_inspection(inspector, {"kind": "sampling", "party": chain["coop"].party.code, "lot": lot})
        client.post("/inspections/holds/new", data={"lot": "VEG-S2", "reason": "抽检"})
    assert pages_cost() == few


def test_inspection_page_lists_its_tests_and_the_lot_page_its_holds(client):
    chain = vegetable_chain()
    inspector = make_user(role="inspector")
    inspection = record_inspection(inspector, {"kind": "sampling", "party": chain["operator"].party.code,
                                               "lot": "VEG-S2"})
    log_in(client, inspector, "zh_Hans")
    # VEG-S2 was split off just now: a test of it is dated now, not before it existed.
    response = client.post("/inspections/tests/new", data={**failing_form("VEG-S2"), "kit_lot": "KIT-77",
                                                           "inspection": str(inspection.id), "tested_at": ""})
    assert response.status_code == 302
    detail = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "KIT-77" in detail and "VEG-S2" in detail
    lot_page = client.get("/inspections/lots/VEG-S2").get_data(as_text=True)
    assert 'role="alert"' in lot_page and "KIT-77" in lot_page and "有机磷" in lot_page


def test_english_pages_name_the_analyte_in_english(client):
    vegetable_chain()
    log_in(client, make_user(role="inspector"))
    response = client.post("/inspections/tests/new", data=dict(failing_form(), value="10"))
    assert response.status_code == 302
    lot_page = client.get("/inspections/lots/VEG-A").get_data(as_text=True)
    assert "<td>Organophosphates</td>" in lot_page and "有机磷" not in lot_page
    log_in(client, make_user(role="inspector"), "zh_Hans")
    assert "<td>有机磷</td>" in client.get("/inspections/lots/VEG-A").get_data(as_text=True)
