"""Failed sign-ins are limited per account and per client address, on the login page and the token endpoint alike:
the 6th failure in a minute waits, the 11th in 15 minutes is locked, answered 429 with Retry-After before any
password hash is computed; failures and locks go to the audit log."""

from __future__ import annotations

import pytest

from supply.config import load_config
from supply.models import AuditEntry
from supply.services.accounts import users
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_user
from tests.builders.pages import field_error

TOKENS = "/api/v1/auth/tokens"


@pytest.fixture()
def hashes(monkeypatch):
    """Count the password hashes computed."""
    calls = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda *args: calls.append(1) or real(*args))
    return calls


def api_sign_in(client, email: str, password: str, address: str = "127.0.0.1"):
    return client.post(TOKENS, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def page_sign_in(client, email: str, password: str, address: str = "127.0.0.1", lang: str = "en"):
    client.set_cookie("lang", lang)
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_the_sixth_wrong_password_of_an_account_waits_even_with_the_right_one(client, hashes):
    user = make_user()
    for n in range(5):  # from five addresses: the account's own count
        assert api_sign_in(client, user.email, "wrong password", f"10.0.0.{n}").status_code == 401
    assert len(hashes) == 5
    refused = api_sign_in(client, user.email, PASSWORD, "10.0.1.1")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    body = refused.get_json()
    assert body["code"] == 429 and body["message"].startswith("Too many failed sign-ins. Try again in ")
    assert len(hashes) == 5, "refused before any password hash was computed"


def test_the_eleventh_failure_locks_the_account_for_the_lock_window(app, client, hashes):
    app.config["SIGNIN_DELAY_AFTER"] = 100  # only the lock applies here
    user = make_user()
    for n in range(10):
        assert api_sign_in(client, user.email, "wrong password", f"10.0.0.{n}").status_code == 401
    locked = api_sign_in(client, user.email, PASSWORD, "10.0.2.2")
    assert locked.status_code == 429 and 60 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert len(hashes) == 10
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.record_key == user.email)]
    assert actions.count("auth.failed") == 10 and actions.count("auth.locked") == 1
    other = make_user()
    assert api_sign_in(client, other.email, PASSWORD, "10.0.3.3").status_code == 201  # only that account


def test_one_address_guessing_many_accounts_waits_too(client, hashes):
    for _ in range(5):
        assert api_sign_in(client, make_user().email, "wrong password", "203.0.113.9").status_code == 401
    assert api_sign_in(client, make_user().email, PASSWORD, "203.0.113.9").status_code == 429
    assert api_sign_in(client, make_user().email, PASSWORD, "203.0.113.10").status_code == 201


def test_the_login_page_waits_the_same_and_says_so_in_the_visitors_language(client, hashes):
    user = make_user()
    for _ in range(5):
        response = page_sign_in(client, user.email, "wrong password", lang="zh_Hans")
        assert response.status_code == 401 and "邮箱或密码错误" in field_error(response.get_data(as_text=True),
                                                                               "password")
    response = page_sign_in(client, user.email, PASSWORD, lang="zh_Hans")
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    assert "登录失败次数过多" in field_error(response.get_data(as_text=True), "password")
    assert len(hashes) == 5


def test_the_page_and_the_api_count_together(client):
    user = make_user()
    for n in range(3):
        page_sign_in(client, user.email, "wrong password", f"10.0.4.{n}")
    for n in range(2):
        api_sign_in(client, user.email, "wrong password", f"10.0.6.{n}")
    assert page_sign_in(client, user.email, PASSWORD, "10.0.5.5").status_code == 429


def test_a_successful_sign_in_clears_the_accounts_failures(client):
    user = make_user()
    for n in range(4):
        api_sign_in(client, user.email, "wrong password", f"10.0.7.{n}")
    assert page_sign_in(client, user.email, PASSWORD, "10.0.8.1").status_code == 302
    for n in range(4):
        assert api_sign_in(client, user.email, "wrong password", f"10.0.9.{n}").status_code == 401
    assert api_sign_in(client, user.email, PASSWORD, "10.0.10.1").status_code == 201


def test_the_limits_are_settings_read_from_the_environment(app, client, monkeypatch, tmp_path):
    assert (app.config["SIGNIN_DELAY_AFTER"], app.config["SIGNIN_LOCK_AFTER"],
            app.config["SIGNIN_LOCK_MINUTES"]) == (5, 10, 15)
    monkeypatch.setenv("SUPPLY_SIGNIN_DELAY_AFTER", "2")
    monkeypatch.setenv("SUPPLY_SIGNIN_LOCK_AFTER", "3")
    monkeypatch.setenv("SUPPLY_SIGNIN_LOCK_MINUTES", "1")
    config = load_config(str(tmp_path))
    limits = {key: config[key] for key in ("SIGNIN_DELAY_AFTER", "SIGNIN_LOCK_AFTER", "SIGNIN_LOCK_MINUTES")}
    assert limits == {"SIGNIN_DELAY_AFTER": 2, "SIGNIN_LOCK_AFTER": 3, "SIGNIN_LOCK_MINUTES": 1}
    app.config.update(limits)
    user = make_user()
    for n in range(2):
        assert api_sign_in(client, user.email, "wrong password", f"10.0.11.{n}").status_code == 401
    assert api_sign_in(client, user.email, PASSWORD, "10.0.12.1").status_code == 429
