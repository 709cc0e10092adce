"""The authorization matrix: role x party relation x endpoint."""

from __future__ import annotations

import re

import pytest

from supply.api.routing import ROUTES
from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from tests.builders.accounts import two_cooperatives_world
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.factories import auth_header
from tests.builders.factories import make_credit_code
from tests.builders.factories import make_site
from tests.builders.factories import make_user

API = "/api/v1"
PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
SAMPLE_VALUES = {"int": "1", "path": "LOT0001"}
AUTH_ROUTES = [doc for doc in ROUTES if doc.auth]
NON_ADMINS = ("producer", "operator", "inspector")


def _url(rule: str) -> str:
    return API + PARAM.sub(lambda m: SAMPLE_VALUES.get(m.group(1) or "", "CODE01"), rule)


def test_some_routes_need_a_token():
    assert len(AUTH_ROUTES) >= 15


@pytest.mark.parametrize("header", [None, "Bearer xn_forged-token"], ids=["no-token", "bad-token"])
@pytest.mark.parametrize("doc", AUTH_ROUTES, ids=lambda doc: f"{doc.method} {doc.rule}")
def test_every_route_refuses_a_missing_or_bad_token(client, doc, header):
    headers = {"Authorization": header} if header else {}
    with unchanged():
        response = client.open(_url(doc.rule), method=doc.method, json={} if doc.body else None, headers=headers)
    assert_error(response, 401)


def _party_body() -> dict:
    return {"code": "NEWP01", "name": "新合作社", "kind": "cooperative", "credit_code": make_credit_code()}


def _site_body(party: Party) -> dict:
    return {"code": "NEWS01", "party": party.code, "name": "新基地", "kind": "greenhouse"}


def _product_body() -> dict:
    return {"code": "NEWPR01", "category": "mushroom", "name": "香菇", "unit": "kg"}


def _user_body(party: Party) -> dict:
    return {"email": "new@example.cn", "name": "New", "role": "producer", "party": party.code,
            "password": "a long password"}


# (name, method, url builder, body builder, status for an admin, model and key of the record it touches)
ADMIN_WRITES = [
    ("create party", "POST", lambda w: "/parties", lambda w: _party_body(), 201),
    ("update party", "PATCH", lambda w: f"/parties/{w['party'].code}", lambda w: {"name": "改名"}, 200),
    ("create site", "POST", lambda w: "/sites", lambda w: _site_body(w["party"]), 201),
    ("update site", "PATCH", lambda w: f"/sites/{w['site'].code}", lambda w: {"name": "改名"}, 200),
    ("create product", "POST", lambda w: "/products", lambda w: _product_body(), 201),
    ("update product", "PATCH", lambda w: f"/products/{w['product'].code}", lambda w: {"name": "改名"}, 200),
    ("create user", "POST", lambda w: "/users", lambda w: _user_body(w["party"]), 201),
    ("update user", "PATCH", lambda w: f"/users/{w['member'].id}", lambda w: {"name": "改名"}, 200),
]


def _snapshot() -> list:
    return [list(model.select().order_by(model.id).tuples()) for model in (Party, Site, Product, User)]


world = pytest.fixture(name="world")(two_cooperatives_world)


def _actor(world: dict, role: str) -> User:
    """A user of the role acting for the world's first party (admins and inspectors stand apart)."""
    if role == "admin":
        return make_user(role="admin")
    if role == "inspector":
        return make_user(role="inspector")
    if role == "operator":
        return make_user(party=world["party"], role="operator")
    return make_user(party=world["party"], role="producer")


@pytest.mark.parametrize("action", ADMIN_WRITES, ids=lambda a: a[0])
@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admins_manage_master_data(client, world, role, action):
    _, method, url, body, _ = action
    headers = auth_header(_actor(world, role))
    before = _snapshot()
    response = client.open(API + url(world), method=method, json=body(world), headers=headers)
    assert_error(response, 403)
    assert _snapshot() == before


@pytest.mark.parametrize("action", ADMIN_WRITES, ids=lambda a: a[0])
def test_admins_manage_master_data(client, world, action):
    _, method, url, body, status = action
    headers = auth_header(_actor(world, "admin"))
    before = _snapshot()
    response = client.open(API + url(world), method=method, json=body(world), headers=headers)
    assert response.status_code == status, response.json
    assert _snapshot() != before


# role -> relation -> status. "own" is a site/batch of the actor's party, "other" one of another party.
REGISTER = {
    "admin": {"own": 201, "other": 201},
    "producer": {"own": 201, "other": 403},
    "operator": {"own": 201, "other": 403},
    "inspector": {"own": 403, "other": 403},
}
READ = {
    "admin": {"own": 200, "other": 200},
    "producer": {"own": 200, "other": 404},
    "operator": {"own": 200, "other": 404},
    "inspector": {"own": 200, "other": 200},
}
EDIT = {
    "admin": {"own": 200, "other": 200},
    "producer": {"own": 200, "other": 403},
    "operator": {"own": 200, "other": 403},
    "inspector": {"own": 403, "other": 403},
}


def _own_and_other_sites(world: dict, actor: User) -> dict[str, Site]:
    if actor.role == "inspector":
        return {"own": make_site(party=actor.party), "other": world["other_site"]}
    return {"own": world["site"], "other": world["other_site"]}


