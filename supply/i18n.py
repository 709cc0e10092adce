"""Languages: Simplified Chinese by default, English or (on public pages) Traditional Chinese by choice, in a cookie."""

from __future__ import annotations

import re

from flask import Flask
from flask import current_app
from flask import request
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import gettext

LANG_COOKIE = "lang"
# The blueprints whose every string has a Traditional Chinese translation; elsewhere zh_Hant reads Simplified.
TRADITIONAL_AREAS = frozenset({"public", "digital_link"})
TRADITIONAL_TAGS = ("zh-Hant", "zh-TW", "zh-HK", "zh-MO")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def select_locale() -> str:
    """Pick the language: a remembered choice, else the browser's, else Simplified Chinese."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return _readable(chosen)
    if request.path.startswith("/api/"):
        return "en"
    best = request.accept_languages.best_match(["zh-Hans", "zh-CN", *TRADITIONAL_TAGS, "zh", "en"])
    if best and best.startswith("en"):
        return "en"
    if best in TRADITIONAL_TAGS and "zh_Hant" in languages:
        return _readable("zh_Hant")
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _readable(locale: str) -> str:
    """Read Traditional Chinese as Simplified on pages not yet translated into it (rather than as English)."""
    if locale == "zh_Hant" and request.blueprint not in TRADITIONAL_AREAS:
        return "zh_Hans"
    return locale


def translate_message(message: str) -> str:
    """Translate a message, also one with numbers in it ("At most 100 characters.")."""
    translated = gettext(message)
    if translated != message or not NUMBER.search(message):
        return translated
    numbers = NUMBER.findall(message)
    template = NUMBER.sub("{n}", message)
    translated = gettext(template)
    if translated == template:
        return message
    for number in numbers:
        translated = translated.replace("{n}", number, 1)
    return translated


def html_lang() -> str:
    """Return the BCP 47 tag of the current language for <html lang>."""
    return {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant"}.get(str(get_locale()), "en")


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the locale selector."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["html_lang"] = html_lang
