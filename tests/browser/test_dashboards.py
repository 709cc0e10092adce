"""Each role's dashboard on a 360 px phone in Chinese: every chart drawn as SVG with its table beside it, the drawn
values those of the table, nothing wider than the screen; the city's tonnes shipped equal a sum taken from the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from supply.clock import LOCAL_TZ
from supply.db import connection
from supply.models import User
from tests.browser.test_login_and_register import SCREENSHOTS
from tests.builders.factories import token_for

ROLES = ("admin@example.com", "producer@example.com", "operator@example.com", "inspector@example.com")


def _log_in(page, live_server, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", live_server.demo_passwords[email])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/dashboard")


def _shipped_tonnes_from_the_api(live_server) -> Decimal:
    """Sum the weighed lines of every shipment that left in the last 12 months, as the API lists them."""
    with connection():
        token = token_for(User.get(User.email == "admin@example.com"))
    client = live_server.app.test_client()
    today = datetime.datetime.now(LOCAL_TZ).date()
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    total, page = Decimal(0), 1
    while True:
        answer = client.get(f"/api/v1/shipments?per_page=100&page={page}",
                            headers={"Authorization": f"Bearer {token}"}).json
        for shipment in answer["items"]:
            departed = datetime.datetime.fromisoformat(shipment["departed_at"]).date()
            if shipment["status"] == "cancelled" or departed < first:
                continue
            for line in shipment["lines"]:
                factor = {"kg": Decimal("0.001"), "t": Decimal(1)}.get(line["unit"], Decimal(0))
                total += Decimal(line["quantity"]) * factor
        if page * 100 >= answer["total"]:
            return total.quantize(Decimal("0.001"))
        page += 1


@pytest.mark.parametrize("email", ROLES)
def test_each_role_sees_its_charts_drawn_beside_their_tables(page, live_server, email):
    _log_in(page, live_server, email)
    expect(page.locator("h1")).to_have_text("概览")
    sections = page.locator("section.chart-card")
    assert sections.count() >= 5
    drawn = 0
    for i in range(sections.count()):
        section = sections.nth(i)
        svg = section.locator("svg.chart")
        if svg.count() == 0:
            continue
        drawn += 1
        table_rows = section.locator("table.chart-table tbody tr")
        assert table_rows.count() > 0
        cells = [table_rows.nth(r).locator("td").all_text_contents() for r in range(table_rows.count())]
        values = svg.locator("rect[data-value]").evaluate_all("rects => rects.map(r => r.dataset.value)")
        if "bars" in svg.get_attribute("class"):
            assert values == [row[1] for row in cells]
        else:
            series = svg.locator("rect[data-series]").evaluate_all("rs => rs.map(r => +r.dataset.series)")
            width = max(series) + 1
            assert values == [cell for row in cells for cell in row[1:1 + width]]
    assert drawn >= 3
    page.wait_for_load_state("load")  # the cards are made by static/phone.js (deferred)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{email.split('@')[0]}.png"), full_page=True)


def test_the_city_tonnes_shipped_are_the_sum_of_the_shipments_in_the_api(page, live_server):
    expected = _shipped_tonnes_from_the_api(live_server)
    assert expected > 0
    _log_in(page, live_server, "admin@example.com")
    figure = page.locator("ul.figures li").first
    assert Decimal(figure.locator("strong").text_content()) == expected
    row = page.locator("#chart-destinations table tbody tr").first
    assert row.locator("td").first.text_content() == "全部发运"
    assert Decimal(row.locator("td").nth(1).text_content()) == expected
