"""Helpers of the shipment and transformation page tests: sign in, read the messages beside fields."""

from __future__ import annotations

import re
from html import unescape

from tests.builders.factories import PASSWORD


def log_in(client, user, lang: str = "en") -> None:
    """Sign in through the login page, with pages in the given language."""
    client.set_cookie("lang", lang)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def field_error(html: str, field: str) -> str:
    """Return the messages shown beside a form field, joined by " | " ('' when there is none)."""
    found = re.findall(rf'<span class="error" id="{re.escape(field)}-error">(.*?)</span>', html)
    return " | ".join(unescape(message) for message in found)


def banner(html: str) -> str:
    """Return the form-wide messages of a page."""
    return " | ".join(unescape(m) for m in re.findall(r'<p class="error banner" role="alert">(.*?)</p>', html))


def flash(html: str) -> str:
    """Return the flashed messages of a page."""
    return " | ".join(unescape(m) for m in re.findall(r'<p class="flash" role="status">(.*?)</p>', html))


def input_value(html: str, name: str) -> str | None:
    """Return the value of a text input (None when the page has no such input)."""
    found = re.search(rf'<input type="[a-z-]+" name="{re.escape(name)}" value="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def selected(html: str, name: str) -> str | None:
    """Return the selected value of a select box (None when nothing is selected)."""
    found = re.search(rf'<select name="{re.escape(name)}".*?</select>', html, re.S)
    if not found:
        return None
    option = re.search(r'<option value="([^"]*)"\s+selected', found.group(0))
    return unescape(option.group(1)) if option else None
