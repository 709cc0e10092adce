"""Export pages: the same EPCIS document and KDE sheet as the API, links from the batch page, errors beside fields."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from html import unescape

import pytest

from supply.clock import local_today
from supply.services.interchange.kde import COLUMNS
from tests.builders.api import assert_error
from tests.builders.chains import vegetable_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_user
from tests.builders.pages import banner
from tests.builders.pages import field_error
from tests.builders.pages import input_value
from tests.builders.pages import log_in
from tests.builders.pages import selected

DOWNLOAD = "/exports/download"
TODAY = local_today()


@pytest.fixture()
def chain(app) -> dict:
    return vegetable_chain()


def without_times(document: dict) -> dict:
    """The document without the time it was made (the only part that differs between two exports)."""
    return {key: value for key, value in document.items() if key != "creationDate"}


def read_csv(response) -> list[list[str]]:
    """Read a downloaded KDE sheet, checking it comes as an attachment with a byte order mark."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+\.csv"', response.headers["Content-Disposition"])
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def lots_of(rows: list[list[str]]) -> set[str]:
    """The lot codes in the rows of a sheet (after its header)."""
    column = COLUMNS.index("Traceability lot code")
    return {row[column] for row in rows[1:]}


def test_the_form_explains_both_formats(client, chain):
    log_in(client, chain["coop"])
    response = client.get("/exports/?lot=VEG-M")
    assert response.status_code == 200
    html = unescape(response.text)
    assert "FSMA 204" in html and "EPCIS" in html and "24 hours" in html
    assert input_value(response.text, "lot") == "VEG-M"
    assert selected(response.text, "format") == "epcis"
    assert 'action="/exports/download"' in response.text and 'method="get"' in response.text


@pytest.mark.parametrize("trace", [None, "up", "both"])
def test_epcis_through_the_page_is_the_apis_document(client, chain, trace):
    params = {"lot": "VEG-M", **({"trace": trace} if trace else {})}
    api = client.get("/api/v1/exports/epcis", query_string=params, headers=auth_header(chain["coop"]))
    assert api.status_code == 200
    log_in(client, chain["coop"])
    page = client.get(DOWNLOAD, query_string={"format": "epcis", **params})
    assert page.status_code == 200
    assert page.mimetype == "application/ld+json"
    name = "epcis-VEG-M" + (f"-trace-{trace}" if trace else "") + ".jsonld"
    assert page.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    document = json.loads(page.get_data(as_text=True))
    assert without_times(document) == without_times(json.loads(api.get_data(as_text=True)))
    assert document["epcisBody"]["eventList"]


def test_epcis_of_a_period_through_the_page(client, chain):
    days = {"from": (TODAY - datetime.timedelta(days=1)).isoformat(), "to": TODAY.isoformat()}
    api = client.get("/api/v1/exports/epcis", query_string=days, headers=auth_header(chain["operator"]))
    log_in(client, chain["operator"])
    page = client.get(DOWNLOAD, query_string={"format": "epcis", **days, "lot": "", "trace": ""})
    assert page.status_code == 200
    stamp = f"{TODAY - datetime.timedelta(days=1):%Y%m%d}-{TODAY:%Y%m%d}"
    assert page.headers["Content-Disposition"] == f'attachment; filename="epcis-{stamp}.jsonld"'
    assert without_times(page.json) == without_times(api.json)


def test_the_kde_sheet_through_the_page_has_the_lots_rows(client, chain):
    log_in(client, chain["operator"])
    response = client.get(DOWNLOAD, query_string={"format": "kde", "lot": "VEG-S1", "trace": ""})
    rows = read_csv(response)
    assert rows[0] == list(COLUMNS)
    assert sum(1 for row in rows if row == list(COLUMNS)) == 1
    assert all(len(row) == len(COLUMNS) for row in rows)
    # Split out of VEG-M (with VEG-S2), then packed into VEG-P1: a transformation's row lists all its lots.
    assert lots_of(rows) == {"VEG-M", "VEG-S1", "VEG-S2", "VEG-P1"}
    assert {row[0] for row in rows[1:]} == {"transformation"}
    api = client.get("/api/v1/exports/kde.csv", query_string={"lots": "VEG-S1"}, headers=auth_header(chain["operator"]))
    assert api.get_data() == response.get_data()


def test_the_kde_sheet_of_a_product_and_period(client, chain):
    log_in(client, chain["coop"])
    params = {"format": "kde", "product": chain["product"].code,
              "from": (TODAY - datetime.timedelta(days=1)).isoformat(), "to": TODAY.isoformat()}
    rows = read_csv(client.get(DOWNLOAD, query_string=params))
    assert {"VEG-A", "VEG-B", "VEG-M"} <= lots_of(rows)
    assert "VEG-S1" not in lots_of(rows)  # the operator's event, not the cooperative's


