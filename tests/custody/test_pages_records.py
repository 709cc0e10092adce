"""The records pages: declare an event in error from the batch timeline, record a lot stored with temperatures."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest

from supply.models import Batch
from supply.models import Event
from supply.models import Shipment
from supply.services.custody.shipments import create_shipment
from tests.builders.api import unchanged
from tests.builders.chains import ship_and_receive
from tests.builders.chains import vegetable_chain
from tests.builders.custody import records_world
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import flash
from tests.builders.pages import input_value
from tests.builders.pages import log_in
from tests.builders.pages import selected

world = pytest.fixture(name="world")(records_world)


def _ship(world, quantity: str = "200"):
    """Log a shipment of part of the lot to the operator, through the service."""
    return create_shipment(world.coop, {"from_site": world.packhouse.code, "to_party": world.operator.party.code,
                                        "to_site": world.cold.code,
                                        "lines": [{"lot": world.batch.lot_code, "quantity": Decimal(quantity)}]})


def _event(biz_step: str) -> Event:
    """Return the one undeclared event of a business step."""
    return Event.get(Event.biz_step == biz_step, Event.declares.is_null())


def _declare_links(html: str) -> list[str]:
    """Return the targets of the 'Declare in error' links of a page."""
    return [unescape(href) for href in re.findall(r'<a class="declare" href="([^"]+)"', html)]


def _declared_headings(html: str) -> list[str]:
    """Return the struck-through headings of the timeline."""
    return [unescape(text).strip() for text in re.findall(r'<p class="step"><del>(.*?)</del></p>', html, re.S)]


def test_a_shipment_declared_in_error_through_the_page_is_struck_through_and_put_back(client, world):
    shipment = _ship(world)
    log_in(client, world.coop)
    page = client.get(f"/batches/{world.batch.lot_code}").text
    shipping = _event("shipping")
    declare_url = f"/records/events/{shipping.event_id}/declare"
    assert declare_url in _declare_links(page)
    form = client.get(declare_url)
    assert form.status_code == 200
    assert "Shipped" in form.text and world.batch.lot_code in form.text and 'name="csrf_token"' in form.text
    assert re.search(r'<option value="did_not_occur"\s*>The event did not occur</option>', form.text)

    response = client.post(declare_url, data={"reason": "did_not_occur", "note": "司机没有出发"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/batches/{world.batch.lot_code}")
    page = client.get(response.headers["Location"]).text
    assert flash(page) == "The event was declared in error."
    assert any(heading.startswith("Shipped to") for heading in _declared_headings(page))
    assert "Error declaration: it did not occur" in page and "司机没有出发" in page
    assert "Declared in error on" in page
    assert declare_url not in _declare_links(page)  # declared once, never again
    assert Shipment.get_by_id(shipment.id).status == "cancelled"
    assert Batch.get_by_id(world.batch.id).on_hand == Decimal("500")


def test_a_receipt_declared_in_error_puts_the_shipment_back_in_transit(client, world):
    shipment = ship_and_receive(world.coop, world.packhouse, world.operator, world.cold, world.batch.lot_code, "200",
                                received="190", reason="压伤")
    receiving = _event("receiving")
    log_in(client, world.operator, "zh_Hans")
    page = client.get(f"/batches/{world.batch.lot_code}").text
    # The operator may declare its own receipt, not the cooperative's registration or shipment.
    assert _declare_links(page) == [f"/records/events/{receiving.event_id}/declare"]
    response = client.post(f"/records/events/{receiving.event_id}/declare",
                           data={"reason": "incorrect_data", "note": "数量录错"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert flash(page)  # its Chinese text comes with the merged catalogue (/tmp/i18n/records.json)
    assert _declared_headings(page)
    assert Shipment.get_by_id(shipment.id).status == "in_transit"
    assert Batch.get_by_id(world.batch.id).in_transit == Decimal("200")


def test_another_partys_event_cannot_be_declared(client, world):
    _ship(world)
    shipping = _event("shipping")
    log_in(client, world.operator)
    assert _declare_links(client.get(f"/batches/{world.batch.lot_code}").text) == []
    with unchanged():
        assert client.get(f"/records/events/{shipping.event_id}/declare").status_code == 403
        response = client.post(f"/records/events/{shipping.event_id}/declare", data={"reason": "did_not_occur"})
    assert response.status_code == 403
    assert "Only the party that recorded this event may declare it in error." in unescape(response.text)
    assert client.get("/records/events/urn:uuid:00000000-0000-0000-0000-000000000000/declare").status_code == 404


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Later events build on this one: declare them in error first."),
    ("zh_Hans", "后续事件以此事件为基础，请先将后续事件声明为错误。"),
])
def test_an_event_later_events_build_on_is_refused_in_the_users_language(client, lang, message):
    chain = vegetable_chain()
    merge = Event.get(Event.event_type == "TransformationEvent", Event.party == chain["coop"].party_id)
    log_in(client, chain["coop"], lang)
    with unchanged():
        response = client.post(f"/records/events/{merge.event_id}/declare",
                               data={"reason": "did_not_occur", "note": "x"})
    assert response.status_code == 422
    assert field_error(response.text, "event") == message
    assert selected(response.text, "reason") == "did_not_occur"


def test_declaration_fields_are_checked(client, world):
    _ship(world)
    shipping = _event("shipping")
    log_in(client, world.coop)
    url = f"/records/events/{shipping.event_id}/declare"
    with unchanged():
        missing = client.post(url, data={"reason": ""})
        unknown = client.post(url, data={"reason": "did_not_occur", "corrective_event_id": "urn:uuid:nope"})
    assert missing.status_code == 422 and field_error(missing.text, "reason")
    assert unknown.status_code == 422
    assert field_error(unknown.text, "corrective_event_id") == "No event with this id."
    assert input_value(unknown.text, "corrective_event_id") == "urn:uuid:nope"


def test_a_declaration_is_not_offered_for_tests_holds_or_declarations(client, world):
    log_in(client, world.coop)
    commissioning = _event("commissioning")
    client.post(f"/records/events/{commissioning.event_id}/declare", data={"reason": "did_not_occur"})
    declaration = Event.get(Event.declares == commissioning.id)
    page = client.get(f"/batches/{world.batch.lot_code}").text
    assert _declare_links(page) == []
    refused = client.post(f"/records/events/{declaration.event_id}/declare", data={"reason": "did_not_occur"})
    assert refused.status_code == 422
    assert field_error(refused.text, "event") == "A declaration cannot itself be declared in error."


def test_a_test_result_is_never_offered_and_refused_through_the_page(client, world):
    lab = make_party(kind="inspector")
    inspector = make_user(role="inspector", party=lab)
    body = {"lot": world.batch.lot_code, "kind": "pesticide_rapid", "method": "enzyme_inhibition",
            "analyte": "有机磷", "value": "20", "value_unit": "%", "lab": lab.code}
    assert client.post("/api/v1/tests", json=body, headers=auth_header(inspector)).status_code == 201
    inspecting = _event("inspecting")
    log_in(client, make_user(role="admin"))
    links = _declare_links(client.get(f"/batches/{world.batch.lot_code}").text)
    assert links == [f"/records/events/{_event('commissioning').event_id}/declare"]
    with unchanged():
        refused = client.post(f"/records/events/{inspecting.event_id}/declare", data={"reason": "did_not_occur"})
    assert refused.status_code == 422
    assert "corrected through their own workflow" in field_error(refused.text, "event")


def _storing_form(world, **overrides) -> dict:
    """Good values for the storing form."""
    data = {"lot": world.batch.lot_code, "site": world.packhouse.code, "interval_start": "2026-07-15T08:00",
            "interval_end": "2026-07-16T08:00", "temperature_min": "1.5", "temperature_max": "4", "notes": "冷库二号"}
    data.update(overrides)
    return data


def test_storage_recorded_through_the_page_shows_its_temperatures_in_the_timeline(client, world):
    log_in(client, world.coop)
    page = client.get(f"/batches/{world.batch.lot_code}").text
    assert f"/records/storing?lot={world.batch.lot_code}" in page
    form = client.get(f"/records/storing?lot={world.batch.lot_code}")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    assert input_value(form.text, "lot") == world.batch.lot_code
    assert selected(form.text, "site") == world.packhouse.code
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", input_value(form.text, "interval_end"))

    response = client.post("/records/storing", data=_storing_form(world))
    assert response.status_code == 302
    event = _event("storing")
    assert event.data["temperature_min"] == "1.5" and event.data["temperature_max"] == "4"
    assert event.data["interval_start"].startswith("2026-07-15T08:00:00+08:00")
    page = client.get(response.headers["Location"]).text
    assert flash(page) == f"Storage of lot {world.batch.lot_code} recorded."
    assert "Temperature: 1.5 to 4 °C" in unescape(page)
    assert "Stored from 2026-07-15 08:00 to 2026-07-16 08:00" in page and "冷库二号" in page
    # A storing observation may itself be declared in error by the party that recorded it.
    assert f"/records/events/{event.event_id}/declare" in _declare_links(page)


@pytest.mark.parametrize(("lang", "changes", "field", "message"), [
    ("en", {"temperature_min": "5", "temperature_max": "2"}, "temperature_max",
     "The highest temperature is below the lowest."),
    ("zh_Hans", {"temperature_min": "5", "temperature_max": "2"}, "temperature_max", "最高温度低于最低温度。"),
    ("en", {"interval_start": "2026-07-16T09:00"}, "interval_end", "The interval ends before it starts."),
    ("en", {"temperature_min": "ice"}, "temperature_min", None),
    ("en", {"temperature_max": "99"}, "temperature_max", "Out of range."),
    ("en", {"interval_end": "yesterday"}, "interval_end", None),
    ("en", {"lot": "NO-SUCH-LOT"}, "lot", None),
])
def test_bad_storing_input_is_shown_beside_the_field_and_writes_nothing(client, world, lang, changes, field, message):
    log_in(client, world.coop, lang)
    with unchanged():
        response = client.post("/records/storing", data=_storing_form(world, **changes))
    assert response.status_code == 422, response.text
    shown = field_error(response.text, field)
    assert shown and (message is None or shown == message)
    assert input_value(response.text, "temperature_min") == _storing_form(world, **changes)["temperature_min"]


def test_storage_is_refused_at_a_site_of_another_party_or_of_a_lot_not_held(client, world):
    empty = make_site(party=world.coop.party, kind="cold_store")
    log_in(client, world.coop)
    with unchanged():
        elsewhere = client.post("/records/storing", data=_storing_form(world, site=world.cold.code))
        not_held = client.post("/records/storing", data=_storing_form(world, site=empty.code))
    assert elsewhere.status_code == 422
    assert field_error(elsewhere.text, "site") == "This site belongs to another party."
    assert not_held.status_code == 422
    assert field_error(not_held.text, "lot") == "Your party holds none of this lot at this site."
    log_in(client, world.operator)
    with unchanged():
        unseen = client.post("/records/storing", data=_storing_form(world, site=world.cold.code))
    assert unseen.status_code == 422 and field_error(unseen.text, "lot")


def test_a_producer_of_another_party_finds_nothing_of_its_lots(client, world):
    _ship(world)
    stranger = make_user(role="producer", party=make_party(kind="farm"))
    log_in(client, stranger)
    page = client.get(f"/records/storing?lot={world.batch.lot_code}")
    assert page.status_code == 404  # as for a lot that does not exist
    assert client.get(f"/records/events/{_event('shipping').event_id}/declare").status_code == 403
    assert client.get(f"/batches/{world.batch.lot_code}").status_code == 404


def test_an_inspector_may_not_record_storage(client, world):
    log_in(client, make_user(role="inspector"))
    assert client.get("/records/storing").status_code == 403
    page = client.get(f"/batches/{world.batch.lot_code}").text
    assert "/records/storing" not in page and _declare_links(page) == []
