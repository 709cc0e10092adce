"""Template filters: local times, quantities, names in the visitor's language."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import get_locale

from supply.clock import to_local


def local_time(value) -> str:
    """Show a stored UTC time in Asia/Shanghai."""
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def quantity(value) -> str:
    """Show a decimal quantity without trailing zeros."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def local_name(record) -> str:
    """Show the English name to English readers when there is one, else the Chinese name."""
    if str(get_locale()) == "en" and getattr(record, "name_en", ""):
        return record.name_en
    return record.name


def register_filters(app: Flask) -> None:
    """Make the filters available to templates."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["quantity"] = quantity
    app.jinja_env.filters["local_name"] = local_name
