"""Builders shared by the import tests: CSV files and a producer with sites, products and a batch to ship."""

from __future__ import annotations

import codecs
import csv
import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from supply.models import MODELS
from supply.models import ImportJob
from supply.services.interchange.imports.files import REGISTRATION_COLUMNS
from supply.services.interchange.imports.files import SHIPMENT_COLUMNS
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in

DATA_TABLES = [model for model in MODELS if model is not ImportJob]


def csv_bytes(header, rows, encoding: str = "utf-8", bom: bool = False) -> bytes:
    """Write a CSV file as a spreadsheet would: CRLF line ends, the given encoding, an optional BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode(encoding)


def registration_csv(rows: list[dict], **kwargs) -> bytes:
    """Write registration rows given as dicts (missing columns left empty)."""
    return csv_bytes(REGISTRATION_COLUMNS, [[row.get(c, "") for c in REGISTRATION_COLUMNS] for row in rows], **kwargs)


def shipment_csv(rows: list[dict], **kwargs) -> bytes:
    """Write shipment rows given as dicts (missing columns left empty)."""
    return csv_bytes(SHIPMENT_COLUMNS, [[row.get(c, "") for c in SHIPMENT_COLUMNS] for row in rows], **kwargs)


def data_counts() -> dict[str, int]:
    """Return the row count of every table but the import jobs' (a refused import still records its job)."""
    return {model._meta.table_name: model.select().count() for model in DATA_TABLES}


def import_world() -> dict:
    """A producer with two sites, a vegetable and a live-yak product, a batch on hand, and a buyer with a site."""
    producer = make_user(role="producer")
    buyer = make_user(role="operator")
    field = make_site(party=producer.party, kind="field")
    packhouse = make_site(party=producer.party, kind="packhouse")
    world = {
        "producer": producer, "buyer": buyer, "field": field, "packhouse": packhouse,
        "veg": make_product(category="vegetable", unit="kg"),
        "yak": make_product(category="live_yak", unit="head"),
        "other_site": make_site(),
        "cold_store": make_site(party=buyer.party, kind="cold_store"),
    }
    world["batch"] = make_batch(site=packhouse, product=world["veg"])
    world["batch2"] = make_batch(site=packhouse, product=world["veg"])
    return world


def good_registration(world: dict, **overrides) -> dict:
    """A registration row that passes every check."""
    row = {"product": world["veg"].code, "site": world["field"].code, "quantity": "1250.5",
           "produced_on": "2026-07-01", "field_name": "3号地"}
    row.update(overrides)
    return row


def good_shipment_line(world: dict, ref: str = "S1", **overrides) -> dict:
    """A shipment row that passes every check."""
    row = {"shipment_ref": ref, "from_site": world["packhouse"].code, "to_party": world["buyer"].party.code,
           "to_site": world["cold_store"].code, "lot": world["batch"].lot_code, "quantity": "100", "unit": "kg",
           "carrier": "青海高原冷链", "vehicle_plate": "青A·12345", "departed_at": "2026-07-02 08:30",
           "doc_number": "DN-1", "set_point": "4"}
    row.update(overrides)
    return row


def multipart(raw: bytes, filename: str = "rows.csv", **fields) -> dict:
    """Encode a file upload in memory (the test client would spool a large one to a file it never closes)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(raw), filename), **fields})
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def api_imports_world(app):
    """A producer's world, with imports run within the request (the test's transaction is not shared)."""
    app.config["IMPORT_BACKGROUND"] = False
    world = import_world()
    world["headers"] = auth_header(world["producer"])
    return world


def import_pages_world(app, client):
    """A signed-in producer; imports run within the request."""
    app.config["IMPORT_BACKGROUND"] = False
    world = import_world()
    log_in(client, world["producer"])
    return world
