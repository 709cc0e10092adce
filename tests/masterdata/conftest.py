"""The master-data pages' fixture: a signed-in admin."""

from __future__ import annotations

import pytest

from tests.builders.factories import make_user
from tests.builders.pages import log_in


@pytest.fixture()
def admin(client):
    """A signed-in admin, pages in English."""
    user = make_user(role="admin")
    log_in(client, user)
    return user