def test_the_batch_page_links_to_both_exports(client, chain):
    log_in(client, chain["operator"])
    html = unescape(client.get("/batches/VEG-S1").text)
    links = re.findall(r'href="(/exports/download\?[^"]+)"', html)
    assert len(links) == 2
    epcis_link = next(link for link in links if "format=epcis" in link)
    kde_link = next(link for link in links if "format=kde" in link)
    document = client.get(epcis_link)
    assert document.status_code == 200 and document.mimetype == "application/ld+json"
    api = client.get("/api/v1/exports/epcis", query_string={"lot": "VEG-S1"}, headers=auth_header(chain["operator"]))
    assert without_times(document.json) == without_times(api.json)
    sheet = client.get(kde_link)
    assert sheet.headers["Content-Disposition"] == 'attachment; filename="kde-VEG-S1-trace-both.csv"'
    rows = read_csv(sheet)
    # The lot with its genealogy: the member farms' lots, the merged lot, its split halves and the pack.
    assert lots_of(rows) == {"VEG-A", "VEG-B", "VEG-M", "VEG-S1", "VEG-S2", "VEG-P1"}
    assert {row[0] for row in rows[1:]} == {"harvest", "transformation", "shipping", "receiving"}


def test_kde_upstream_trace_leaves_the_downstream_out(client, chain):
    log_in(client, chain["operator"])
    rows = read_csv(client.get(DOWNLOAD, query_string={"format": "kde", "lot": "VEG-S1", "trace": "up"}))
    assert {"VEG-A", "VEG-B", "VEG-M", "VEG-S1"} <= lots_of(rows)
    column = COLUMNS.index("Traceability lot code")
    # The pack's only own row is as the output of packing VEG-S1; downstream it would have none of its own.
    assert [row[0] for row in rows[1:] if row[column] == "VEG-P1"] == ["transformation"]
    assert {row[0] for row in rows[1:] if row[column] == "VEG-A"} == {"harvest", "transformation"}


@pytest.mark.parametrize(("lang", "expected"), [("en", "No batch with this lot code."),
                                                ("zh_Hans", "没有此批次号的批次。")])
@pytest.mark.parametrize("chosen", ["epcis", "kde"])
def test_an_unknown_lot_is_shown_beside_the_lot(client, chain, lang, expected, chosen):
    log_in(client, chain["coop"], lang)
    response = client.get(DOWNLOAD, query_string={"format": chosen, "lot": "NO-SUCH-LOT"})
    assert response.status_code == 404
    assert field_error(response.text, "lot") == expected
    assert input_value(response.text, "lot") == "NO-SUCH-LOT"
    assert selected(response.text, "format") == chosen


@pytest.mark.parametrize(("lang", "expected"), [("en", "The end date is before the start date."),
                                                ("zh_Hans", "结束日期早于开始日期。")])
def test_an_end_before_the_start_is_shown_beside_the_end(client, chain, lang, expected):
    log_in(client, chain["coop"], lang)
    response = client.get(DOWNLOAD, query_string={"format": "kde", "from": "2026-07-02", "to": "2026-07-01"})
    assert response.status_code == 422
    assert field_error(response.text, "to") == expected
    assert banner(response.text)
    assert input_value(response.text, "from") == "2026-07-02"


@pytest.mark.parametrize(("params", "field", "status"), [
    ({"format": "epcis"}, "lot", 422),
    ({"format": "pdf", "lot": "VEG-M"}, "format", 422),
    ({"lot": "VEG-M"}, "format", 422),
    ({"format": "epcis", "lot": "VEG M"}, "lot", 422),
    ({"format": "kde", "lot": "VEG-M", "trace": "sideways"}, "trace", 422),
    ({"format": "epcis", "from": "2026-07-01T00:00", "to": "2026-07-02"}, "from", 422),
    ({"format": "kde", "from": "2026-07-01", "to": "2026-07-02", "product": "P X"}, "product", 422),
    ({"format": "epcis", "from": "0001-01-01", "to": "0001-01-01"}, "from", 422),
    ({"format": "kde", "from": "9999-12-31", "to": "9999-12-31"}, "from", 422),
    ({"format": "epcis", "from": "99999-01-01", "to": "99999-01-02"}, "from", 422),
    ({"format": "kde", "from": "2024-01-01", "to": "2026-01-01"}, "to", 422),
    ({"format": "epcis", "lot": "VEG-M", "from": "2026-07-01", "to": "2026-07-01"}, "lot", 422),
    ({"format": "epcis", "lot": "VEG-M", "product": "PR01"}, "product", 422),
    ({"format": "kde", "lot": "VEG-M,VEG-A", "trace": "both"}, "lot", 404),  # a comma may be in a lot code
    ({"format": "kde", "lot": ",".join(f"L{i}" for i in range(101))}, "lot", 422),
    ({"format": "kde", "from": "2026-07-01", "to": "2026-07-02", "product": "NO-SUCH"}, "product", 422),
    ({"format": "epcis", "lot": "X" * 5000}, "lot", 422),
])
@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_odd_input_gets_a_4xx_beside_the_field(client, chain, params, field, status, lang):
    log_in(client, chain["coop"], lang)
    response = client.get(DOWNLOAD, query_string=params)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert field_error(response.text, field)
    assert f'<html lang="{"zh-Hans" if lang == "zh_Hans" else "en"}">' in response.text


