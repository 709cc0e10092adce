"""The import pages: upload form, templates, bad rows in the visitor's language, progress and results."""

from __future__ import annotations

import datetime

import pytest

from supply.clock import utcnow
from supply.locales import translate_message
from supply.models import Batch
from supply.models import ImportJob
from supply.models import ImportUpload
from tests.builders.factories import make_user
from tests.builders.imports import data_counts
from tests.builders.imports import good_registration
from tests.builders.imports import good_shipment_line
from tests.builders.imports import import_pages_world
from tests.builders.imports import multipart
from tests.builders.imports import registration_csv
from tests.builders.imports import shipment_csv
from tests.builders.pages import log_in

world = pytest.fixture(name="world")(import_pages_world)


def send(client, raw: bytes, kind: str = "registrations", filename: str = "harvest.csv"):
    """Upload a file through the page's form."""
    return client.post("/imports/", **multipart(raw, filename, kind=kind))


def test_upload_page_has_the_form_the_templates_and_a_nav_link(client, world):
    html = client.get("/imports/").text
    assert 'enctype="multipart/form-data"' in html and 'type="file" name="file"' in html
    assert 'name="kind" value="registrations"' in html and 'name="kind" value="shipments"' in html
    assert 'href="/imports/"' in html and "Import CSV" in html
    template = client.get("/imports/template/shipments.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert template.data.startswith(b"\xef\xbb\xbfshipment_ref,from_site,to_party,to_site,lot,quantity,unit,")
    assert client.get("/imports/template/other.csv").status_code == 404


def test_a_good_file_is_written_and_the_result_links_the_batches(client, world):
    response = send(client, registration_csv([good_registration(world, lot_code="PAGE-1"), good_registration(world)]))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).text
    assert "2 batches registered" in html and 'href="/batches/PAGE-1"' in html
    assert "Done: all 2 rows were written." in html
    assert "<script>" not in html and "http-equiv" not in html
    assert "harvest.csv" in client.get("/imports/").text


def test_shipments_result_lists_each_reference_with_its_shipment(client, world):
    response = send(client, shipment_csv([good_shipment_line(world, "TRUCK-A")]), kind="shipments")
    html = client.get(response.headers["Location"]).text
    assert "1 shipment dispatched, 1 line" in html and "TRUCK-A" in html and 'href="/shipments/SH' in html
    assert "Done: the 1 row was written." in html


def test_bad_rows_are_listed_with_lines_and_reasons_in_chinese(app, client, world):
    client.set_cookie("lang", "zh_Hans")
    before = data_counts()
    response = send(client, registration_csv([good_registration(world), good_registration(world, quantity="0"),
                                              good_registration(world, product="NOSUCH")]))
    assert data_counts() == before
    html = client.get(response.headers["Location"]).text
    with app.test_request_context("/", headers={"Cookie": "lang=zh_Hans"}):
        expected = [translate_message("Must be greater than 0."), translate_message("Unknown product code.")]
    assert expected[0] != "Must be greater than 0."
    table = html.split('class="import-errors"', 1)[1]
    assert "<td class=\"nowrap\">3</td>" in table and expected[0] in table
    assert "<td class=\"nowrap\">4</td>" in table and expected[1] in table
    listing = client.get(response.headers["Location"] + "/errors.csv")
    assert listing.mimetype == "text/csv"
    lines = listing.data.decode("utf-8-sig").splitlines()
    assert lines[1:] == [f"3,quantity,{expected[0]}", f"4,product,{expected[1]}"]


def test_a_file_that_is_not_csv_is_refused_on_the_form(client, world):
    before = (data_counts(), ImportJob.select().count())
    response = send(client, b"\x89PNG\r\n\x1a\n\x00\x00", filename="photo.csv")
    assert response.status_code == 400
    assert "This is not a CSV file." in response.text and 'type="file"' in response.text
    unknown = send(client, b"product,site,quantity,colour\r\nA,B,1,red\r\n")
    assert unknown.status_code == 400 and "The header names unknown columns. colour" in unknown.text
    assert send(client, b"", filename="").status_code == 400
    assert (data_counts(), ImportJob.select().count()) == before


def test_roles_that_do_not_handle_goods_cannot_open_the_page(client, app):
    log_in(client, make_user(role="inspector"))
    assert client.get("/imports/").status_code == 403


def test_a_running_job_shows_progress_polls_and_refreshes_without_script(client, world):
    job = ImportJob.create(public_id="runningjob123", user=world["producer"], kind="registrations",
                           status="writing", total_rows=4000, rows_done=1500)
    html = client.get("/imports/runningjob123").text
    assert "Writing rows: 1,500 of 4,000." in html
    assert '<progress id="import-progress" max="4000" value="1500"' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    # The page polls its status URL from static/pages.js (no inline script: the Content-Security-Policy forbids it).
    assert 'data-status-url="/imports/runningjob123/status"' in html and '<script src="/static/pages.js">' in html
    assert 'href="/imports/runningjob123">Refresh</a>' in html
    status = client.get("/imports/runningjob123/status").json
    assert status == {"status": "writing", "rows_done": 1500, "total_rows": 4000, "finished": False,
                      "text": "Writing rows: 1,500 of 4,000."}
    ImportJob.update(updated_at=utcnow() - datetime.timedelta(hours=1)).where(ImportJob.id == job.id).execute()
    assert client.get("/imports/runningjob123/status").json["status"] == "failed"
    assert "The import stopped before it finished" in client.get("/imports/runningjob123").text


def test_a_job_waiting_in_the_queue_is_never_taken_for_a_lost_one(client, world):
    job = ImportJob.create(public_id="waitingjob123", user=world["producer"], kind="registrations", total_rows=4000,
                           updated_at=utcnow() - datetime.timedelta(hours=1))
    ImportUpload.create(job=job.id, rows=[{"line": 2, "values": {}}])
    assert client.get("/imports/waitingjob123/status").json["status"] == "queued"
    assert "Waiting to start." in client.get("/imports/waitingjob123").text


def test_another_users_job_is_not_found(client, world):
    ImportJob.create(public_id="someoneelses1", user=make_user(), kind="registrations")
    assert client.get("/imports/someoneelses1").status_code == 404
    assert client.get("/imports/someoneelses1/status").status_code == 404
    assert Batch.select().where(Batch.origin_site == world["field"].id).count() == 0
