"""The audit log: append-only on both databases, read by admins and inspectors only, filtered and exported."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from peewee import DatabaseError
from playhouse.test_utils import count_queries

from supply.db import db
from supply.i18n import N_
from supply.models import AuditEntry
from supply.models import Party
from supply.services.audit import log as audit_log
from supply.services.audit import writes as audit
from supply.services.audit.writes import audited
from supply.services.errors import Conflict
from supply.services.errors import Forbidden
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.audit import latest_id
from tests.builders.audit import new_entries
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_user
from tests.builders.pages import log_in


@audited("tests.write_then_fail")
def write_then_fail(actor, code: str) -> Party:
    """Write a party, then refuse: nothing of it may stay, neither the party nor an entry."""
    make_party(code=code)
    raise Conflict(N_("This shipment has been received already."))


@audited("tests.outer")
def outer_write(actor, code: str) -> Party:
    """Write through another audited service, as an import dispatches shipments."""
    return inner_write(actor, code)


@audited("tests.inner")
def inner_write(actor, code: str) -> Party:
    """Write a party."""
    return make_party(code=code)


def _entry(actor, action: str, at: datetime.datetime, table: str = "batch", key: str = "LOT-1", **changes):
    return AuditEntry.create(actor=actor, action=action, at=at, table=table, record_key=key, changes=changes)


@pytest.fixture()
def log(app):
    """An inspector, a producer, an admin, and three entries on either side of an Asia/Shanghai midnight."""
    inspector, producer = make_user(role="inspector"), make_user(role="producer")
    admin = make_user(role="admin")
    people = {"inspector": inspector, "producer": producer, "admin": admin}
    entries = [
        # 2026-07-01 23:30 in Xining.
        _entry(producer, "shipments.create", datetime.datetime(2026, 7, 1, 15, 30), "shipment", "SH-1",
               data={"lines": [{"lot": "LOT-1", "quantity": "100"}]}),
        # 2026-07-02 00:30 in Xining.
        _entry(producer, "batches.register", datetime.datetime(2026, 7, 1, 16, 30), "batch", "LOT-2",
               data={"quantity": "5", "field_name": "3号地"}),
        _entry(admin, "users.create", datetime.datetime(2026, 7, 3, 2, 0), "app_user", "a@example.cn",
               data={"password": "***", "role": "producer"}),
    ]
    return {**people, "entries": entries, "headers": {k: auth_header(v) for k, v in people.items()}}


def _keys(response) -> list[str]:
    return [item["record"] for item in response.json["items"] if item["action"] != "tokens.create"]


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entry SET action = 'forged.action'",
    "DELETE FROM audit_entry",
])
def test_the_log_refuses_updates_and_deletes(app, statement):
    audit.log(None, "tests.check", None, {"a": 1}, table="party", key="P1")
    with pytest.raises(DatabaseError, match="append-only"):
        with db.atomic():
            db.execute_sql(statement)
    assert AuditEntry.select().where(AuditEntry.action == "forged.action").count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "tests.check").count() == 1


def test_a_refused_write_leaves_neither_its_rows_nor_an_entry(app):
    actor = make_user(role="admin")
    with unchanged():
        with pytest.raises(Conflict):
            write_then_fail(actor, "GONE-1")
    assert Party.get_or_none(Party.code == "GONE-1") is None


def test_a_write_inside_another_is_logged_once_as_the_outer_one(app):
    actor = make_user(role="admin")
    since = latest_id()
    outer_write(actor, "NESTED-1")
    assert [(e.action, e.record_key, e.actor_id) for e in new_entries(since)] == [
        ("tests.outer", "NESTED-1", actor.id)]
    since = latest_id()
    inner_write(actor, "ALONE-1")
    assert [e.action for e in new_entries(since)] == ["tests.inner"]


def test_secrets_and_long_values_never_reach_the_log(app):
    entry = audit.log(None, "tests.secrets", None, {
        "password": "hunter22", "data": {"new_password": "x1", "api_token": "xn_abc", "token_id": 7,
                                         "note": "长" * 600, "file": b"%PDF-1.7"}}, table="t" * 50, key="k" * 100)
    entry = AuditEntry.get_by_id(entry.id)
    text = json.dumps(entry.changes)
    assert "hunter22" not in text and "x1" not in text and "xn_abc" not in text
    assert entry.changes["data"]["token_id"] == 7
    assert entry.changes["data"]["file"] == "<8 bytes>"
    assert len(entry.changes["data"]["note"]) == 501
    assert len(entry.table) == 40 and len(entry.record_key) == 80


@pytest.mark.parametrize("path", [f"{API}/audit", f"{API}/audit.csv"])
def test_a_producer_may_not_read_the_log(client, log, path):
    response = client.get(path, headers=log["headers"]["producer"])
    assert_error(response, 403)
    assert "audit log" in response.json["message"]


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_a_producer_gets_403_on_the_pages(client, log, path):
    log_in(client, log["producer"])
    response = client.get(path)
    assert response.status_code == 403
    assert "Only administrators and inspectors may read the audit log." in response.get_data(as_text=True)


def test_the_service_refuses_the_log_to_an_operator(app):
    with pytest.raises(Forbidden):
        audit_log.list_entries(make_user(role="operator"), {})


def test_inspectors_and_admins_list_the_log_newest_first(client, log):
    for who in ("inspector", "admin"):
        response = client.get(f"{API}/audit?per_page=100", headers=log["headers"][who])
        assert response.status_code == 200, response.json
        assert _keys(response)[:3] == ["a@example.cn", "LOT-2", "SH-1"]
    item = next(i for i in response.json["items"] if i["record"] == "LOT-2")
    assert item == {"id": log["entries"][1].id, "at": "2026-07-02T00:30:00+08:00", "actor": log["producer"].email,
                    "actor_id": log["producer"].id, "action": "batches.register", "table": "batch",
                    "record": "LOT-2", "changes": {"data": {"quantity": "5", "field_name": "3号地"}}}


@pytest.mark.parametrize(("query", "expected"), [
    ("action=shipments", ["SH-1"]),
    ("action=batches.register", ["LOT-2"]),
    ("table=app_user", ["a@example.cn"]),
    ("record=LOT-2", ["LOT-2"]),
    ("from=2026-07-02&to=2026-07-02", ["LOT-2"]),
    ("to=2026-07-01", ["SH-1"]),
    ("from=2026-07-03&to=2026-07-03", ["a@example.cn"]),
])
def test_the_filters_pick_the_entries(client, log, query, expected):
    response = client.get(f"{API}/audit?{query}", headers=log["headers"]["inspector"])
    assert response.status_code == 200, response.json
    assert _keys(response) == expected
    assert response.json["total"] == len(expected)


def test_the_actor_filter_takes_an_email_or_an_id(client, log):
    headers = log["headers"]["inspector"]
    admin = log["admin"]
    by_email = client.get(f"{API}/audit?actor={admin.email.upper()}&action=users", headers=headers)
    by_id = client.get(f"{API}/audit?actor={admin.id}&action=users", headers=headers)
    assert _keys(by_email) == _keys(by_id) == ["a@example.cn"]
    assert client.get(f"{API}/audit?actor=nobody@example.cn", headers=headers).json["total"] == 0


def test_a_period_ending_before_it_starts_is_refused(client, log):
    response = client.get(f"{API}/audit?from=2026-07-03&to=2026-07-01", headers=log["headers"]["inspector"])
    assert_error(response, 422, "to", "before the start")


def test_the_csv_parses_and_holds_the_entries(client, log):
    response = client.get(f"{API}/audit.csv?from=2026-07-01&to=2026-07-03", headers=log["headers"]["admin"])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="audit-20260701-20260703.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["time", "actor", "action", "table", "record", "changes"]
    body = [row for row in rows[1:] if row[2] != "tokens.create"]
    assert [row[:5] for row in body] == [
        ["2026-07-03T10:00:00+08:00", log["admin"].email, "users.create", "app_user", "a@example.cn"],
        ["2026-07-02T00:30:00+08:00", log["producer"].email, "batches.register", "batch", "LOT-2"],
        ["2026-07-01T23:30:00+08:00", log["producer"].email, "shipments.create", "shipment", "SH-1"],
    ]
    assert json.loads(body[1][5]) == {"data": {"field_name": "3号地", "quantity": "5"}}
    assert json.loads(body[0][5])["data"]["password"] == "***"


def test_the_page_shows_the_entries_readably_with_a_csv_link(client, log):
    log_in(client, log["inspector"])
    response = client.get("/audit/?action=batches")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "batches.register" in page and "LOT-2" in page
    assert "<code>batches.register</code>" in page
    assert "<code>shipments.create</code>" not in page
    assert "<dt>data.field_name</dt><dd>3号地</dd>" in page
    assert "2026-07-02 00:30" in page
    assert '/audit/export.csv?action=batches' in page
    export = client.get("/audit/export.csv?action=batches")
    rows = list(csv.reader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert [row[4] for row in rows[1:]] == ["LOT-2"]


def test_the_page_keeps_a_bad_filter_out_and_says_so(client, log):
    log_in(client, log["admin"])
    response = client.get("/audit/?date_from=2026-07-03&date_to=2026-07-01")
    assert response.status_code == 200
    assert "The end date is before the start date." in response.get_data(as_text=True)


def test_listing_costs_the_same_queries_for_more_entries(client, log):
    headers = log["headers"]["inspector"]
    client.get(f"{API}/audit", headers=headers)  # the token's last use is noted once

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(f"{API}/audit?per_page=100", headers=headers).status_code == 200
        return counter.count

    few = queries()
    for i in range(10):
        _entry(make_user(), "batches.update", datetime.datetime(2026, 7, 4, 1, i), key=f"LOT-{i}")
    assert queries() == few


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_at_the_ends_of_the_calendar_is_out_of_range_not_a_500(client, day):
    inspector = make_user(role="inspector")
    headers = auth_header(inspector)
    for url, name in ((f"{API}/audit?from={day}", "from"), (f"{API}/audit.csv?to={day}", "to")):
        assert_error(client.get(url, headers=headers), 422, name, "Out of range.")
    log_in(client, inspector)
    for url in (f"/audit/?date_from={day}", f"/audit/?date_to={day}", f"/audit/export.csv?date_to={day}"):
        assert client.get(url).status_code < 500
    page = client.get(f"/audit/?date_to={day}").get_data(as_text=True)
    assert "Out of range." in page


def test_lines_of_a_record_are_named_by_their_parent_and_found_with_it(client):
    from supply.models import CertificateDocument
    from supply.services.audit.writes import record_key
    from tests.builders.certificates import make_certificate

    cert = make_certificate(number="ORG-KEY-1")
    document = CertificateDocument.create(certificate=cert, file_name="a.pdf", content_type="application/pdf",
                                          size=5, sha256="0" * 64)
    assert record_key(document) == f"ORG-KEY-1#{document.id}"
    from supply.services.audit.log import list_entries
    from supply.services.audit.writes import log
    from tests.builders.factories import make_user

    log(None, "certificates.upload_document", document)
    found = [entry.record_key for entry in list_entries(make_user(role="admin"), {"record": "ORG-KEY-1"})]
    assert found == [f"ORG-KEY-1#{document.id}"]
