"""Idempotency-Key: a retried POST with the same key gets the first response and writes nothing again."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from flask import Response
from flask import request
from peewee import IntegrityError

from supply.db import db
from supply.i18n import N_
from supply.models import IdempotencyKey
from supply.models import User
from supply.services.errors import Conflict
from supply.services.errors import ServiceError

KEY_RE = re.compile(r"^[\x21-\x7e]{1,100}$")
HEADER = "Idempotency-Key"


class BadKey(ServiceError):
    """The Idempotency-Key header is malformed."""

    status = 400


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}?{request.query_string.decode('latin-1')}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(stored: IdempotencyKey, request_hash: str) -> Response:
    if stored.request_hash != request_hash:
        raise Conflict(N_("This Idempotency-Key was used for a different request."))
    response = Response(stored.body, status=stored.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def run_once(actor: User, run: Callable[[], Response]) -> Response:
    """Run a POST once per key and user: store its successful response with its writes, replay it afterwards."""
    key = request.headers[HEADER]
    if not KEY_RE.match(key):
        raise BadKey(N_("An Idempotency-Key is 1 to 100 visible ASCII characters."))
    request_hash = _request_hash()
    stored = IdempotencyKey.get_or_none(IdempotencyKey.user == actor.id, IdempotencyKey.key == key)
    if stored is not None:
        return _replay(stored, request_hash)
    try:
        with db.atomic():
            response = run()
            if response.status_code < 300:
                IdempotencyKey.create(user=actor.id, key=key, method=request.method, path=request.path[:300],
                                      request_hash=request_hash, status=response.status_code,
                                      body=response.get_data(as_text=True))
            return response
    except IntegrityError:
        # The same key raced in from a parallel retry that committed first: its writes stand, ours rolled back.
        stored = IdempotencyKey.get_or_none(IdempotencyKey.user == actor.id, IdempotencyKey.key == key)
        if stored is None:
            raise
        return _replay(stored, request_hash)
