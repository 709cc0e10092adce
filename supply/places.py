"""The districts and counties of Xining with their English names and codes, for the free-text county of parties
and sites.

A county is typed as free text ("湟中区", "大通县", "西宁市湟中区"); `county_key` finds the place it names, so the
English page can say "Huangzhong District". A county not in the table is shown as typed (and converted for
Traditional readers like every name, `supply.names`).
"""

from __future__ import annotations

from dataclasses import dataclass

from supply.names import in_language
from supply.names import names_of


@dataclass(frozen=True)
class County:
    """A district or county of Xining: its Simplified name, English name and administrative division code."""

    name: str
    name_en: str
    code: str


COUNTIES = (
    County("城东区", "Chengdong District", "630102"),
    County("城中区", "Chengzhong District", "630103"),
    County("城西区", "Chengxi District", "630104"),
    County("城北区", "Chengbei District", "630105"),
    County("湟中区", "Huangzhong District", "630106"),
    County("大通回族土族自治县", "Datong Hui and Tu Autonomous County", "630121"),
    County("湟源县", "Huangyuan County", "630123"),
)
# Other ways the same places are written: short names, the pre-2020 county of Huangzhong, Traditional characters.
ALIASES = {
    "城东": "城东区", "城中": "城中区", "城西": "城西区", "城北": "城北区",
    "湟中": "湟中区", "湟中县": "湟中区",
    "大通": "大通回族土族自治县", "大通县": "大通回族土族自治县", "大通回族土族自治縣": "大通回族土族自治县",
    "湟源": "湟源县",
    "城東區": "城东区", "城中區": "城中区", "城西區": "城西区", "城北區": "城北区", "湟中區": "湟中区",
    "湟源縣": "湟源县", "大通縣": "大通回族土族自治县",
}
# Written before the county and left out when looking it up.
PREFIXES = ("青海省", "青海", "西宁市", "西宁", "西寧市")
BY_NAME = {county.name: county for county in COUNTIES}


def county_key(text: str | None) -> County | None:
    """Return the Xining district or county a free-text county names, or None."""
    key = (text or "").strip().replace(" ", "")
    for prefix in PREFIXES:
        if key.startswith(prefix) and key != prefix:
            key = key[len(prefix):]
    return BY_NAME.get(ALIASES.get(key, key))


def county_name(text: str | None, language: str) -> str:
    """Show a free-text county in a language: its English name from the table, else as typed (Traditional
    readers get it converted)."""
    if not text:
        return ""
    county = county_key(text)
    return in_language(text, language, county.name_en if county else "")


def county_names(text: str | None) -> dict | None:
    """Return a free-text county in every language for JSON answers (None without one)."""
    county = county_key(text)
    return names_of(text, county.name_en if county else "")
