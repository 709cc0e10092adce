"""Template filters: local times, quantities, names in the visitor's language (chosen by `supply.names`)."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import get_locale

from supply.analytes import analyte_name
from supply.clock import local_today
from supply.clock import to_local
from supply.names import record_name
from supply.places import county_name
from supply.regions import PROVINCES
from supply.regions import province_name
from supply.units import registration_event


def local_time(value) -> str:
    """Show a stored UTC time in Asia/Shanghai."""
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def quantity(value) -> str:
    """Show a decimal quantity without trailing zeros."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def local_name(record, field: str = "name") -> str:
    """Show a record's name (or its `field`, such as a product's variety) in the visitor's language: the English
    name to English readers, the stored or converted Traditional name to Traditional readers."""
    return "" if record is None else record_name(record, str(get_locale()), field)


def local_county(county: str | None) -> str:
    """Show a free-text county in the visitor's language (English names of Xining's districts and counties)."""
    return county_name(county, str(get_locale()))


def local_province(province: str | None) -> str:
    """Show a provincial-level division in the visitor's language."""
    return province_name(province or "", str(get_locale()))


def province_options() -> list[tuple[str, str]]:
    """The provinces for a select box, in the visitor's language."""
    return [(name, local_province(name)) for name in PROVINCES]


def local_analyte(analyte: str | None) -> str:
    """Show an analyte as typed by the tester in the visitor's language (English names from supply.analytes)."""
    return analyte_name(analyte, str(get_locale()))


def days_ago(value) -> int:
    """Count the whole days, in Beijing time, from a stored UTC time to today (how long a request has waited)."""
    return (local_today() - to_local(value).date()).days if value else 0


def register_filters(app: Flask) -> None:
    """Make the filters, and the category's registration event, available to templates."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["quantity"] = quantity
    app.jinja_env.filters["local_name"] = local_name
    app.jinja_env.filters["local_county"] = local_county
    app.jinja_env.filters["local_analyte"] = local_analyte
    app.jinja_env.filters["local_province"] = local_province
    app.jinja_env.globals["province_options"] = province_options
    app.jinja_env.filters["days_ago"] = days_ago
    # The words of a registration follow what its date records (supply.units): harvested, propagated, born.
    app.jinja_env.globals["registration_event"] = registration_event
