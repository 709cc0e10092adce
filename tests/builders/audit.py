"""Assertions of the audit tests: exactly one new entry, naming the right actor, action and record, no secrets."""

from __future__ import annotations

import json

from supply.models import AuditEntry
from supply.services.audit.writes import latest_id
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

__all__ = ["latest_id", "new_entries", "only_entry"]


def new_entries(since: int) -> list[AuditEntry]:
    """Return the entries written after the entry with id `since`, oldest first."""
    return list(AuditEntry.select().where(AuditEntry.id > since).order_by(AuditEntry.id))


def only_entry(since: int, action: str, actor, table: str, key: str, secrets: tuple[str, ...] = ()) -> AuditEntry:
    """Assert that one entry was written since `since`, as described, and that no secret is in its changes."""
    entries = new_entries(since)
    found = [(e.action, e.table, e.record_key) for e in entries]
    assert found == [(action, table, key)], found
    entry = entries[0]
    assert entry.actor_id == (actor.id if actor is not None else None), (entry.actor_id, actor)
    text = json.dumps(entry.changes, ensure_ascii=False)
    for secret in secrets:
        assert secret not in text, (secret, text)
    return entry


def audit_world(app):
    """A producer with a packhouse and a batch on hand, an operator with a cold store, an admin; their headers."""
    producer = make_user(role="producer")
    operator = make_user(role="operator")
    admin = make_user(role="admin")
    site = make_site(party=producer.party, kind="packhouse")
    return {
        "producer": producer, "operator": operator, "admin": admin, "site": site,
        "cold": make_site(party=operator.party, kind="cold_store"),
        "veg": make_product(), "batch": make_batch(site=site),
        "headers": auth_header(producer), "operator_headers": auth_header(operator),
        "admin_headers": auth_header(admin),
    }
