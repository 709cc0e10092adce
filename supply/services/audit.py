"""The audit log: every write service is wrapped by `audited`, which records who wrote which record and with what.

The entry is written in the same transaction as the write, so a refused write leaves no entry and an entry
never outlives a rolled-back write. Secrets (passwords, tokens, file bodies) never reach the log.
"""

from __future__ import annotations

import datetime
import functools
import inspect
from decimal import Decimal

from peewee import Model

from supply.db import db
from supply.models import AuditEntry
from supply.models import User

SECRET_KEYS = frozenset({"password", "password_confirm", "new_password", "current_password", "token", "secret"})
# Natural keys shown instead of ids, in order of preference.
KEY_FIELDS = ("lot_code", "event_id", "code", "number", "email", "public_id")
MAX_TEXT = 500


def plain(value):
    """Turn a write's input into JSON: Decimals and dates as text, records as their key, secrets and bytes hidden."""
    if isinstance(value, dict):
        return {str(k): ("***" if str(k) in SECRET_KEYS else plain(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Model):
        return record_key(value)
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "filename") and hasattr(value, "read"):  # an uploaded file
        return f"<file {getattr(value, 'filename', '')}>"
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def record_key(record: Model) -> str:
    """Name a record by its natural key (lot code, code, number ...) or else its id."""
    for name in KEY_FIELDS:
        if name in record._meta.fields:
            value = getattr(record, name)
            if value:
                return str(value)
    return str(record.get_id())


def log(actor: User | None, action: str, record: Model | None, changes: dict | None = None,
        table: str | None = None, key: str | None = None) -> AuditEntry:
    """Append one entry; `record` names the table and key unless they are given."""
    if record is not None:
        table = table or record._meta.table_name
        key = key if key is not None else record_key(record)
    return AuditEntry.create(
        actor=actor.id if actor is not None else None, action=action, table=table or "", record_key=key or "",
        changes=plain(changes or {}),
    )


def audited(action: str, table: str | None = None):
    """Wrap a write service `fn(actor, ...)`: run it and log it in one transaction.

    The logged record is what the service returns (the first item when it returns a tuple); the changes
    are the arguments it was called with, by name, without the actor.
    """

    def wrap(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            arguments = dict(bound.arguments)
            actor = arguments.pop("actor", None)
            with db.atomic():
                result = fn(*args, **kwargs)
                record = result[0] if isinstance(result, tuple) and result else result
                record = record if isinstance(record, Model) else None
                log(actor if isinstance(actor, User) else None, action, record, arguments, table=table,
                    key=None if record is not None else str(next(iter(arguments.values()), "")))
            return result

        wrapper.audited_action = action
        return wrapper

    return wrap


def latest_id() -> int:
    """The newest entry's id: it changes whenever anything is written, so caches may key on it."""
    entry = AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1).first()
    return entry.id if entry else 0
