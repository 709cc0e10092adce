"""Passwords that are not guessable: at least 10 characters, not common, not the e-mail, the name or the service."""

from __future__ import annotations

import pytest

from supply.models import User
from supply.services.accounts.passwords import password_problem
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.api import user_body
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in


@pytest.mark.parametrize("password, reason", [
    ("password", "Use 10 to 128 characters."),
    ("12345678", "Use 10 to 128 characters."),
    ("1234567890", "This password is too easy to guess"),
    ("password123", "This password is too easy to guess"),
    ("qwertyuiop", "This password is too easy to guess"),
    ("grower@example.cn", "Do not put your e-mail"),
    ("grower2026!!", "Do not put your e-mail"),
    ("xining-veg-2026", "Do not put your e-mail"),
])
def test_common_personal_and_short_passwords_are_refused_by_the_api(client, password, reason):
    world = {"producer": make_user()}
    headers = auth_header(make_user(role="admin"))
    with unchanged():
        response = client.post("/api/v1/users", json=user_body(world, password=password), headers=headers)
    assert reason in assert_error(response, 422, "password")["errors"]["password"][0]


def test_a_phrase_of_uncommon_words_is_accepted(client):
    world = {"producer": make_user()}
    response = client.post("/api/v1/users", json=user_body(world, password="yak butter under blue tents"),
                           headers=auth_header(make_user(role="admin")))
    assert response.status_code == 201
    assert User.get(User.email == "grower@example.cn").name == "种植户"


def test_the_admin_page_says_why_in_chinese(client):
    log_in(client, make_user(role="admin"), lang="zh_Hans")
    form = {"email": "li@example.cn", "name": "李华", "role": "producer", "party": make_party(kind="farm").code,
            "password": "1234567890", "active": "True"}
    response = client.post("/admin/users/new", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "password") == "此密码太容易被猜中：请使用由不常见词语组成的更长短语。"
    assert not User.select().where(User.email == "li@example.cn").exists()


def test_the_rule_weighs_the_name_too():
    assert password_problem("mahuateng-garden", "ma@example.cn", "mahuateng") is not None
    assert password_problem("yak butter under blue tents", "ma@example.cn", "马化") is None
