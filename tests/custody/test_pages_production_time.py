"""The register page's production time: typed in Beijing time, checked against the day, refused in the user's
language."""

from __future__ import annotations

import datetime

import pytest

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from tests.builders.api import unchanged
from tests.builders.custody import producer_at_a_site
from tests.builders.custody import register_form as form_for
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in

producer_setup = pytest.fixture(name="producer_setup")(producer_at_a_site)


def test_a_production_time_typed_in_beijing_time_starts_the_lot(client, producer_setup):
    _, site, product = producer_setup
    response = client.post("/batches/new", data=form_for(site, product, lot_code="AT-0630", produced_on="",
                                                         produced_at="2026-07-01T06:30"))
    assert response.status_code == 302
    batch = Batch.get(Batch.lot_code == "AT-0630")
    assert batch.produced_on == datetime.date(2026, 7, 1)
    started = Event.select().join(EventBatch).where(EventBatch.batch == batch.id).get()
    assert (started.event_time, started.event_tz) == (datetime.datetime(2026, 6, 30, 22, 30), "+08:00")


@pytest.mark.parametrize(("lang", "overrides", "field", "message"), [
    ("en", {"produced_at": "2026-07-02T06:30"}, "produced_on", "Not the day of the production time in Beijing time."),
    ("zh_Hans", {"produced_at": "2026-07-02T06:30"}, "produced_on", "与生产时间（北京时间）不是同一天。"),
    ("en", {"produced_at": "2999-01-01T06:30"}, "produced_at", "The time may not be in the future."),
    ("zh_Hans", {"produced_at": "2999-01-01T06:30"}, "produced_at", "时间不能晚于现在。"),
])
def test_a_bad_production_time_is_shown_beside_its_field_in_the_users_language(client, lang, overrides, field,
                                                                               message):
    user = make_user(role="producer")
    site, product = make_site(party=user.party), make_product()
    log_in(client, user, lang)
    with unchanged():
        response = client.post("/batches/new", data=form_for(site, product, **overrides))
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert f'name="produced_at" value="{overrides["produced_at"]}"' in response.text


def test_the_timeline_dates_a_registration_by_its_time_or_by_its_day_alone(client, producer_setup):
    _, site, product = producer_setup
    client.post("/batches/new", data=form_for(site, product, lot_code="AT-TIME", produced_at="2026-07-01T06:30"))
    client.post("/batches/new", data=form_for(site, product, lot_code="ON-DAY"))
    assert '<time class="when">2026-07-01 06:30</time>' in client.get("/batches/AT-TIME").text
    assert '<time class="when">2026-07-01</time>' in client.get("/batches/ON-DAY").text
