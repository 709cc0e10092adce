"""The audit log: every write service is wrapped by `audited`, which records who wrote which record and with what.

The entry is written in the same transaction as the write, so a refused write leaves no entry and an entry
never outlives a rolled-back write. Secrets (passwords, tokens, file bodies) never reach the log. A write service
called by another one (an import dispatching shipments, a transformation issuing compliance certificates) logs
nothing of its own: the entry names what the actor asked for, once.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import inspect
from collections.abc import Callable
from decimal import Decimal

from peewee import ForeignKeyField
from peewee import Model

from supply.db import db
from supply.db.writers import share_writers_lock
from supply.models import AuditEntry
from supply.models import PublicVersion
from supply.models import User

SECRET_KEYS = frozenset({"password", "password_confirm", "new_password", "current_password", "token", "secret"})
# Keys holding these are masked too (old_password, client_secret); so are keys ending in _token or token_hash
# (api_token), but not token_id, which names a record.
SECRET_PARTS = ("password", "secret")
SECRET_ENDINGS = ("_token", "token_hash")
# Natural keys shown instead of ids, in order of preference.
KEY_FIELDS = ("lot_code", "event_id", "code", "number", "email", "public_id")
MAX_TEXT = 500
# Column sizes of audit_entry.
MAX_ACTION, MAX_TABLE, MAX_KEY = 60, 40, 80
# Lists of a bulk write's result kept in its entry (the counts say how many there were).
MAX_LISTED = 20
MASK = "***"

_writing = contextvars.ContextVar("audited_write", default=False)


def announce_write() -> None:
    """Move the public data version forward in the current transaction (audited writes do; so must anything that
    writes what a public page shows behind them): every host's kept pages turn stale when it commits."""
    PublicVersion.update(version=PublicVersion.version + 1).where(PublicVersion.id == 1).execute()


def is_secret(key: str) -> bool:
    """Tell whether a value under this key must never be logged."""
    key = key.lower()
    return key in SECRET_KEYS or any(part in key for part in SECRET_PARTS) or key.endswith(SECRET_ENDINGS)


def plain(value):
    """Turn a write's input into JSON: Decimals and dates as text, records as their key, secrets and bytes hidden."""
    if isinstance(value, dict):
        return {str(k): (MASK if is_secret(str(k)) else plain(v)) for k, v in value.items()}
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


def _natural_key(record: Model) -> str | None:
    """Return a record's natural key (lot code, code, number ...), if it has one."""
    for name in KEY_FIELDS:
        if name in record._meta.fields:
            value = getattr(record, name)
            if value:
                return str(value)
    return None


def record_key(record: Model) -> str:
    """Name a record by its natural key, else as `<its parent's natural key>#<id>` (a recall's lot line is
    `RC2026-0001#7`, a document `LB-15-2405630123A#2`), else by its id; the log's record filter matches both."""
    own = _natural_key(record)
    if own is not None:
        return own
    for field in record._meta.sorted_fields:
        if isinstance(field, ForeignKeyField) and getattr(record, field.name + "_id", None) is not None:
            parent = _natural_key(getattr(record, field.name))
            if parent is not None:
                return f"{parent}#{record.get_id()}"
            break
    return str(record.get_id())


def log(actor: User | None, action: str, record: Model | None, changes: dict | None = None,
        table: str | None = None, key: str | None = None) -> AuditEntry:
    """Append one entry; `record` names the table and key unless they are given."""
    if record is not None:
        table = table or record._meta.table_name
        key = key if key is not None else record_key(record)
    return AuditEntry.create(
        actor=actor.id if actor is not None else None, action=action[:MAX_ACTION], table=(table or "")[:MAX_TABLE],
        record_key=(key or "")[:MAX_KEY], changes=plain(changes or {}),
    )


def first_record(result) -> Model | None:
    """Find the record a write returned: itself, or the first record of a tuple, list or dict it returned.

    `create_token` returns (secret, token): the token is logged, never the secret.
    """
    if isinstance(result, Model):
        return result
    items = result.values() if isinstance(result, dict) else result if isinstance(result, tuple | list) else ()
    return next((item for item in items if isinstance(item, Model)), None)


def _fallback_key(arguments: dict) -> str:
    """Name the record by the first plain argument (a code, an id) when the write returned none."""
    value = next((v for v in arguments.values() if isinstance(v, str | int) and not isinstance(v, bool)), "")
    return str(value)


Describe = Callable[[dict, object], tuple[str, str, dict]]


LISTENERS: list[Callable[[str, User | None, object, dict], None]] = []


def on_write(listener: Callable[[str, User | None, object, dict], None]) -> Callable:
    """Call `listener(action, actor, result, arguments)` after every audited write, inside its transaction (the
    notifications keep what they will tell this way, so a rolled-back write tells nothing)."""
    LISTENERS.append(listener)
    return listener


def audited(action: str, table: str | None = None, *, actor: str = "actor", describe: Describe | None = None):
    """Wrap a write service `fn(actor, ...)`: run it and log it in one transaction.

    The logged record is what the service returns (or the first record in the tuple, list or dict it returns);
    the changes are the arguments it was called with, by name, without the actor. `actor` names the parameter
    that holds the acting user when it is not called `actor` (`create_token(user, ...)`). `describe(arguments,
    result)` returns (table, key, changes) for writes whose arguments are too big to log (a whole file).
    """

    def wrap(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if _writing.get():
                return fn(*args, **kwargs)
            arguments = dict(signature.bind(*args, **kwargs).arguments)
            user = arguments.pop(actor, None)
            user = user if isinstance(user, User) else None
            token = _writing.set(True)
            try:
                with db.atomic():
                    share_writers_lock()  # kept public facts wait for this write (supply.db.writers)
                    result = fn(*args, **kwargs)
                    if describe is not None:
                        logged_table, key, changes = describe(arguments, result)
                        log(user, action, None, changes, table=logged_table, key=key)
                    else:
                        record = first_record(result)
                        log(user, action, record, arguments, table=table,
                            key=None if record is not None else _fallback_key(arguments))
                    for listener in LISTENERS:  # in the write's transaction: they commit or roll back with it
                        listener(action, user, result, arguments)
                    # Last, so the version row is locked only until the commit: kept public pages of every host
                    # read the new version the moment this write is visible, never before.
                    announce_write()
            finally:
                _writing.reset(token)
            return result

        wrapper.audited_action = action
        return wrapper

    return wrap


def _rows_of(plan) -> int:
    """Count the file rows of a checked import: one per new batch, or the rows of each shipment group."""
    return sum(len(getattr(item, "rows", (item,))) for item in plan)


def describe_import(arguments: dict, result) -> tuple[str, str, dict]:
    """Sum up a CSV import in one entry: its kind, its row count and what was written (lists cut short)."""
    kind = arguments.get("kind", "")
    changes: dict = {"kind": kind, "rows": _rows_of(arguments.get("plan") or ())}
    for name, value in (result or {}).items():
        if isinstance(value, dict):
            value = dict(list(value.items())[:MAX_LISTED])
        elif isinstance(value, list):
            value = value[:MAX_LISTED]
        changes[name] = value
    return {"registrations": "batch", "shipments": "shipment"}.get(kind, kind), f"import:{kind}", changes


def latest_id() -> int:
    """The newest entry's id: it changes whenever anything is written, so caches may key on it."""
    entry = AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1).first()
    return entry.id if entry else 0
