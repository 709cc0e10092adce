"""Real concurrent requests: two shipments of the last stock give one success and one 409, never a negative."""

from __future__ import annotations

import datetime
import json
import threading
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

from supply.db import db
from supply.models import Batch
from supply.models import Holding
from supply.models import ShipmentLine
from supply.services.custody.batches import register_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.factories import token_for
from tests.builders.live import bound_to
from tests.builders.live import live_app
from tests.builders.live import scratch_database_url
from tests.builders.live import serving

ROUNDS = 4


@pytest.fixture(scope="module")
def live():
    """A served app over its own committed database, with a cooperative, its site and an operator."""
    with scratch_database_url("concurrency") as url, bound_to(url):
        with db.connection_context():
            coop = make_user()
            world = {
                "coop": coop,
                "site": make_site(party=coop.party),
                "operator": make_party(kind="operator"),
                "product": make_product(),
                "token": token_for(coop),
            }
        with serving(live_app(url)) as base:
            world["base"] = base
            yield world


def _post(base: str, path: str, body: dict, token: str, key: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _all_at_once(calls) -> list[tuple[int, dict]]:
    """Run the calls in threads released together, and return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _new_batch(live, quantity: str) -> Batch:
    with db.connection_context():
        return register_batch(live["coop"], {"product": live["product"].code, "site": live["site"].code,
                                             "quantity": Decimal(quantity), "produced_on": datetime.date(2026, 7, 1)})


def _shipment(live, lot: str, quantity: str) -> dict:
    return {"from_site": live["site"].code, "to_party": live["operator"].code,
            "lines": [{"lot": lot, "quantity": quantity}]}


def test_two_shipments_of_the_last_stock_give_one_success_and_one_409(live):
    for _ in range(ROUNDS):
        batch = _new_batch(live, "500")
        body = _shipment(live, batch.lot_code, "300")
        results = _all_at_once([lambda body=body: _post(live["base"], "/api/v1/shipments", body, live["token"])] * 2)
        assert sorted(status for status, _ in results) == [201, 409], results
        refused = next(answer for status, answer in results if status == 409)
        assert refused["message"] == "More than is on hand."
        with db.connection_context():
            stored = Batch.get_by_id(batch.id)
            assert (stored.on_hand, stored.in_transit) == (Decimal("200"), Decimal("300"))
            assert Holding.get(Holding.batch == batch.id).on_hand == Decimal("200")
            assert ShipmentLine.select().where(ShipmentLine.batch == batch.id).count() == 1


def test_many_parallel_takes_never_go_negative(live):
    batch = _new_batch(live, "500")
    body = _shipment(live, batch.lot_code, "120")
    results = _all_at_once([lambda: _post(live["base"], "/api/v1/shipments", body, live["token"])] * 6)
    assert sorted(status for status, _ in results) == [201] * 4 + [409] * 2
    with db.connection_context():
        assert Batch.get_by_id(batch.id).on_hand == Decimal("20")
        assert Holding.select().where(Holding.on_hand < 0).count() == 0


def test_parallel_retries_with_one_idempotency_key_write_once(live):
    batch = _new_batch(live, "500")
    body = _shipment(live, batch.lot_code, "100")
    key = f"retry-{batch.lot_code}"
    results = _all_at_once([lambda: _post(live["base"], "/api/v1/shipments", body, live["token"], key)] * 3)
    assert [status for status, _ in results] == [201, 201, 201], results
    assert len({answer["code"] for _, answer in results}) == 1
    with db.connection_context():
        assert Batch.get_by_id(batch.id).on_hand == Decimal("400")
        assert ShipmentLine.select().where(ShipmentLine.batch == batch.id).count() == 1
