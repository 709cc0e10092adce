"""Refuse URLs that cannot name a record before a page looks anything up (a 404 or 400, never a 500).

PostgreSQL refuses even to compare text holding a NUL, and SQLite's driver cannot bind an integer past 64 bits,
so a lookup by such a value would fail with a 500. The API does the same in `supply.api.routing`.
"""

from __future__ import annotations

from flask import Flask
from flask import abort
from flask import request

from supply.api.routing import names_nothing

# Blueprints that answer odd values themselves: the API (its routing), the scan page (a friendly 404 page) and
# the Digital Link resolver (400 for a malformed URI).
OWN_CHECKS = frozenset({"api", "public", "digital_link"})


def refuse_odd_urls(app: Flask) -> None:
    """Answer 404 for path values that name nothing and 400 for a NUL in the query, on every page."""

    @app.url_value_preprocessor
    def _check(endpoint, values) -> None:
        """Refuse the request before the view runs."""
        if request.blueprint in OWN_CHECKS:
            return
        if any(names_nothing(value) for value in (values or {}).values()):
            abort(404)
        if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
            abort(400)
