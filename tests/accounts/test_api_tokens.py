"""API tokens: issued for a password, stored only hashed, listed, revoked, and noted when used."""

from __future__ import annotations

import hashlib

from supply.clock import utcnow
from supply.models import ApiToken
from supply.models import AuditEntry
from tests.builders.api import assert_error
from tests.builders.api import table_counts
from tests.builders.api import unchanged
from tests.builders.factories import PASSWORD
from tests.builders.factories import auth_header
from tests.builders.factories import make_user
from tests.builders.factories import token_for

TOKENS = "/api/v1/auth/tokens"


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_good_credentials_give_a_working_token(client):
    user = make_user()
    response = client.post(TOKENS, json={"email": user.email, "password": PASSWORD, "name": "laptop"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["token"].startswith("xn_") and len(body["token"]) >= 40
    assert body["name"] == "laptop"
    assert body["token"].startswith(body["prefix"])
    assert body["revoked_at"] is None and body["last_used_at"] is None
    me = client.get("/api/v1/users/me", headers=_bearer(body["token"]))
    assert me.status_code == 200
    assert me.json["email"] == user.email


def test_email_is_not_case_sensitive(client):
    user = make_user()
    response = client.post(TOKENS, json={"email": "  " + user.email.upper(), "password": PASSWORD})
    assert response.status_code == 201, response.json


def test_wrong_password_unknown_email_and_inactive_user_get_the_same_401(client):
    user = make_user()
    inactive = make_user(active=False)
    attempts = [
        {"email": user.email, "password": PASSWORD + "x"},
        {"email": "nobody@example.cn", "password": PASSWORD},
        {"email": inactive.email, "password": PASSWORD},
    ]
    messages = set()
    for credentials in attempts:
        before = table_counts()
        response = client.post(TOKENS, json=credentials)
        messages.add(assert_error(response, 401)["message"])
        after = table_counts()
        assert {table for table in before if before[table] != after[table]} == {"audit_entry"}  # no token
        entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
        assert (entry.action, entry.record_key) == ("auth.failed", credentials["email"])
    # One message for all three, so the answer does not tell which emails exist.
    assert len(messages) == 1


def test_missing_fields_are_named(client):
    with unchanged():
        response = client.post(TOKENS, json={})
    body = assert_error(response, 422, "email")
    assert "password" in body["errors"]
    with unchanged():
        response = client.post(TOKENS, json={"email": "", "password": ""})
    body = assert_error(response, 422, "email", "may not be empty")
    assert "password" in body["errors"]


def test_token_is_stored_only_as_its_hash(client):
    user = make_user()
    raw = client.post(TOKENS, json={"email": user.email, "password": PASSWORD}).json["token"]
    row = ApiToken.get(ApiToken.user == user.id)
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.select().where(ApiToken.id == row.id).dicts().get().values()]
    assert not any(raw in value or raw[8:] in value for value in stored)
    listed = client.get(TOKENS, headers=_bearer(raw)).json["items"]
    assert listed and all("token" not in item for item in listed)
    assert raw not in client.get(TOKENS, headers=_bearer(raw)).get_data(as_text=True)


def test_last_used_at_is_set_on_use(client):
    user = make_user()
    raw = token_for(user)
    token = ApiToken.get(ApiToken.user == user.id)
    assert token.last_used_at is None
    before = utcnow().replace(microsecond=0)
    assert client.get("/api/v1/users/me", headers=_bearer(raw)).status_code == 200
    used = ApiToken.get_by_id(token.id).last_used_at
    assert used is not None and used >= before
    listed = client.get(TOKENS, headers=_bearer(raw)).json["items"][0]
    assert listed["last_used_at"] is not None and listed["last_used_at"].endswith("+08:00")


def test_revoked_token_gets_401(client):
    user = make_user()
    raw = token_for(user)
    token = ApiToken.get(ApiToken.user == user.id)
    response = client.delete(f"{TOKENS}/{token.id}", headers=_bearer(raw))
    assert response.status_code == 200
    assert response.json["revoked_at"] is not None
    assert ApiToken.get_by_id(token.id).revoked_at is not None
    assert_error(client.get("/api/v1/users/me", headers=_bearer(raw)), 401)


def test_inactive_users_tokens_stop_working(client):
    user = make_user()
    headers = auth_header(user)
    user.active = False
    user.save()
    assert_error(client.get("/api/v1/users/me", headers=headers), 401)


def test_bad_authorization_headers_get_401(client):
    user = make_user()
    raw = token_for(user)
    for header in [f"Token {raw}", raw, "Bearer", "Bearer xn_not-a-token", f"Bearer {raw}x", "Basic dXNlcjpwYXNz"]:
        assert_error(client.get("/api/v1/users/me", headers={"Authorization": header}), 401)
    assert client.get("/api/v1/users/me", headers={"Authorization": f"bearer  {raw}"}).status_code == 200


def test_listing_shows_only_own_tokens(client):
    user = make_user()
    other = make_user(party=user.party)
    raw = token_for(user)
    token_for(user)
    token_for(other)
    response = client.get(TOKENS, headers=_bearer(raw))
    assert response.status_code == 200
    own_ids = {t.id for t in ApiToken.select().where(ApiToken.user == user.id)}
    assert response.json["total"] == 2
    assert {item["id"] for item in response.json["items"]} == own_ids


def test_someone_elses_token_answers_as_one_that_does_not_exist(client):
    user = make_user()
    other = make_user(party=user.party)
    other_raw = token_for(other)
    other_token = ApiToken.get(ApiToken.user == other.id)
    response = client.delete(f"{TOKENS}/{other_token.id}", headers=auth_header(user))
    missing = client.delete(f"{TOKENS}/999999", headers=auth_header(user))
    assert assert_error(response, 404) == assert_error(missing, 404)
    assert ApiToken.get_by_id(other_token.id).revoked_at is None
    assert client.get("/api/v1/users/me", headers=_bearer(other_raw)).status_code == 200


def test_admin_may_revoke_any_token(client):
    other = make_user()
    other_raw = token_for(other)
    other_token = ApiToken.get(ApiToken.user == other.id)
    admin = make_user(role="admin")
    assert client.delete(f"{TOKENS}/{other_token.id}", headers=auth_header(admin)).status_code == 200
    assert_error(client.get("/api/v1/users/me", headers=_bearer(other_raw)), 401)


def test_revoking_an_unknown_token_is_404(client):
    headers = auth_header(make_user())
    assert_error(client.delete(f"{TOKENS}/999999", headers=headers), 404)
    assert_error(client.delete(f"{TOKENS}/99999999999999999999", headers=headers), 404)
