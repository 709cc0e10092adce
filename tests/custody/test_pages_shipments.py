"""The shipment pages: log a shipment and list them (receiving and cancelling: test_pages_receipts.py)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.models import Event
from supply.models import Shipment
from tests.builders.custody import fresh
from tests.builders.custody import ship_form
from tests.builders.custody import shipment_pages_world
from tests.builders.custody import shipped
from tests.builders.factories import PASSWORD
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import banner
from tests.builders.pages import field_error
from tests.builders.pages import flash
from tests.builders.pages import input_value
from tests.builders.pages import log_in
from tests.builders.pages import selected

world = pytest.fixture(name="world")(shipment_pages_world)


def test_new_page_offers_own_sites_other_parties_and_lots_held(client, world):
    foreign = make_site(party=make_party())
    farm = make_party(kind="farm")
    html = client.get("/shipments/new").text
    assert f'<option value="{world.site.code}"' in html
    assert f'value="{foreign.code}"' not in re.search(r'<select name="from_site".*?</select>', html, re.S).group(0)
    to_party = re.search(r'<select name="to_party".*?</select>', html, re.S).group(0)
    assert f'value="{world.receiver_party.code}"' in to_party
    assert f'value="{world.sender.party.code}"' not in to_party  # not to oneself
    assert f'value="{farm.code}"' not in to_party
    assert f'<option value="{world.cold.code}"' in html  # the receiving party's sites, optional
    assert f"{world.batch.lot_code} · {world.batch.product.name_en} · 500 kg" in html
    assert html.count('name="lines.') == 10  # five rows of lot and quantity
    assert 'type="datetime-local" name="departed_at"' in html
    assert 'name="csrf_token"' in html


def test_new_page_in_chinese(client, world):
    client.set_cookie("lang", "zh_Hans")
    html = client.get("/shipments/new").text
    assert '<html lang="zh-Hans">' in html
    assert "数量" in html  # "Quantity"
    assert "批次" in html  # "Batches" in the menu


def test_lot_in_the_address_fills_in_site_lot_and_quantity(client, world):
    html = client.get(f"/shipments/new?lot={world.batch.lot_code}").text
    assert selected(html, "from_site") == world.site.code
    assert selected(html, "lines.0.lot") == world.batch.lot_code
    assert input_value(html, "lines.0.quantity") == "500"


def test_logging_a_shipment_moves_the_quantity_into_transit(client, world):
    response = client.post("/shipments/new", data=ship_form(world, to_site=world.cold.code))
    assert response.status_code == 302
    shipment = Shipment.get(Shipment.sender == world.sender.party)
    assert response.headers["Location"].endswith(f"/shipments/{shipment.code}")
    assert (shipment.vehicle_plate, shipment.carrier, shipment.doc_number) == ("青A·12345", "青海顺达物流", "DN-0715")
    assert shipment.set_point == Decimal("4")
    assert shipment.departed_at == datetime.datetime(2026, 7, 15, 0, 30)  # 08:30 Beijing time
    assert shipment.to_site_id == world.cold.id
    batch = fresh(world.batch)
    assert (batch.on_hand, batch.in_transit) == (Decimal("400"), Decimal("100"))
    page = client.get(response.headers["Location"]).text
    assert f"Shipment {shipment.code} logged." in flash(page)
    for text in ("In transit", "青A·12345", "2026-07-15 08:30", world.batch.lot_code, "100 kg",
                 world.receiver_party.name_en, "Cancel the shipment"):
        assert text in page, text
    assert "Receive this shipment" not in page  # the sender does not receive


def test_empty_rows_are_ignored_and_messages_land_beside_their_row(client, world):
    other = make_batch(site=world.site, quantity=Decimal("20"))
    lines = [("", ""), (world.batch.lot_code, "50"), ("", ""), (other.lot_code, "30")]
    response = client.post("/shipments/new", data=ship_form(world, lines=lines))
    assert response.status_code == 422
    # The filled rows come back first, so the second of them carries the message about `other`.
    assert selected(response.text, "lines.0.lot") == world.batch.lot_code
    assert selected(response.text, "lines.1.lot") == other.lot_code
    assert input_value(response.text, "lines.1.quantity") == "30"
    assert "More than is on hand." in field_error(response.text, "lines.1.quantity")
    assert f"Lot {other.lot_code} at {world.site.name}: 20 kg." in field_error(response.text, "lines.1.quantity")
    assert field_error(response.text, "lines.0.quantity") == ""
    assert not Shipment.select().exists()
    assert fresh(world.batch).on_hand == Decimal("500")


@pytest.mark.parametrize(
    ("lines", "overrides", "field", "message"),
    [
        ([], {}, "lines", "Give between 1 and 500 items."),
        ([("{lot}", "abc")], {}, "lines.0.quantity", "Not a valid number."),
        ([("{lot}", "0")], {}, "lines.0.quantity", "Must be greater than 0."),
        ([("{lot}", "")], {}, "lines.0.quantity", "Missing data for required field."),
        ([("NO-SUCH-LOT", "5")], {}, "lines.0.lot", "No batch with this lot code."),
        ([("{lot}", "5"), ("{lot}", "6")], {}, "lines.1.lot", "This lot is listed twice."),
        ([("{lot}", "5")], {"to_party": ""}, "to_party", "Missing data for required field."),
        ([("{lot}", "5")], {"to_party": "{own}"}, "to_party", "A shipment goes to another party."),
        ([("{lot}", "5")], {"to_site": "{own_site}"}, "to_site", "This site is not the receiving party's."),
        ([("{lot}", "5")], {"set_point": "99"}, "set_point", "Out of range."),
        ([("{lot}", "5")], {"departed_at": "2999-01-01T08:00"}, "departed_at", "The time may not be in the future."),
        ([("{lot}", "5")], {"vehicle_plate": "青A·" + "1" * 30}, "vehicle_plate", "At most 20 characters."),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_writes_nothing(client, world, lines, overrides, field, message):
    names = {"lot": world.batch.lot_code, "own": world.sender.party.code, "own_site": world.site.code}
    lines = [(lot.format(**names), quantity) for lot, quantity in lines]
    overrides = {key: value.format(**names) for key, value in overrides.items()}
    events = Event.select().count()
    response = client.post("/shipments/new", data=ship_form(world, lines=lines, **overrides))
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert "Please correct the fields marked below." in banner(response.text)
    assert not Shipment.select().exists()
    assert Event.select().count() == events
    assert fresh(world.batch).on_hand == Decimal("500")


def test_a_lot_on_hold_is_refused_with_a_message(client, world):
    Batch.update(status="on_hold").where(Batch.id == world.batch.id).execute()
    response = client.post("/shipments/new", data=ship_form(world))
    assert response.status_code == 422
    assert "This batch is on hold or recalled and may not move." in banner(response.text)
    assert not Shipment.select().exists()


def test_more_lines_shows_more_rows_and_keeps_what_was_typed(client, world):
    response = client.post("/shipments/new", data=ship_form(world, more="rows"))
    assert response.status_code == 200
    assert response.text.count('name="lines.') == 20  # ten rows
    assert selected(response.text, "lines.0.lot") == world.batch.lot_code
    assert input_value(response.text, "vehicle_plate") == "青A·12345"
    assert not Shipment.select().exists()


def test_lists_show_outgoing_and_incoming_by_party(client, world):
    shipment = shipped(world)
    unrelated = make_user(role="producer")
    unrelated_site = make_site(party=unrelated.party)
    make_batch(site=unrelated_site)
    outgoing = client.get("/shipments/?direction=outgoing").text
    assert shipment.code in outgoing
    assert shipment.code not in client.get("/shipments/?direction=incoming").text
    log_in(client, world.receiver)
    incoming = client.get("/shipments/?direction=incoming&status=in_transit").text
    assert shipment.code in incoming
    assert f'href="/shipments/{shipment.code}/receive"' in incoming
    assert shipment.code not in client.get("/shipments/?status=received").text
    log_in(client, unrelated)
    assert shipment.code not in client.get("/shipments/").text


def test_inspectors_may_pick_a_party(client, world):
    shipment = shipped(world)
    other = make_party()
    log_in(client, make_user(role="inspector"))
    assert shipment.code in client.get("/shipments/").text
    assert shipment.code in client.get(f"/shipments/?party={world.receiver_party.code}&direction=incoming").text
    assert shipment.code not in client.get(f"/shipments/?party={world.receiver_party.code}&direction=outgoing").text
    assert shipment.code not in client.get(f"/shipments/?party={other.code}").text
    bad = client.get("/shipments/?party=NO-SUCH&status=lost")
    assert bad.status_code == 200
    assert field_error(bad.text, "party") == "Unknown party code."
    assert field_error(bad.text, "status") == "Not one of the allowed values."
    assert shipment.code in bad.text


def test_an_inspector_without_a_party_gets_the_same_shipments_from_the_page_and_the_api(client, world):
    shipment = shipped(world)
    inspector = make_user(role="inspector")
    log_in(client, inspector)
    headers = auth_header(inspector)
    for query in ("direction=incoming", "direction=outgoing", "direction=incoming&status=in_transit", ""):
        page = client.get(f"/shipments/?{query}").text
        listed = [item["code"] for item in client.get(f"/api/v1/shipments?{query}", headers=headers).json["items"]]
        assert shipment.code in page, query
        assert listed == [shipment.code], query
    assert shipment.code not in client.get("/shipments/?direction=incoming&status=received").text
    assert client.get("/api/v1/shipments?direction=incoming&status=received", headers=headers).json["items"] == []


def test_list_queries_do_not_grow_with_the_shipments(client, world):
    log_in(client, make_user(role="admin"))
    shipped(world, "1")
    with count_queries() as one:
        assert client.get("/shipments/?per_page=50").status_code == 200
    for _ in range(14):
        shipped(world, "1")
    with count_queries() as fifteen:
        response = client.get("/shipments/?per_page=50")
    assert len(re.findall(r'<a href="/shipments/SH[^"/]*">', response.text)) == 15
    assert one.count >= 3
    assert fifteen.count == one.count
    assert fifteen.count <= 6


def test_shipment_lists_page_through(client, world):
    for _ in range(25):
        shipped(world, "1")
    html = client.get("/shipments/?direction=outgoing").text
    assert "Page 1 of 2" in html
    assert 'href="/shipments/?direction=outgoing&amp;page=2"' in html
    second = client.get("/shipments/?direction=outgoing&page=2").text
    assert len(re.findall(r'<a href="/shipments/SH[^"/]*">', second)) == 5


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def test_shipment_forms_need_the_csrf_token(csrf_client):
    client = csrf_client
    sender = make_user(role="producer")
    site = make_site(party=sender.party)
    batch = make_batch(site=site)
    receiver_party = make_party(kind="operator")
    world = SimpleNamespace(site=site, receiver_party=receiver_party, sender=sender, batch=batch)
    client.set_cookie("lang", "en")
    assert client.post("/login", data={"email": sender.email, "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")}).status_code == 302
    refused = client.post("/shipments/new", data=ship_form(world))
    assert refused.status_code == 400
    assert not Shipment.select().exists()
    sent = client.post("/shipments/new", data=dict(ship_form(world), csrf_token=_token(client, "/shipments/new")))
    assert sent.status_code == 302
    shipment = Shipment.get(Shipment.sender == sender.party)
    assert client.post(f"/shipments/{shipment.code}/cancel", data={"reason": "x"}).status_code == 400
    assert Shipment.get_by_id(shipment.id).status == "in_transit"
    token = _token(client, f"/shipments/{shipment.code}")
    cancelled = client.post(f"/shipments/{shipment.code}/cancel", data={"reason": "x", "csrf_token": token})
    assert cancelled.status_code == 302
    assert Shipment.get_by_id(shipment.id).status == "cancelled"
