"""Languages and messages, without Flask: the message marker `N_`, the catalogue of messages no call site names,
and the one rule that picks a page's language (used by Flask's locale selector and by the WSGI fast path alike).

Simplified Chinese by default; Traditional Chinese or English by choice (a cookie) or by the browser's
Accept-Language. Translating happens where a message is shown (`supply.locales`).
"""

from __future__ import annotations

LANG_COOKIE = "lang"
# A link in one page language: /t/<token>?lang=en (the resolver's links with an hreflang), on public pages.
LANG_PARAM = "lang"
PUBLIC_AREAS = frozenset({"public", "digital_link"})
TRADITIONAL_TAGS = ("zh-Hant", "zh-TW", "zh-HK", "zh-MO")
# The browser languages we answer to, best first when the browser likes several equally.
ACCEPTED_TAGS = ("zh-Hans", "zh-CN", *TRADITIONAL_TAGS, "zh", "en")


def N_(message: str) -> str:
    """Mark a message for translation without translating it (translated where it is shown)."""
    return message


def choose_language(chosen: str | None, accept_languages, languages, default: str) -> str:
    """Pick a page's language: the remembered choice (`chosen`, the cookie) when it names one of `languages`, else
    the best of the browser's `accept_languages` (English, Traditional Chinese where offered), else `default`."""
    if chosen in languages:
        return chosen
    best = accept_languages.best_match(ACCEPTED_TAGS)
    if best and best.startswith("en"):
        return "en"
    if best in TRADITIONAL_TAGS and "zh_Hant" in languages:
        return "zh_Hant"
    return default


# Validation messages that carry numbers, written with {n} so one translation serves every number:
# `supply.locales.translate_message` turns "At most 100 characters." into "At most {n} characters.", translates it
# and puts the numbers back.
NUMBERED_MESSAGES = (
    N_("At most {n} characters."),
    N_("Give between {n} and {n} items."),
    N_("At most {n} source lots."),
    N_("Too many failed sign-ins. Try again in {n} seconds."),
)

# marshmallow's own messages, so that they are in the catalogue too.
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Not a valid string."),
    N_("Not a valid number."),
    N_("Not a valid integer."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid boolean."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Invalid data."),
)
