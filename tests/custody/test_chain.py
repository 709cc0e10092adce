"""The event log: registration is the commissioning event, and tampering breaks the hash chain."""

from __future__ import annotations

import datetime
from decimal import Decimal

from supply.models import Event
from supply.models import EventBatch
from supply.services.custody.batches import register_batch
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.tampering import tampering


def _register(user, site, product, quantity="120.5"):
    return register_batch(user, {"product": product.code, "site": site.code, "quantity": Decimal(quantity),
                                 "produced_on": datetime.date(2026, 7, 1)})


def test_registration_records_a_commissioning_event(client):
    user = make_user()
    site = make_site(party=user.party)
    batch = _register(user, site, make_product())
    event = Event.select().join(EventBatch).where(EventBatch.batch == batch.id).get()
    assert (event.event_type, event.action, event.biz_step, event.disposition) == (
        "ObjectEvent", "ADD", "commissioning", "active")
    line = EventBatch.get(EventBatch.event == event.id)
    assert line.quantity == Decimal("120.5") and line.prev_hash == ""
    assert batch.chain_head == event.chain_hash
    response = client.get(f"/api/v1/batches/{batch.lot_code}/verify", headers=auth_header(user))
    assert response.status_code == 200
    assert response.json == {"intact": True, "events_checked": 1, "event_id": None, "problem": None}


def test_altered_event_breaks_the_chain(client):
    user = make_user()
    site = make_site(party=user.party)
    batch = _register(user, site, make_product())
    event = Event.select().join(EventBatch).where(EventBatch.batch == batch.id).get()
    # Someone with access to the database edits the stored quantity behind the service's back.
    with tampering():
        EventBatch.update(quantity=Decimal("999")).where(EventBatch.event == event.id).execute()
    response = client.get(f"/api/v1/batches/{batch.lot_code}/verify", headers=auth_header(user))
    assert response.json["intact"] is False
    assert response.json["event_id"] == event.event_id
    assert response.json["problem"] == "content"


def test_altered_event_time_is_found_by_the_cli(app):
    user = make_user()
    site = make_site(party=user.party)
    product = make_product()
    _register(user, site, product)
    second = _register(user, site, product)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-chain"])
    assert result.exit_code == 0, result.output
    assert "Intact" in result.output
    event = Event.select().join(EventBatch).where(EventBatch.batch == second.id).get()
    with tampering():
        Event.update(doc_number="forged").where(Event.id == event.id).execute()
    result = runner.invoke(args=["verify-chain"])
    assert result.exit_code == 1
    assert event.event_id in result.output
