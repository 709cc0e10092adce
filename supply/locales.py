"""Languages in Flask: the locale selector of Flask-Babel, translating messages where they are shown, <html lang>.

The rule that picks a language is `supply.i18n.choose_language`; the API answers in English unless asked.
"""

from __future__ import annotations

import re

from flask import Flask
from flask import current_app
from flask import request
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import gettext

from supply.i18n import LANG_COOKIE
from supply.i18n import LANG_PARAM
from supply.i18n import PUBLIC_AREAS
from supply.i18n import choose_language
from supply.services.errors import Message
from supply.services.errors import Unit

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def select_locale() -> str:
    """Pick the language by `choose_language`, a public page's `?lang=` first; the API, unless a choice is
    remembered, speaks English."""
    config = current_app.config
    chosen = request.args.get(LANG_PARAM) if request.blueprint in PUBLIC_AREAS else None
    if chosen not in config["LANGUAGES"]:
        chosen = request.cookies.get(LANG_COOKIE)
    if chosen not in config["LANGUAGES"] and request.path.startswith("/api/"):
        return "en"
    return choose_language(chosen, request.accept_languages, config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"])


def translate_message(message: str) -> str:
    """Translate a message, also one with numbers in it ("At most 100 characters.") or with values (`Message`)."""
    if isinstance(message, Message):
        return gettext(message.template) % {name: _translated_value(value) for name, value in message.values.items()}
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


def _translated_value(value) -> str:
    """Translate one value of a message: a unit, a message, or a list of messages joined in the reader's way."""
    if isinstance(value, list):
        return gettext("; ").join(translate_message(item) for item in value)
    if isinstance(value, Unit):
        return gettext(str(value))
    if isinstance(value, Message):
        return translate_message(value)
    return str(value)


def translate_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Translate the messages of each field (a service's or a schema's errors) for the page or the API."""
    return {field: [translate_message(message) for message in messages] for field, messages in errors.items()}


def html_lang() -> str:
    """Return the BCP 47 tag of the current language for <html lang>."""
    return {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant"}.get(str(get_locale()), "en")


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the locale selector."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["html_lang"] = html_lang
