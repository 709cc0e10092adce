"""While the database cannot be reached, every request that needs it answers 503 with Retry-After, in the one error
shape of its side, never a 500: a client must tell an outage from a bug."""

from __future__ import annotations

import pytest
from peewee import OperationalError

from supply import create_app
from supply.db import database_unreachable

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/supply"  # nothing listens on port 1


@pytest.fixture()
def outage_client(bound, tmp_path):
    """A client of an app whose database server does not answer (the session's database is bound again after)."""
    app = create_app({"TESTING": True, "DATABASE_URL": UNREACHABLE, "PUBLIC_BASE_URL": "https://trace.example.cn"},
                     instance_path=str(tmp_path))
    return app.test_client()


def test_the_api_answers_503_with_retry_after_in_its_error_shape(outage_client):
    response = outage_client.get("/api/v1/batches", headers={"Authorization": "Bearer xn_whatever"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {"code": 503, "status": "Service Unavailable",
                                   "message": "The service is briefly unavailable. Try again in a few seconds."}


def test_a_page_answers_503_in_the_visitors_language(outage_client):
    outage_client.set_cookie("lang", "zh_Hans")
    response = outage_client.get("/login")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "服务暂时不可用，请几秒钟后再试。" in response.get_data(as_text=True)


def test_a_database_error_of_ours_is_still_a_bug():
    assert not database_unreachable(OperationalError("no such table: nothing"))
