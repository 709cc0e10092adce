"""Names of master data in the reader's language, without Flask: the one place a name is chosen or converted.

Names are stored in Simplified Chinese (`name`), with an optional English name (`name_en`) and an optional
Traditional Chinese name (`name_zh_hant`) beside them. English readers get the English name, else the Chinese one;
Traditional readers get the stored Traditional name, else the Simplified one converted by OpenCC (Simplified to
Traditional with Hong Kong phrasing, config `s2hk`). Counties (`supply.places`) and analytes (`supply.analytes`)
are free text with English names from a table. Every public template (the `local_name`, `local_county` and
`local_analyte` filters of `supply.views.filters`) and every public JSON answer (`names_of`) goes through
`in_language`.
"""

from __future__ import annotations

import functools

# The languages a name can be asked for (Flask-Babel's locale names).
SIMPLIFIED, TRADITIONAL, ENGLISH = "zh_Hans", "zh_Hant", "en"
OPENCC_CONFIG = "s2hk"
# Distinct strings converted and kept per process: master data is small, free-text analytes stay few.
CONVERTED_KEPT = 4096


# One converter per process, whatever the app: it depends on no configuration, and two threads racing the first
# call at worst build it twice.
@functools.cache
def _opencc():
    """Return this process's OpenCC converter, built on first use (about 70 ms: not at app start, not per string)."""
    import opencc  # here, not at the top: loading the module and its dictionaries is what first use pays for

    return opencc.OpenCC(OPENCC_CONFIG)


@functools.lru_cache(maxsize=CONVERTED_KEPT)
def to_traditional(text: str) -> str:
    """Convert Simplified Chinese to Traditional with Hong Kong phrasing (西兰花 → 西蘭花); text without Chinese
    characters comes back unchanged."""
    if not text or text.isascii():
        return text
    return _opencc().convert(text)


def in_language(name: str, language: str, english: str = "", traditional: str = "") -> str:
    """Return a name for a reader of `language`: the English or stored Traditional name when there is one, else the
    Simplified name (converted to Traditional for Traditional readers)."""
    if language == ENGLISH:
        return english or name
    if language == TRADITIONAL:
        return traditional or to_traditional(name)
    return name


def record_name(record, language: str, field: str = "name") -> str:
    """Return a record's `field` (name, variety) in a language, from `field`, `field_en` and `field_zh_hant`."""
    return in_language(getattr(record, field, "") or "", language, getattr(record, f"{field}_en", "") or "",
                       getattr(record, f"{field}_zh_hant", "") or "")


def names_of(name: str | None, english: str | None = "", traditional: str | None = "") -> dict | None:
    """Return a name in every language for JSON answers ({"name", "name_zh_hant", "name_en"}; None without one)."""
    if not name:
        return None
    return {"name": name, "name_zh_hant": in_language(name, TRADITIONAL, traditional=traditional or ""),
            "name_en": english or None}


def record_names(record, field: str = "name") -> dict | None:
    """Return a record's `field` in every language for JSON answers (see `names_of`)."""
    if record is None:
        return None
    return names_of(getattr(record, field, ""), getattr(record, f"{field}_en", ""),
                    getattr(record, f"{field}_zh_hant", ""))