@pytest.mark.parametrize("params", [
    {"format": "epcis", "lot": "VEG\x00M"},
    {"format": "kde", "lot": "VEG-M", "trace": "\x00"},
    {"format": "epcis\x00", "lot": "VEG-M"},
    {"format": "epcis", "from": "2026-07-01\x00", "to": "2026-07-02"},
    {"format": "kde", "from": "2026-07-01", "to": "2026-07-02", "product": "P\x00X"},
])
@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_a_nul_in_the_query_is_a_400_page_in_the_users_language(client, chain, params, lang):
    log_in(client, chain["coop"], lang)
    response = client.get(DOWNLOAD, query_string=params)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert f'<html lang="{"zh-Hans" if lang == "zh_Hans" else "en"}">' in response.text


def test_chinese_pages_show_the_messages_in_chinese(client, chain):
    log_in(client, chain["coop"], "zh_Hans")
    response = client.get(DOWNLOAD, query_string={"format": "epcis", "lot": "VEG M"})
    assert field_error(response.text, "lot") == "不是有效的批次号。"
    assert banner(response.text) == "请更正下面标出的字段。"


@pytest.mark.parametrize("chosen", ["epcis", "kde"])
@pytest.mark.parametrize("trace", ["", "both"])
def test_a_producer_cannot_export_another_partys_lot(client, chain, chosen, trace):
    stranger = make_user(role="producer", party=make_party(kind="farm"))
    log_in(client, stranger)
    response = client.get(DOWNLOAD, query_string={"format": chosen, "lot": "VEG-A", "trace": trace})
    assert response.status_code == 404
    assert field_error(response.text, "lot") == "No batch with this lot code."
    assert "VEG-B" not in response.text


def test_a_producer_cannot_export_a_lot_only_the_next_holder_made(client, chain):
    log_in(client, chain["coop"])
    response = client.get(DOWNLOAD, query_string={"format": "kde", "lot": "VEG-M,VEG-S1"})
    assert response.status_code == 404
    assert field_error(response.text, "lot") == "No batch with this lot code."


def test_a_producers_period_holds_only_their_own_events(client, chain):
    stranger = make_user(role="producer", party=make_party(kind="farm"))
    log_in(client, stranger)
    days = {"from": (TODAY - datetime.timedelta(days=1)).isoformat(), "to": TODAY.isoformat()}
    document = client.get(DOWNLOAD, query_string={"format": "epcis", **days}).json
    assert document["epcisBody"]["eventList"] == []
    rows = read_csv(client.get(DOWNLOAD, query_string={"format": "kde", **days}))
    assert rows == [list(COLUMNS)]


def test_exports_need_a_login(client, chain):
    for url in ("/exports/", f"{DOWNLOAD}?format=epcis&lot=VEG-M"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["epcis", "kde.csv"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_api_refuses_days_whose_bounds_overflow(client, chain, path, day):
    response = client.get(f"/api/v1/exports/{path}", query_string={"from": day, "to": day},
                          headers=auth_header(chain["coop"]))
    assert response.status_code == 422
    assert response.json["errors"] == {"from": ["Choose a day between 1900-01-01 and 2999-12-31."]}


def test_the_api_gives_the_same_sheet_of_a_lot_and_its_trace(client, chain):
    log_in(client, chain["operator"])
    page = client.get(DOWNLOAD, query_string={"format": "kde", "lot": "VEG-S1", "trace": "both"})
    headers = auth_header(chain["operator"])
    api = client.get("/api/v1/exports/kde.csv", query_string={"lots": "VEG-S1", "trace": "both"}, headers=headers)
    assert api.status_code == 200 and api.data == page.data
    assert api.headers["Content-Disposition"] == 'attachment; filename="kde-VEG-S1-trace-both.csv"'
    two = client.get("/api/v1/exports/kde.csv", query_string={"lots": "VEG-S1,VEG-S2", "trace": "up"}, headers=headers)
    assert_error(two, 422, "trace")
