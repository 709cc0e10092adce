"""CSV imports through the API: every bad row reported by line, then all rows written or none."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from supply.clock import local_today
from supply.db import db
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Holding
from supply.models import ImportJob
from supply.models import Shipment
from supply.schemas.batch import BatchCreateSchema
from supply.services.custody import chain
from supply.services.custody.batches import register_batch
from supply.services.errors import Conflict
from supply.services.interchange.imports import importers as imports
from supply.services.interchange.imports.files import read_rows
from tests.builders.api import assert_error
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_user
from tests.builders.imports import api_imports_world
from tests.builders.imports import csv_bytes
from tests.builders.imports import data_counts
from tests.builders.imports import good_registration
from tests.builders.imports import good_shipment_line
from tests.builders.imports import multipart
from tests.builders.imports import registration_csv
from tests.builders.imports import shipment_csv
from tests.builders.tampering import tampering

API = "/api/v1/imports"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


world = pytest.fixture(name="world")(api_imports_world)


def upload(client, world, kind: str, raw: bytes, filename: str = "rows.csv", headers=None):
    """Send a file as a multipart upload."""
    return client.post(f"{API}/{kind}", **multipart(raw, filename), headers=headers or world["headers"])


def test_good_registration_file_writes_every_row(client, world):
    rows = [good_registration(world, lot_code="HARVEST-001"),
            good_registration(world, quantity="80", unit="t", notes="晚熟"),
            good_registration(world, product=world["yak"].code, quantity="1", ear_tag="263012345678901")]
    response = upload(client, world, "registrations", registration_csv(rows))
    assert response.status_code == 201, response.json
    assert response.json["status"] == "done" and response.json["errors"] == []
    assert response.json["result"]["batches"] == 3
    lots = response.json["result"]["lots"]
    assert lots[0] == "HARVEST-001" and lots[1].startswith("VG260701-") and lots[2].startswith("YK260701-")
    batches = {b.lot_code: b for b in Batch.select().where(Batch.lot_code.in_(lots))}
    assert batches[lots[1]].quantity == Decimal("80") and batches[lots[1]].unit == "t"
    assert batches[lots[0]].unit == "kg" and batches[lots[0]].field_name == "3号地"
    assert batches[lots[2]].ear_tag == "263012345678901"
    assert Holding.select().where(Holding.batch.in_(list(batches.values()))).count() == 3
    assert chain.verify_all().intact
    job = client.get(response.json["status_url"], headers=world["headers"])
    assert job.status_code == 200 and job.json["rows_done"] == job.json["total_rows"] == 3


def test_bad_rows_are_all_reported_by_line_and_nothing_is_written(client, world):
    make_batch(lot_code="TAKEN-1")
    tomorrow = (local_today() + datetime.timedelta(days=1)).isoformat()
    rows = [
        good_registration(world),                                   # line 2: good
        good_registration(world, quantity="0"),                     # 3
        good_registration(world, product="NOSUCH"),                 # 4
        good_registration(world, produced_on=tomorrow),             # 5
        good_registration(world, lot_code="BAD LOT"),               # 6
        good_registration(world, lot_code="DUP-1"),                 # 7
        good_registration(world, lot_code="DUP-1"),                 # 8
        good_registration(world, site=world["other_site"].code),    # 9
        good_registration(world, lot_code="TAKEN-1"),               # 10
        good_registration(world, unit="head"),                      # 11
    ]
    before = data_counts()
    response = upload(client, world, "registrations", registration_csv(rows))
    body = assert_error(response, 422)
    assert data_counts() == before
    assert body["message"] == "Rows with errors: 8. Nothing was written."
    assert body["errors"] == {
        "3.quantity": ["Must be greater than 0."],
        "4.product": ["Unknown product code."],
        "5.produced_on": ["The date may not be in the future."],
        "6.lot_code": ["Use 1 to 20 characters of the GS1 set: letters, digits and !\"%&'()*+,-./:;<=>?_ (no spaces)."],
        "8.lot_code": ["The same lot code as line 7."],
        "9.site": ["This site belongs to another party."],
        "10.lot_code": ["This lot code is taken."],
        "11.unit": ["This unit does not fit the product category."],
    }
    assert response.headers["Content-Location"].startswith(API + "/")
    job = client.get(response.headers["Content-Location"], headers=world["headers"]).json
    assert job["status"] == "failed"
    assert {"line": 9, "field": "site", "message": "This site belongs to another party."} in job["errors"]


def test_ear_tags_are_checked_within_the_file_and_against_the_database(client, world):
    tag = "263012345678901"
    rows = [good_registration(world, product=world["yak"].code, quantity="1", ear_tag=tag),
            good_registration(world, product=world["yak"].code, quantity="1", ear_tag=tag),
            good_registration(world, product=world["yak"].code, quantity="1")]
    body = assert_error(upload(client, world, "registrations", registration_csv(rows)), 422)
    assert body["errors"] == {"3.ear_tag": ["The same ear tag as line 2."],
                              "4.ear_tag": ["A live yak needs its 15-digit ear tag."]}


def test_good_shipment_file_dispatches_every_shipment(client, world):
    rows = [good_shipment_line(world, "S1"),
            good_shipment_line(world, "S1", lot=world["batch2"].lot_code, quantity="50", carrier="", doc_number=""),
            good_shipment_line(world, "S2", quantity="400", departed_at="2026/7/3 9:15")]
    response = upload(client, world, "shipments", shipment_csv(rows))
    assert response.status_code == 201, response.json
    result = response.json["result"]
    assert (result["shipments"], result["lines"]) == (2, 3)
    first = Shipment.get(Shipment.code == result["codes"]["S1"])
    assert [line.quantity for line in first.lines] == [Decimal("100"), Decimal("50")]
    assert first.carrier == "青海高原冷链" and first.set_point == Decimal("4")
    second = Shipment.get(Shipment.code == result["codes"]["S2"])
    assert second.departed_at == datetime.datetime(2026, 7, 3, 1, 15)
    batch = Batch.get_by_id(world["batch"].id)
    assert (batch.on_hand, batch.in_transit) == (Decimal("0"), Decimal("500"))
    assert chain.verify_all().intact


def test_shipments_over_what_is_on_hand_across_the_file_write_nothing(client, world):
    rows = [good_shipment_line(world, "S1", quantity="300"),
            good_shipment_line(world, "S2", quantity="300"),
            good_shipment_line(world, "S3", from_site=world["other_site"].code),
            good_shipment_line(world, "S4", lot="NO-SUCH-LOT"),
            good_shipment_line(world, "S4", lot=world["batch2"].lot_code, unit="t"),
            good_shipment_line(world, "S1", lot=world["batch2"].lot_code, carrier="别的车队"),
            good_shipment_line(world, "S5", to_party=world["producer"].party.code, to_site="")]
    before = data_counts()
    body = assert_error(upload(client, world, "shipments", shipment_csv(rows)), 422)
    assert data_counts() == before
    assert body["errors"] == {
        "3.quantity": ["More than is on hand: 200 left at the sending site."],
        "4.from_site": ["This site belongs to another party."],
        "5.lot": ["No batch with this lot code."],
        "6.unit": ["The unit differs from the batch's unit."],
        "7.carrier": ["Differs from line 2 of the same shipment."],
        "8.to_party": ["A shipment goes to another party."],
    }


def test_shipment_rows_are_checked_with_the_api_schema(client, world):
    rows = [good_shipment_line(world, "S1", quantity="-5", set_point="99"),
            good_shipment_line(world, "", quantity="1")]
    body = assert_error(upload(client, world, "shipments", shipment_csv(rows)), 422)
    assert body["errors"] == {"2.quantity": ["Must be greater than 0."], "2.set_point": ["Out of range."],
                              "3.shipment_ref": ["Missing data for required field."]}


@pytest.mark.parametrize(("raw", "status", "message"), [
    (PNG, 400, "This is not a CSV file. Save the spreadsheet as CSV (UTF-8) and upload that."),
    (b"", 400, "The file is empty."),
    (b"\xff\xfe\x00p\x00r", 400, "This is not a CSV file. Save the spreadsheet as CSV (UTF-8) and upload that."),
    (b"product,site,quantity,produced_on\r\n", 400, "The file has a header but no rows."),
    (b"product,site,quantity,colour\r\nA,B,1,red\r\n", 400, "The header names unknown columns."),
    (b"product,site,quantity\r\nA,B,1\r\n", 400, "The header lacks required columns."),
    (b'product,site,quantity,produced_on\r\n"A,B,1,2026-07-01\r\n', 400,
     "This is not a CSV file. Save the spreadsheet as CSV (UTF-8) and upload that."),
    (b"x" * (5 * 1024 * 1024 + 1), 413, "The file is larger than 5 MB; split it into smaller files."),
])
def test_files_that_are_not_our_csv_are_refused_before_anything_is_written(client, world, raw, status, message):
    before = (data_counts(), ImportJob.select().count())
    body = assert_error(upload(client, world, "registrations", raw, filename="photo.csv"), status)
    assert body["message"] == message
    assert (data_counts(), ImportJob.select().count()) == before


def test_more_than_ten_thousand_rows_is_refused(client, world):
    row = list(good_registration(world).values())
    raw = csv_bytes(list(good_registration(world)), [row] * 10_001)
    body = assert_error(upload(client, world, "registrations", raw), 413)
    assert body["message"] == "The file has more than 10,000 rows; split it into smaller files."
    assert Batch.select().where(Batch.origin_site == world["field"].id).count() == 0


def test_a_gb18030_file_from_chinese_excel_is_read(client, world):
    header = ["product", "site", "quantity", "produced_on", "field_name", "notes"]
    raw = csv_bytes(header, [[world["veg"].code, world["field"].code, "12", "2026/7/1", "湟中区多巴镇三号地",
                              "青薯9号，晚熟"]], encoding="gb18030")
    response = upload(client, world, "registrations", raw)
    assert response.status_code == 201, response.json
    batch = Batch.get(Batch.lot_code == response.json["result"]["lots"][0])
    assert (batch.field_name, batch.notes, batch.produced_on) == ("湟中区多巴镇三号地", "青薯9号，晚熟",
                                                                  datetime.date(2026, 7, 1))


def test_a_csv_body_and_a_bom_are_accepted_other_bodies_are_not(client, world):
    raw = registration_csv([good_registration(world)], bom=True)
    response = client.post(f"{API}/registrations", data=raw, content_type="text/csv", headers=world["headers"])
    assert response.status_code == 201, response.json
    assert_error(client.post(f"{API}/registrations", json={"rows": []}, headers=world["headers"]), 415)
    missing = client.post(f"{API}/registrations", data={"other": "x"}, content_type="multipart/form-data",
                          headers=world["headers"])
    assert_error(missing, 400)


def test_roles_that_do_not_handle_goods_may_not_import(client, world):
    inspector = make_user(role="inspector")
    before = ImportJob.select().count()
    response = upload(client, world, "registrations", registration_csv([good_registration(world)]),
                      headers=auth_header(inspector))
    assert_error(response, 403)
    assert ImportJob.select().count() == before


def test_a_job_is_visible_to_its_owner_only(client, world):
    response = upload(client, world, "registrations", registration_csv([good_registration(world)]))
    url = response.json["status_url"]
    assert_error(client.get(url, headers=auth_header(make_user())), 404)
    assert client.get(url, headers=auth_header(make_user(role="admin"))).status_code == 200
    assert_error(client.get(f"{API}/nosuchjob", headers=world["headers"]), 404)


def test_a_large_file_runs_as_a_job_that_reaches_done(client, world):
    rows = [good_registration(world, quantity=str(n + 1)) for n in range(1200)]
    response = upload(client, world, "registrations", registration_csv(rows))
    assert response.status_code == 201, response.json
    job = ImportJob.get(ImportJob.public_id == response.json["id"])
    assert (job.status, job.rows_done, job.total_rows, job.result["batches"]) == ("done", 1200, 1200, 1200)
    assert job.finished_at is not None
    assert EventBatch.select().join(Event).where(Event.recorded_by == world["producer"].id).count() == 1200


def _columns(record, leave_out: set[str]) -> dict:
    return {name: value for name, value in record.__data__.items() if name not in leave_out}


def test_the_bulk_path_writes_the_same_rows_as_register_batch(world):
    """Every column of batch, holding, commissioning event and event line matches, apart from ids, codes and times."""
    actor = world["producer"]
    row = good_registration(world, product=world["yak"].code, quantity="1", ear_tag="263012345678902",
                            notes="公牛", lot_code="BULK-1")
    result = imports.import_file(actor, "registrations", registration_csv([row]))
    bulk = Batch.get(Batch.lot_code == result["lots"][0])
    Batch.update(ear_tag="263012345678999").where(Batch.id == bulk.id).execute()  # free the tag for the twin
    single = register_batch(actor, BatchCreateSchema().load({**row, "lot_code": "SINGLE-1"}))
    Batch.update(ear_tag=row["ear_tag"]).where(Batch.id == bulk.id).execute()
    twins = [Batch.get_by_id(bulk.id), Batch.get_by_id(single.id)]

    unique = {"id", "lot_code", "public_token", "created_at", "chain_head"}
    assert _columns(twins[0], unique) == _columns(twins[1], unique)
    holdings = [_columns(Holding.get(Holding.batch == b.id), {"id", "batch"}) for b in twins]
    assert holdings[0] == holdings[1]
    events = [Event.select().join(EventBatch).where(EventBatch.batch == b.id).get() for b in twins]
    per_event = {"id", "event_id", "record_time", "content_hash", "chain_hash"}
    assert _columns(events[0], per_event) == _columns(events[1], per_event)
    stored = db.execute_sql(f"SELECT data FROM event WHERE id IN ({events[0].id}, {events[1].id})")  # raw text
    assert len({str(data) for (data,) in stored.fetchall()}) == 1
    assert events[0].data == {"produced_on": "2026-07-01", "produced_at": None, "field_name": "3号地",
                              "ear_tag": "263012345678902", "sources": []}
    assert events[0].event_time == datetime.datetime(2026, 6, 30, 16, 0)  # the first moment of 07-01, Beijing time
    lines = [_columns(EventBatch.get(EventBatch.batch == b.id), {"id", "event", "batch"}) for b in twins]
    assert lines[0] == lines[1] == {"role": "object", "quantity": Decimal("1.000"), "unit": "head", "prev_hash": ""}
    assert [b.chain_head for b in twins] == [e.chain_hash for e in events]
    assert chain.verify_batch(twins[0]).intact and chain.verify_all().intact
    # The bulk path's hashes are the ones the chain check recomputes: altering the stored line breaks it.
    with tampering():
        EventBatch.update(quantity=Decimal("2")).where(EventBatch.batch == bulk.id).execute()
    assert chain.verify_batch(Batch.get_by_id(bulk.id)).problem == "content"


def test_a_lot_code_taken_after_the_check_rolls_the_whole_file_back(world):
    """A registration racing the import between its check and its write: the import writes nothing (409)."""
    actor = world["producer"]
    rows = [good_registration(world, lot_code=f"RACE-{n}") for n in range(3)]
    plan = imports.check_rows(actor, "registrations", read_rows(registration_csv(rows), "registrations"))
    make_batch(lot_code="RACE-2")
    before = data_counts()
    with pytest.raises(Conflict):
        imports.write_rows(actor, "registrations", plan)
    assert data_counts() == before


def test_line_numbers_are_spreadsheet_rows_and_stray_cells_are_refused(client, world):
    header = ["product", "site", "quantity", "produced_on", "notes"]
    good = [world["veg"].code, world["field"].code, "10", "2026-07-01"]
    rows = [[*good, "两行\n备注"],         # line 2, written over two lines of text
            ["", "", "", "", ""],           # line 3, blank: skipped but counted
            [*good, "", "多出来的"],         # line 4: a cell beyond the header
            [*good[:2], "0", good[3], ""]]  # line 5
    body = assert_error(upload(client, world, "registrations", csv_bytes(header, rows)), 422)
    assert body["errors"] == {"4": ["This row has cells under no column of the header."],
                              "5.quantity": ["Must be greater than 0."]}
