"""Two-factor sign-in: turned on with an authenticator app (TOTP) and ten recovery codes, asked after the password
on the pages and the token endpoint, required of inspectors and admins when the deployment says so."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.builders.factories import PASSWORD
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in

TOKENS = "/api/v1/auth/tokens"


def signed_in(client) -> bool:
    return client.get("/batches/").status_code == 200


def turn_on(client) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on from the account page; return the secret and the recovery codes shown."""
    page = client.get("/account/two-factor").text
    secret = re.search(r'<code id="totp-key">([A-Z2-7]+)</code>', page).group(1)
    assert "<svg" in page  # the QR code an app scans
    wrong = client.post("/account/two-factor", data={"one_time_password": "000000"})
    assert wrong.status_code == 422 and "This code is not right" in field_error(wrong.text, "one_time_password")
    done = client.post("/account/two-factor", data={"one_time_password": pyotp.TOTP(secret).now()})
    assert done.status_code == 201 and "Two-factor sign-in is on." in done.text
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.text)
    assert len(codes) == 10
    return secret, codes


@pytest.fixture()
def two_factor_user(app, client):
    user = make_user(role="inspector")
    log_in(client, user)
    secret, codes = turn_on(client)
    client.post("/logout")
    return user, secret, codes


def test_the_password_alone_no_longer_signs_in(app, two_factor_user):
    user, secret, _codes = two_factor_user
    client = app.test_client()
    client.set_cookie("lang", "en")
    first = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert first.status_code == 302 and first.headers["Location"] == "/login/code"
    assert not signed_in(client)
    wrong = client.post("/login/code", data={"one_time_password": "123456"})
    assert wrong.status_code == 401 and not signed_in(client)
    assert client.post("/login/code", data={"one_time_password": pyotp.TOTP(secret).now()}).status_code == 302
    assert signed_in(client)


def test_a_recovery_code_signs_in_once(app, two_factor_user):
    user, _secret, codes = two_factor_user
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.post("/login/code", data={"one_time_password": codes[3].upper()}).status_code == 302
    assert signed_in(client)
    again = app.test_client()
    again.post("/login", data={"email": user.email, "password": PASSWORD})
    assert again.post("/login/code", data={"one_time_password": codes[3]}).status_code == 401


def test_wrong_codes_are_throttled_like_passwords(app, two_factor_user):
    user, secret, _codes = two_factor_user
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for _ in range(5):
        assert client.post("/login/code", data={"one_time_password": "999999"}).status_code == 401
    locked = client.post("/login/code", data={"one_time_password": pyotp.TOTP(secret).now()})
    assert locked.status_code == 429 and locked.headers["Retry-After"]


def test_a_token_needs_the_code_too(client, two_factor_user):
    user, secret, _codes = two_factor_user
    missing = client.post(TOKENS, json={"email": user.email, "password": PASSWORD})
    assert missing.status_code == 401 and "authenticator app" in missing.get_json()["message"]
    issued = client.post(TOKENS, json={"email": user.email, "password": PASSWORD,
                                       "one_time_password": pyotp.TOTP(secret).now()})
    assert issued.status_code == 201


def test_required_of_inspectors_and_admins_when_the_deployment_says_so(app, client):
    app.config["REQUIRE_TWO_FACTOR"] = True
    inspector = make_user(role="inspector")
    log_in(client, inspector)
    page = client.get("/certificates/")
    assert page.status_code == 302 and page.headers["Location"] == "/account/two-factor"
    refused = client.post(TOKENS, json={"email": inspector.email, "password": PASSWORD})
    assert refused.status_code == 403 and "Turn on two-factor sign-in" in refused.get_json()["message"]
    turn_on(client)
    assert client.get("/certificates/").status_code == 200
    off = client.post("/account/two-factor", data={"one_time_password": "000000"})
    assert off.status_code == 409  # it cannot be turned off while required
    producer = app.test_client()
    log_in(producer, make_user())
    assert signed_in(producer)  # producers are not asked


def test_it_turns_off_with_a_code_when_not_required(client):
    log_in(client, make_user())
    secret, _codes = turn_on(client)
    assert client.post("/account/two-factor", data={"one_time_password": pyotp.TOTP(secret).now()}).status_code == 302
    assert "(off)" in client.get("/account").text
