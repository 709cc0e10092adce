"""Every string shown to users has a Simplified Chinese translation, and pages speak the chosen language."""

from __future__ import annotations

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from supply.locales import translate_message
from tests.builders import REPO

ROOT = REPO
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "N_": None, "ngettext": (1, 2)}


def _extracted() -> set[str]:
    found = set()
    for sub, method in (("supply", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / sub, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue(lang: str = "zh_Hans"):
    with open(ROOT / f"supply/translations/{lang}/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh)


def _translated(message) -> bool:
    """Tell whether a catalogue entry has a translation (every plural form, for ngettext)."""
    if message is None:
        return False
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_every_message_has_a_chinese_translation(lang):
    """Both scripts, on every page (scripts/fill_traditional.py fills Traditional where no one translated by hand)."""
    catalogue = _catalogue(lang)
    missing = sorted(m for m in _extracted() if not _translated(catalogue.get(m)))
    assert missing == []


def test_no_fuzzy_translations():
    fuzzy = [m.id for m in _catalogue() if m.id and m.fuzzy]
    assert fuzzy == []


def test_staff_pages_speak_traditional_chinese_when_chosen(client):
    from tests.builders.custody import producer_at_a_site

    producer_at_a_site(client)
    client.get("/lang/zh_Hant?next=/batches/new")
    page = client.get("/batches/new").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page
    assert "<h1>登記批次</h1>" in page and "登记批次" not in page
    assert 'lang="zh-Hans">简体</a>' in page and 'lang="en">English</a>' in page


def test_login_page_is_chinese_by_default_and_english_when_chosen(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    switched = client.get("/lang/en?next=/login")
    assert switched.status_code == 302
    assert "lang=en" in switched.headers["Set-Cookie"]
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and "登录" not in page


def test_validation_messages_are_translated_on_pages(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert translate_message("At most 100 characters.") == "最多 100 个字符。"
        assert translate_message("Missing data for required field.") == "此项必填。"
