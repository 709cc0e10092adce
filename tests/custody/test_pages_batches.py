"""The producer's pages: register a batch, list and filter batches, open one."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from markupsafe import escape
from playhouse.test_utils import count_queries

from supply.clock import local_today
from supply.models import Batch
from tests.builders.custody import producer_at_a_site
from tests.builders.custody import register_form as form_for
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in

REGISTER_FIELDS = ("lot_code", "product", "site", "quantity", "unit", "produced_on", "produced_at", "field_name",
                   "ear_tag", "notes")


producer_setup = pytest.fixture(name="producer_setup")(producer_at_a_site)


def test_register_page_has_the_agreed_fields(client, producer_setup):
    html = client.get("/batches/new").text
    for name in REGISTER_FIELDS:
        assert f'name="{name}"' in html
    assert 'type="date" name="produced_on"' in html
    assert 'type="datetime-local" name="produced_at"' in html
    assert ">Register</button>" in html


def test_register_through_the_page_creates_and_shows_the_batch(client, producer_setup):
    user, site, product = producer_setup
    response = client.post("/batches/new", data=form_for(site, product, lot_code="XN-2026/07"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/batches/XN-2026/07")
    batch = Batch.get(Batch.lot_code == "XN-2026/07")
    assert batch.quantity == Decimal("250.5")
    assert batch.unit == "kg"  # the product's unit stands in for an empty unit
    assert batch.origin_site_id == site.id
    assert batch.created_by_id == user.id
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Batch XN-2026/07 registered." in page.text
    assert "250.5 kg" in page.text
    assert "3号地" in page.text
    assert product.name_en in page.text


def test_register_generates_a_lot_code(client, producer_setup):
    _, site, product = producer_setup
    response = client.post("/batches/new", data=form_for(site, product))
    assert response.status_code == 302
    lot = Batch.select().order_by(Batch.id.desc()).get().lot_code
    assert lot.startswith("VG260701-")
    assert response.headers["Location"].endswith(f"/batches/{lot}")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quantity": "0"}, "quantity", "Must be greater than 0."),
        ({"quantity": "-5"}, "quantity", "Must be greater than 0."),
        ({"quantity": "lots"}, "quantity", "Not a valid number."),
        ({"quantity": "NaN"}, "quantity", "Special numeric values (nan or infinity) are not permitted."),
        ({"quantity": "Infinity"}, "quantity", "Special numeric values (nan or infinity) are not permitted."),
        ({"quantity": "1e12"}, "quantity", "Must be at most 100,000,000."),
        ({"quantity": ""}, "quantity", "Missing data for required field."),
        ({"produced_on": "2999-01-01"}, "produced_on", "The date may not be in the future."),
        ({"lot_code": "AB CD"}, "lot_code", "Use 1 to 20 characters of the GS1 set"),
        ({"lot_code": "A" * 21}, "lot_code", "Use 1 to 20 characters of the GS1 set"),
        ({"unit": "head"}, "unit", "This unit does not fit the product category."),
        ({"unit": "plant"}, "unit", "This unit does not fit the product category."),
        ({"product": "NO-SUCH"}, "product", "Unknown product code."),
        ({"site": "NO-SUCH"}, "site", "Unknown site code."),
        ({"ear_tag": "123"}, "ear_tag", "An ear tag is 15 digits"),
        ({"notes": "x" * 2001}, "notes", "At most 2000 characters."),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_writes_nothing(client, producer_setup, overrides, field, message):
    _, site, product = producer_setup
    before = Batch.select().count()
    response = client.post("/batches/new", data=form_for(site, product, **overrides))
    assert response.status_code == 422
    assert str(escape(message)) in field_error(response.text, field)
    assert "Please correct the fields marked below." in response.text
    assert Batch.select().count() == before
    if field in ("quantity", "produced_on", "lot_code", "ear_tag") and overrides[field]:
        assert f'name="{field}" value="{escape(overrides[field])}"' in response.text  # the value sent comes back


def test_another_partys_site_is_refused_beside_the_site_field(client, producer_setup):
    _, _, product = producer_setup
    foreign = make_site(party=make_party())
    before = Batch.select().count()
    response = client.post("/batches/new", data=form_for(foreign, product))
    assert response.status_code == 422
    assert field_error(response.text, "site") == "This site belongs to another party."
    assert Batch.select().count() == before


def test_duplicate_lot_code_is_refused(client, producer_setup):
    _, site, product = producer_setup
    make_batch(site=site, product=product, lot_code="DUP-1")
    before = Batch.select().count()
    response = client.post("/batches/new", data=form_for(site, product, lot_code="DUP-1"))
    assert response.status_code == 422
    assert field_error(response.text, "lot_code") == "This lot code is taken."
    assert Batch.select().count() == before


def test_register_offers_only_the_users_own_sites(client, producer_setup):
    _, site, _ = producer_setup
    foreign = make_site(party=make_party())
    html = client.get("/batches/new").text
    assert f'value="{site.code}"' in html
    assert f'value="{foreign.code}"' not in html
    assert f'value="{local_today().isoformat()}"' in html


def test_admin_may_register_at_any_site(client):
    admin = make_user(role="admin")
    site = make_site()
    product = make_product(category="live_yak", unit="head")
    log_in(client, admin)
    assert f'value="{site.code}"' in client.get("/batches/new").text
    response = client.post("/batches/new", data=form_for(site, product, quantity="1", ear_tag="163012345678901"))
    assert response.status_code == 302
    assert Batch.get(Batch.ear_tag == "163012345678901").origin_party_id == site.party_id


def test_inspector_may_list_but_not_register(client):
    inspector = make_user(role="inspector")
    batch = make_batch()
    log_in(client, inspector)
    assert batch.lot_code in client.get("/batches/").text
    assert client.get("/batches/new").status_code == 403
    site = make_site()
    response = client.post("/batches/new", data=form_for(site, make_product()))
    assert response.status_code == 403
    assert not Batch.select().where(Batch.origin_site == site).exists()


def test_anonymous_visitors_are_sent_to_login(client):
    batch = make_batch()
    for url in ("/batches/", "/batches/new", f"/batches/{batch.lot_code}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_list_shows_only_the_users_partys_batches(client, producer_setup):
    _, site, product = producer_setup
    own = make_batch(site=site, product=product)
    other = make_batch()
    html = client.get("/batches/").text
    assert own.lot_code in html
    assert other.lot_code not in html


def test_list_filters_narrow_the_list(client):
    admin = make_user(role="admin")
    site = make_site()
    other_site = make_site()
    veg = make_product(category="vegetable")
    berry = make_product(category="strawberry", unit="punnet")
    early = make_batch(site=site, product=veg, lot_code="EARLY-1", produced_on=datetime.date(2026, 6, 1))
    late = make_batch(site=site, product=berry, lot_code="LATE-1", produced_on=datetime.date(2026, 7, 20),
                      status="on_hold")
    elsewhere = make_batch(site=other_site, product=veg, lot_code="ELSE-1", ear_tag="163012345678901")
    log_in(client, admin)

    def lots(query: str) -> set[str]:
        response = client.get(f"/batches/?{query}")
        assert response.status_code == 200
        return {b.lot_code for b in (early, late, elsewhere) if f">{b.lot_code}</a>" in response.text}

    assert lots("") == {"EARLY-1", "LATE-1", "ELSE-1"}
    assert lots(f"product={veg.code}") == {"EARLY-1", "ELSE-1"}
    assert lots("category=strawberry") == {"LATE-1"}
    assert lots(f"party={other_site.party.code}") == {"ELSE-1"}
    assert lots(f"site={site.code}") == {"EARLY-1", "LATE-1"}
    assert lots("status=on_hold") == {"LATE-1"}
    assert lots("date_from=2026-07-01") == {"LATE-1", "ELSE-1"}
    assert lots("date_to=2026-06-30") == {"EARLY-1"}
    assert lots("q=EAR") == {"EARLY-1"}
    assert lots("q=163012345678901") == {"ELSE-1"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date_from=yesterday", "date_from", "Not a valid date."),
        ("status=lost", "status", "Not one of the allowed values."),
        ("category=fish", "category", "Not one of the allowed values."),
        ("date_from=2026-07-02&date_to=2026-07-01", "date_to", "The end date is before the start date."),
        ("product=%20%3Cx%3E", "product", "Use 2 to 32 letters"),
    ],
)
def test_bad_filters_show_messages_not_a_500(client, producer_setup, query, field, message):
    _, site, product = producer_setup
    batch = make_batch(site=site, product=product)
    response = client.get(f"/batches/?{query}")
    assert response.status_code == 200
    assert str(escape(message)) in field_error(response.text, field)
    assert batch.lot_code in response.text  # the bad filter is left out, the list still shows


def test_bad_page_numbers_fall_back_to_defaults(client, producer_setup):
    response = client.get("/batches/?page=0&per_page=100000")
    assert response.status_code == 200
    assert "out of range" in response.text


def test_list_pages_through_batches(client, producer_setup):
    _, site, product = producer_setup
    for _ in range(25):
        make_batch(site=site, product=product)
    html = client.get(f"/batches/?product={product.code}").text
    assert "Page 1 of 2" in html
    assert f'href="/batches/?product={product.code}&amp;page=2"' in html  # the filter stays in the pager link
    second = client.get(f"/batches/?product={product.code}&page=2").text
    assert len(re.findall(r'<a href="/batches/LOT', second)) == 5


def test_list_queries_do_not_grow_with_the_batches(client):
    inspector = make_user(role="inspector")
    log_in(client, inspector)
    product = make_product()
    make_batch(product=product)
    with count_queries() as one:
        assert client.get("/batches/?per_page=50").status_code == 200
    for _ in range(29):
        make_batch(product=product)
    with count_queries() as thirty:
        response = client.get("/batches/?per_page=50")
    assert response.text.count('<a href="/batches/LOT') == 30
    assert one.count >= 3  # session user, count, page: the counter does see the queries
    assert thirty.count == one.count
    assert thirty.count <= 8


def test_detail_shows_the_batch_in_local_time(client, producer_setup):
    _, site, product = producer_setup
    batch = make_batch(site=site, product=product, lot_code="SHOW-1", field_name="河滩地", notes="有机肥",
                       created_at=datetime.datetime(2026, 7, 15, 20, 30))
    html = client.get("/batches/SHOW-1").text
    for text in ("SHOW-1", product.name_en, site.party.name_en, site.name, "500 kg", "2026-07-15", "河滩地",
                 "有机肥", "2026-07-16 04:30", "Active", "In transit"):
        assert text in html, text
    assert 'name="notes"' in html  # the holder may edit
    assert batch.lot_code in html


def test_detail_shows_the_lots_qr_code_public_link_and_a_way_to_print_its_labels(client, producer_setup):
    _, site, product = producer_setup
    batch = make_batch(site=site, product=product, lot_code="QR-1")
    html = client.get("/batches/QR-1").text
    assert f'<img src="/t/{batch.public_token}/qr.svg"' in html
    assert f'href="https://trace.example.cn/t/{batch.public_token}"' in html
    assert 'href="/labels?lots=QR-1">Print labels</a>' in html
    assert "QR-1" in client.get("/labels?lots=QR-1").text
    client.set_cookie("lang", "zh_Hans")
    assert "打印标签" in client.get("/batches/QR-1").text


def test_detail_edit_changes_field_name_and_notes(client, producer_setup):
    _, site, product = producer_setup
    make_batch(site=site, product=product, lot_code="EDIT-1", field_name="old", notes="old notes")
    response = client.post("/batches/EDIT-1", data={"field_name": "东坡", "notes": ""})
    assert response.status_code == 302
    batch = Batch.get(Batch.lot_code == "EDIT-1")
    assert (batch.field_name, batch.notes) == ("东坡", "")
    assert "Batch EDIT-1 saved." in client.get("/batches/EDIT-1").text


def test_detail_edit_bad_input_is_shown_and_writes_nothing(client, producer_setup):
    _, site, product = producer_setup
    make_batch(site=site, product=product, lot_code="EDIT-2", field_name="old")
    response = client.post("/batches/EDIT-2", data={"field_name": "x" * 101, "notes": ""})
    assert response.status_code == 422
    assert field_error(response.text, "field_name") == "At most 100 characters."
    assert Batch.get(Batch.lot_code == "EDIT-2").field_name == "old"


def test_inspector_sees_a_batch_but_may_not_edit_it(client):
    batch = make_batch(field_name="old")
    log_in(client, make_user(role="inspector"))
    html = client.get(f"/batches/{batch.lot_code}").text
    assert batch.lot_code in html
    assert 'name="notes"' not in html
    assert client.post(f"/batches/{batch.lot_code}", data={"field_name": "new", "notes": ""}).status_code == 403
    assert Batch.get_by_id(batch.id).field_name == "old"


def test_another_partys_batch_answers_as_an_unknown_one(client, producer_setup):
    other = make_batch()
    assert client.get(f"/batches/{other.lot_code}").status_code == 404  # as for a lot that does not exist
    assert client.get("/batches/NO-SUCH-LOT").status_code == 404


def test_a_post_without_csrf_token_is_refused_and_writes_nothing(csrf_client):
    user = make_user(role="producer")
    site = make_site(party=user.party)
    product = make_product()
    csrf_client.set_cookie("lang", "en")
    # Without a token even the login form is refused.
    assert csrf_client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    login_page = csrf_client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    signed_in = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302

    before = Batch.select().count()
    refused = csrf_client.post("/batches/new", data=form_for(site, product, lot_code="CSRF-1"))
    assert refused.status_code == 400
    assert "The form has expired" in refused.text
    assert Batch.select().count() == before

    form = csrf_client.get("/batches/new").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    accepted = csrf_client.post("/batches/new", data=dict(form_for(site, product, lot_code="CSRF-1"),
                                                           csrf_token=token))
    assert accepted.status_code == 302
    assert Batch.select().where(Batch.lot_code == "CSRF-1").exists()
