"""CSV imports and time: a registration file's production times start its lots, and nothing leaves before it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.services.custody import chain
from supply.services.custody.batches import register_batch
from tests.builders.api import assert_error
from tests.builders.imports import api_imports_world
from tests.builders.imports import csv_bytes
from tests.builders.imports import data_counts
from tests.builders.imports import good_registration
from tests.builders.imports import good_shipment_line
from tests.builders.imports import multipart
from tests.builders.imports import registration_csv
from tests.builders.imports import shipment_csv

world = pytest.fixture(name="world")(api_imports_world)


def upload(client, world, kind: str, raw: bytes):
    """Send a file as a multipart upload."""
    return client.post(f"/api/v1/imports/{kind}", **multipart(raw), headers=world["headers"])


def test_a_production_time_column_starts_each_lot_at_its_time(client, world):
    rows = [good_registration(world, lot_code="AT-BJ", produced_on="", produced_at="2026/7/1 5:40"),
            good_registration(world, lot_code="AT-OFFSET", produced_on="2026-07-01",
                              produced_at="2026-07-01T05:40:00+06:00"),
            good_registration(world, lot_code="ON-DAY")]
    response = upload(client, world, "registrations", registration_csv(rows))
    assert response.status_code == 201, response.json
    started = {lot: Event.select().join(EventBatch).join(Batch).where(Batch.lot_code == lot).get()
               for lot in ("AT-BJ", "AT-OFFSET", "ON-DAY")}
    assert {lot: (e.event_time, e.event_tz, e.data["produced_at"]) for lot, e in started.items()} == {
        "AT-BJ": (datetime.datetime(2026, 6, 30, 21, 40), "+08:00", "2026-07-01T05:40:00+08:00"),
        "AT-OFFSET": (datetime.datetime(2026, 6, 30, 23, 40), "+06:00", "2026-07-01T05:40:00+06:00"),
        "ON-DAY": (datetime.datetime(2026, 6, 30, 16, 0), "+08:00", None),
    }
    assert Batch.get(Batch.lot_code == "AT-BJ").produced_on == datetime.date(2026, 7, 1)
    assert chain.verify_all().intact


def test_bad_production_times_are_reported_by_line_and_nothing_is_written(client, world):
    soon = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)).isoformat(timespec="seconds")
    rows = [good_registration(world, produced_at=soon, produced_on=""),
            good_registration(world, produced_at="2026-07-01T05:40:00+25:00", produced_on=""),
            good_registration(world, produced_at="2026-07-02 05:40"),
            good_registration(world, produced_on="")]
    before = data_counts()
    body = assert_error(upload(client, world, "registrations", registration_csv(rows)), 422)
    assert data_counts() == before
    assert body["errors"] == {
        "2.produced_at": ["The time may not be in the future."],
        "3.produced_at": ["Not a real time zone offset: use one from -12:00 to +14:00, such as +08:00."],
        "4.produced_on": ["Not the day of the production time in Beijing time."],
        "5.produced_on": ["Missing data for required field."],
    }


def test_a_header_needs_the_production_date_or_time(client, world):
    only_time = csv_bytes(("product", "site", "quantity", "produced_at"),
                          [(world["veg"].code, world["field"].code, "10", "2026-07-01 05:40")])
    assert upload(client, world, "registrations", only_time).status_code == 201
    neither = csv_bytes(("product", "site", "quantity", "field_name"), [(world["veg"].code, world["field"].code,
                                                                        "10", "3号地")])
    body = assert_error(upload(client, world, "registrations", neither), 400)
    assert (body["message"], body["errors"]) == ("The header lacks required columns.", {"columns": ["produced_on"]})


def test_a_shipment_file_leaving_before_a_lots_harvest_is_refused_on_its_line(client, world):
    lot = register_batch(world["producer"], {"product": world["veg"].code, "site": world["packhouse"].code,
                                             "quantity": Decimal("100"), "produced_on": datetime.date(2026, 7, 3)})
    rows = [good_shipment_line(world, "S1"), good_shipment_line(world, "S2", lot=lot.lot_code, quantity="10")]
    before = data_counts()
    body = assert_error(upload(client, world, "shipments", shipment_csv(rows)), 422)
    assert data_counts() == before
    before_harvest = "This is before the lot's commissioning (its harvest, birth or making)."
    assert body["errors"] == {"3.departed_at": [before_harvest]}
