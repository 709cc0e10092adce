"""API tokens expire (90 days unless asked otherwise) and may be read-only; each refusal says why."""

from __future__ import annotations

import datetime

from supply.clock import utcnow
from supply.models import ApiToken
from tests.builders.api import assert_error
from tests.builders.api import batch_body
from tests.builders.api import unchanged
from tests.builders.factories import PASSWORD
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

TOKENS = "/api/v1/auth/tokens"


def issue(client, user, **extra) -> dict:
    response = client.post(TOKENS, json={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(token: dict) -> dict:
    return {"Authorization": f"Bearer {token['token']}"}


def test_a_new_token_lives_ninety_days_unless_asked_otherwise(client):
    user = make_user()
    token = issue(client, user)
    stored = ApiToken.get_by_id(token["id"])
    assert datetime.timedelta(days=89, hours=23) < stored.expires_at - utcnow() <= datetime.timedelta(days=90)
    assert token["expires_at"] is not None and token["read_only"] is False
    week = ApiToken.get_by_id(issue(client, user, expires_in_days=7)["id"])
    assert week.expires_at - utcnow() <= datetime.timedelta(days=7)


def test_an_expired_token_is_refused_with_a_message_that_says_so(client):
    token = issue(client, make_user())
    ApiToken.update(expires_at=utcnow() - datetime.timedelta(seconds=1)).where(ApiToken.id == token["id"]).execute()
    body = assert_error(client.get("/api/v1/batches", headers=bearer(token)), 401)
    assert body["message"] == "This API token has expired: create a new one."


def test_a_read_only_token_reads_but_may_not_write(client):
    user = make_user()
    world = {"producer": user, "site": make_site(party=user.party), "product": make_product()}
    token = issue(client, user, read_only=True, name="dashboard")
    assert client.get("/api/v1/batches", headers=bearer(token)).status_code == 200
    with unchanged():
        response = client.post("/api/v1/batches", json=batch_body(world), headers=bearer(token))
    assert assert_error(response, 403)["message"] == "This API token is read-only: it may not change anything."
    writer = issue(client, user)
    assert client.post("/api/v1/batches", json=batch_body(world), headers=bearer(writer)).status_code == 201


def test_a_lifetime_out_of_range_is_refused_naming_the_field(client):
    user = make_user()
    for days in (0, 366, "90", 1.5):
        with unchanged():
            response = client.post(TOKENS, json={"email": user.email, "password": PASSWORD, "expires_in_days": days})
        assert_error(response, 422, "expires_in_days")
