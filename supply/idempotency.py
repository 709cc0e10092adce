"""One write per key: a retried POST with the same key gets the first response and writes nothing again.

The JSON API takes the key from the `Idempotency-Key` header; every page form carries one in a hidden field
(supply.views.once). A successful answer is kept in the same transaction as the writes; a redirect is kept as its
target (its body is the `Location`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from flask import Response
from flask import redirect
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


def _replay(stored: IdempotencyKey, request_hash: str, mimetype: str) -> Response:
    if stored.request_hash != request_hash:
        raise Conflict(N_("This Idempotency-Key was used for a different request."))
    if 300 <= stored.status < 400:
        response = redirect(stored.body, code=stored.status)
    else:
        response = Response(stored.body, status=stored.status, mimetype=mimetype)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _kept_body(response: Response) -> str:
    return response.headers["Location"] if 300 <= response.status_code < 400 else response.get_data(as_text=True)


def run_once(actor: User, run: Callable[[], Response], key: str | None = None, request_hash: str | None = None,
             mimetype: str = "application/json") -> Response:
    """Run a POST once per key and user: store its successful response with its writes, replay it afterwards.

    The key is the request's Idempotency-Key header unless given; so is the hash of what was sent.
    """
    if key is None:
        key = request.headers[HEADER]
        if not KEY_RE.match(key):
            raise BadKey(N_("An Idempotency-Key is 1 to 100 visible ASCII characters."))
    request_hash = request_hash or _request_hash()
    stored = IdempotencyKey.get_or_none(IdempotencyKey.user == actor.id, IdempotencyKey.key == key)
    if stored is not None:
        return _replay(stored, request_hash, mimetype)
    try:
        with db.atomic():
            response = run()
            if response.status_code < 400:
                IdempotencyKey.create(user=actor.id, key=key, method=request.method, path=request.path[:300],
                                      request_hash=request_hash, status=response.status_code,
                                      body=_kept_body(response))
            return response
    except IntegrityError:
        # The same key raced in from a parallel retry that committed first: its writes stand, ours rolled back.
        stored = IdempotencyKey.get_or_none(IdempotencyKey.user == actor.id, IdempotencyKey.key == key)
        if stored is None:
            raise
        return _replay(stored, request_hash, mimetype)
