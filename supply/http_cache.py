"""Answer immutable bytes (QR images) with a strong ETag, a year-long max-age and 304 on If-None-Match."""

from __future__ import annotations

import hashlib

from flask import Response
from flask import request

IMMUTABLE = "public, max-age=31536000, immutable"


def immutable_response(data: bytes, mimetype: str) -> Response:
    """Return the bytes, or 304 Not Modified when the client already holds them."""
    response = Response(data, mimetype=mimetype)
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.headers["Cache-Control"] = IMMUTABLE
    return response.make_conditional(request)
