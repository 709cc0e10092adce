"""Odd values in the URLs of the certification, inspection, recall and audit pages: a 404 or a 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_user
from tests.builders.pages import log_in

TOO_BIG = "99999999999999999999"  # past 64 bits: SQLite's driver cannot even bind it
GET_PAGES = (
    f"/certificates/{TOO_BIG}",
    "/certificates/2147483648",
    f"/certificates/1/documents/{TOO_BIG}",
    f"/inspections/{TOO_BIG}",
    "/recalls/RC2026-%00",
    "/recalls/RC2026-%00/report",
    "/recalls/RC2026-%00/report.csv",
    "/inspections/lots/A%00B",
    "/inspections/lots/A%00B/compliance",
)
POST_PAGES = (
    f"/certificates/{TOO_BIG}/approve",
    f"/certificates/{TOO_BIG}/documents",
    f"/inspections/holds/{TOO_BIG}/release",
    "/recalls/RC2026-%00/close",
    "/recalls/RC2026-%00/notices",
    "/recalls/RC2026-%00/lots/A%00",
)


@pytest.fixture()
def inspector(client):
    """Sign in an inspector."""
    user = make_user(role="inspector")
    log_in(client, user)
    return user


@pytest.mark.parametrize("url", GET_PAGES)
def test_unknown_records_in_page_urls_are_404(client, inspector, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", POST_PAGES)
def test_posting_to_unknown_records_is_404_and_writes_nothing(client, inspector, url):
    with unchanged():
        response = client.post(url, data={"reason": "核查", "note": "完", "party": "P0001", "channel": "phone"})
    assert response.status_code == 404


@pytest.mark.parametrize("query", ("party=A%00", "party=%00"))
def test_a_nul_in_a_query_is_refused_not_a_500(client, inspector, query):
    response = client.get(f"/certificates/mine?{query}")
    assert 400 <= response.status_code < 500


def test_a_time_before_the_first_day_of_the_calendar_is_422_not_a_500(client):
    headers = auth_header(make_user(role="inspector"))
    batch = make_batch()
    body = {"lot": batch.lot_code, "kind": "pesticide_rapid", "method": "test_strip", "passed": True,
            "tested_at": "0001-01-01T00:00:00+14:00"}
    with unchanged():
        response = client.post(f"{API}/tests", json=body, headers=headers)
    assert_error(response, 422, "tested_at")


def test_a_nul_in_any_page_url_is_refused_not_a_500(client):
    log_in(client, make_user(role="admin"))
    assert client.get("/batches/A%00B").status_code == 404
    assert client.get("/shipments/A%00").status_code == 404
    assert client.get("/batches?q=A%00B").status_code == 400
