"""Every string of the public scan page and the Digital Link resolver has a Traditional Chinese translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from tests.builders import REPO

ROOT = REPO
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "N_": None, "ngettext": (1, 2)}
PUBLIC_FILES = [
    *(("jinja2", path) for path in sorted((ROOT / "templates/public").glob("*.html"))),
    ("python", ROOT / "supply/views/public.py"),
    ("python", ROOT / "supply/views/digital_link.py"),
    ("python", ROOT / "supply/services/public/digital_link.py"),
]
# Shared names the public page shows through unit_label() (supply/views/labels.py).
SHARED = ["kg", "t", "carton", "punnet", "pack", "plant", "head"]


def _public_messages() -> set[str]:
    found = set(SHARED)
    for method, path in PUBLIC_FILES:
        for _line, message, _comments, _context in extract_from_file(method, path, keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue():
    with open(ROOT / "supply/translations/zh_Hant/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh)


def test_every_public_string_has_a_traditional_translation():
    catalogue = _catalogue()
    missing = sorted(m for m in _public_messages() if not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == []


def test_traditional_catalogue_has_no_fuzzy_entries_and_no_simplified_only_characters():
    catalogue = _catalogue()
    assert not catalogue.fuzzy
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []
    simplified = set("这为与们说时过发后来个国对会产农记录场检验运输温无")
    assert [m.id for m in catalogue if m.id and simplified & set(m.string)] == []
