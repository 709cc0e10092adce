"""Sessions that end: signing out ends the session on the server, an idle or too old session ends, the cookie
holds no password material; over HTTPS the cookie is Secure and __Host-, and HSTS is sent."""

from __future__ import annotations

import datetime
import os
import stat

import pytest
from peewee import SqliteDatabase

from supply import create_app
from supply.clock import utcnow
from supply.db import keep_private
from supply.models import UserSession
from supply.services.accounts import sessions
from tests.builders.factories import make_batch
from tests.builders.factories import make_user
from tests.builders.pages import log_in


@pytest.fixture()
def clock(monkeypatch):
    """The sessions' clock, moved by the test."""
    now = [utcnow()]
    monkeypatch.setattr(sessions, "utcnow", lambda: now[0])
    return now


def signed_in(client) -> bool:
    return client.get("/batches/").status_code == 200


def test_a_cookie_kept_from_before_sign_out_opens_nothing(client):
    log_in(client, make_user())
    kept = client.get_cookie("session").value
    assert signed_in(client)
    assert client.post("/logout").status_code == 302
    client.set_cookie("session", kept)
    response = client.get("/batches/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert UserSession.select().where(UserSession.ended_at.is_null()).count() == 0


def test_an_idle_session_ends_after_thirty_minutes(client, clock):
    log_in(client, make_user())
    clock[0] += datetime.timedelta(minutes=29)
    assert signed_in(client)
    clock[0] += datetime.timedelta(minutes=29)
    assert signed_in(client)  # each visit restarts the idle time
    clock[0] += datetime.timedelta(minutes=31)
    assert not signed_in(client)
    assert not signed_in(client)  # ended for good


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, clock):
    log_in(client, make_user())
    for _ in range(35):  # a visit every 20 minutes for 11 h 40 min
        clock[0] += datetime.timedelta(minutes=20)
        assert signed_in(client)
    clock[0] += datetime.timedelta(minutes=21)
    assert not signed_in(client)


def test_the_cookie_carries_no_password_material(app, client):
    user = make_user()
    log_in(client, user)
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(client.get_cookie("session").value)
    assert set(data) <= {"sid", "_permanent", "csrf_token", "_flashes", "_fresh"}
    assert user.password_hash[-12:] not in client.get_cookie("session").value


def test_a_deactivated_user_is_signed_out_at_the_next_request(client):
    user = make_user()
    log_in(client, user)
    assert signed_in(client)
    type(user).update(active=False).where(type(user).id == user.id).execute()
    assert not signed_in(client)


def test_over_https_the_cookie_is_secure_host_only_and_hsts_is_sent(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("SUPPLY_HTTPS", "1")
    monkeypatch.setenv("SUPPLY_PROXY_HOPS", "1")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False},
                     instance_path=str(tmp_path / "instance"))
    client = app.test_client()
    user = make_user()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    response = client.post("/login", data={"email": user.email, "password": "correct horse 42"}, headers=headers)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "HttpOnly" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    page = client.get(f"/t/{make_batch().public_token}", headers=headers)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert UserSession.get(UserSession.user == user.id).address == "198.51.100.7"  # the client, via the proxy


def test_the_instance_folder_and_the_embedded_database_are_the_owners_only(tmp_path, database_url):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "supply.sqlite"
    database.touch(mode=0o644)
    create_app({"TESTING": True, "DATABASE_URL": database_url}, instance_path=str(instance))
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    keep_private(SqliteDatabase(str(database)))
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600
