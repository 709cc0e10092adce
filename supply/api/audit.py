"""Audit: the JSON API routes (owned by the audit work; see supply/services)."""

from __future__ import annotations

from supply.api.routing import route  # noqa: F401