@pytest.mark.parametrize("relation", ["own", "other"])
@pytest.mark.parametrize("role", REGISTER)
def test_register_batch_matrix(client, world, role, relation):
    actor = _actor(world, role)
    site = _own_and_other_sites(world, actor)[relation]
    body = {"product": world["product"].code, "site": site.code, "quantity": "10", "produced_on": "2026-07-01"}
    headers = auth_header(actor)
    if REGISTER[role][relation] == 201:
        response = client.post(f"{API}/batches", json=body, headers=headers)
        assert response.status_code == 201, response.json
        assert response.json["origin_site"] == site.code
        assert response.json["holder"] == site.party.code
        return
    with unchanged():
        response = client.post(f"{API}/batches", json=body, headers=headers)
    error = assert_error(response, 403)
    if role != "inspector":
        assert "site" in error["errors"]


@pytest.mark.parametrize("relation", ["own", "other"])
@pytest.mark.parametrize("role", READ)
def test_read_batch_matrix(client, world, role, relation):
    actor = _actor(world, role)
    batch = world["batch"] if relation == "own" else world["other_batch"]
    response = client.get(f"{API}/batches/{batch.lot_code}", headers=auth_header(actor))
    if READ[role][relation] == 200:
        assert response.status_code == 200
        assert response.json["lot_code"] == batch.lot_code
    else:  # the same answer as for a lot that does not exist
        body = assert_error(response, 404)
        assert body == assert_error(client.get(f"{API}/batches/NO-SUCH-LOT", headers=auth_header(actor)), 404)


@pytest.mark.parametrize("relation", ["own", "other"])
@pytest.mark.parametrize("role", EDIT)
def test_edit_batch_matrix(client, world, role, relation):
    actor = _actor(world, role)
    batch = world["batch"] if relation == "own" else world["other_batch"]
    response = client.patch(f"{API}/batches/{batch.lot_code}", json={"notes": "checked"}, headers=auth_header(actor))
    if EDIT[role][relation] == 200:
        assert response.status_code == 200, response.json
        assert Batch.get_by_id(batch.id).notes == "checked"
    else:  # another party's lot is not found; a lot one may see but not edit is forbidden
        assert_error(response, 404 if READ[role][relation] != 200 else 403)
        assert Batch.get_by_id(batch.id).notes == ""


@pytest.mark.parametrize("role", ["producer", "operator"])
def test_batch_list_shows_only_own_partys_batches(client, world, role):
    actor = _actor(world, role)
    headers = auth_header(actor)
    response = client.get(f"{API}/batches", headers=headers)
    assert response.status_code == 200
    assert [item["lot_code"] for item in response.json["items"]] == [world["batch"].lot_code]
    assert response.json["total"] == 1
    # Asking for the other party by name does not open its batches either.
    response = client.get(f"{API}/batches?party={world['other'].code}", headers=headers)
    assert response.json["items"] == [] and response.json["total"] == 0


@pytest.mark.parametrize("role", ["inspector", "admin"])
def test_inspectors_and_admins_list_every_batch(client, world, role):
    response = client.get(f"{API}/batches?per_page=100", headers=auth_header(_actor(world, role)))
    lots = {item["lot_code"] for item in response.json["items"]}
    assert {world["batch"].lot_code, world["other_batch"].lot_code} <= lots
    assert response.json["total"] == Batch.select().count()


# role -> (phone shown for own party, phone shown for another party)
PHONE = {
    "admin": (True, True),
    "inspector": (True, True),
    "producer": (True, False),
    "operator": (True, False),
}


@pytest.mark.parametrize("role", PHONE)
def test_party_phone_is_private(client, world, role):
    actor = _actor(world, role)
    headers = auth_header(actor)
    own_party = actor.party or world["party"]
    shows_own, shows_other = PHONE[role]
    own = client.get(f"{API}/parties/{own_party.code}", headers=headers).json
    other = client.get(f"{API}/parties/{world['other'].code}", headers=headers).json
    assert ("phone" in own) is shows_own
    assert ("phone" in other) is shows_other
    if shows_own:
        assert own["phone"] == own_party.phone
    listed = client.get(f"{API}/parties?per_page=100", headers=headers).json["items"]
    by_code = {item["code"]: item for item in listed}
    assert ("phone" in by_code[world["other"].code]) is shows_other
    assert ("phone" in by_code[own_party.code]) is shows_own
    assert world["other"].phone not in str(other) or shows_other


@pytest.mark.parametrize("role", ["producer", "operator", "inspector"])
def test_non_admins_see_only_their_partys_users(client, world, role):
    actor = _actor(world, role)
    stranger = make_user(party=world["other"])
    headers = auth_header(actor)
    response = client.get(f"{API}/users?per_page=100", headers=headers)
    assert response.status_code == 200
    emails = {item["email"] for item in response.json["items"]}
    expected = {u.email for u in User.select().where(User.party == actor.party_id)}
    assert emails == expected
    assert stranger.email not in emails
    assert assert_error(client.get(f"{API}/users/{stranger.id}", headers=headers), 404) == assert_error(
        client.get(f"{API}/users/999999", headers=headers), 404)
    mate = make_user(party=actor.party)
    assert client.get(f"{API}/users/{mate.id}", headers=headers).status_code == 200


def test_admins_see_every_user(client, world):
    headers = auth_header(_actor(world, "admin"))
    response = client.get(f"{API}/users?per_page=100", headers=headers)
    assert response.json["total"] == User.select().count()
    assert client.get(f"{API}/users/{world['member'].id}", headers=headers).status_code == 200


def test_an_admin_may_not_demote_themself(client):
    admin = make_user(role="admin")
    headers = auth_header(admin)
    response = client.patch(f"{API}/users/{admin.id}", json={"active": False}, headers=headers)
    assert_error(response, 409)
    assert User.get_by_id(admin.id).active is True
