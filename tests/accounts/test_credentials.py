"""Self-service passwords: change one's own (the current one given; other sessions end), and set a new one through
a one-time link mailed to the account (an hour, once; every session and API token ends)."""

from __future__ import annotations

import datetime
import re
from email import message_from_bytes
from email.policy import default

import pytest

from supply.clock import utcnow
from supply.models import PasswordReset
from tests.builders.factories import PASSWORD
from tests.builders.factories import auth_header
from tests.builders.factories import make_user
from tests.builders.pages import field_error
from tests.builders.pages import log_in

NEW = "yak butter under blue tents"


@pytest.fixture()
def mailbox(app, tmp_path):
    """The development mail folder, read back as (to, subject, body) messages."""
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")

    def read() -> list[tuple[str, str, str]]:
        folder = tmp_path / "mail"
        messages = [message_from_bytes(path.read_bytes(), policy=default) for path in sorted(folder.glob("*.eml"))]
        return [(m["To"], m["Subject"], m.get_content()) for m in messages]

    return read


def signed_in(client) -> bool:
    return client.get("/batches/").status_code == 200


def test_changing_ones_password_ends_the_other_sessions_not_this_one(app, client):
    user = make_user()
    other = app.test_client()
    log_in(client, user)
    log_in(other, user)
    token = auth_header(user)
    wrong = client.post("/account/password", data={"current_password": "not it at all", "new_password": NEW})
    assert wrong.status_code == 422
    assert field_error(wrong.text, "current_password") == "This is not your current password."
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "1234567890"})
    assert "too easy to guess" in field_error(weak.text, "new_password")
    done = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW})
    assert done.status_code == 302
    assert signed_in(client) and not signed_in(other)
    assert client.get("/api/v1/batches", headers=token).status_code == 200  # tokens stay on a change
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": NEW}).status_code == 302
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401


def test_the_api_changes_ones_password_too(client):
    user = make_user()
    response = client.post("/api/v1/account/password", json={"current_password": PASSWORD, "new_password": NEW},
                           headers=auth_header(user))
    assert response.status_code == 200 and response.get_json() == {"done": True}
    assert client.post("/api/v1/auth/tokens", json={"email": user.email, "password": NEW}).status_code == 201


def test_a_forgotten_password_is_reset_through_the_mailed_link_once(app, client, mailbox):
    user = make_user()
    elsewhere = app.test_client()
    log_in(elsewhere, user)
    token = auth_header(user)
    client.set_cookie("lang", "zh_Hans")
    asked = client.post("/password/forgot", data={"email": user.email.upper()})
    assert asked.status_code == 302
    [(to, subject, body)] = mailbox()
    assert to == user.email and subject == "设置新密码"
    link = re.search(r"https?://\S+/password/reset/(\S+)", body)
    path = f"/password/reset/{link.group(1)}"
    form = client.get(path)
    assert form.status_code == 200 and user.email in form.text
    assert client.post(path, data={"new_password": NEW}).status_code == 302
    assert signed_in(client), "signed in with the new password"
    assert not signed_in(elsewhere), "every other session ended"
    assert client.get("/api/v1/batches", headers=token).status_code == 401, "every API token revoked"
    again = client.get(path)
    assert again.status_code == 404 and "此链接已过期或已使用" in again.text


def test_an_hour_old_link_no_longer_works(client, mailbox):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    [(_to, _subject, body)] = mailbox()
    path = "/password/reset/" + re.search(r"/password/reset/(\S+)", body).group(1)
    PasswordReset.update(expires_at=utcnow() - datetime.timedelta(seconds=1)).execute()
    assert client.post(path, data={"new_password": NEW}).status_code == 404
    assert client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 201


def test_asking_for_an_unknown_email_answers_the_same_and_sends_nothing(client, mailbox):
    client.set_cookie("lang", "en")
    known = client.post("/password/forgot", data={"email": make_user().email}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.cn"}, follow_redirects=True)
    assert "If this e-mail belongs to an account" in unknown.text
    assert known.text.count("If this e-mail belongs to an account") == unknown.text.count(
        "If this e-mail belongs to an account") == 1
    assert len(mailbox()) == 1


def test_the_api_mails_and_spends_reset_links_too(client, mailbox):
    user = make_user()
    assert client.post("/api/v1/auth/password-reset", json={"email": user.email}).status_code == 202
    assert client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.cn"}).status_code == 202
    [(_to, _subject, body)] = mailbox()
    key = re.search(r"/password/reset/(\S+)", body).group(1)
    assert client.post(f"/api/v1/auth/password-reset/{key}", json={"new_password": NEW}).status_code == 200
    gone = client.post(f"/api/v1/auth/password-reset/{key}", json={"new_password": NEW + " again"})
    assert gone.status_code == 422 and "expired or was used" in gone.get_json()["message"]
