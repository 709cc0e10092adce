"""Fill the Traditional Chinese catalogue from the Simplified one with OpenCC, where no one translated by hand.

    .venv/bin/python scripts/fill_traditional.py          # fills supply/translations/zh_Hant (then pybabel compile)
    .venv/bin/python scripts/fill_traditional.py --check  # exit 1 when a message has no Traditional translation

Hand-written translations are kept; a message missing from zh_Hant, or empty there, is converted from its
Simplified text with OpenCC's `s2twp` (Traditional characters with Taiwan's words: 网络 → 網路, 软件 → 軟體), the
same conventions as the hand-written entries. Placeholders such as %(count)s are ASCII and pass through unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import opencc
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent / "supply/translations"


def _read(lang: str):
    with open(ROOT / lang / "LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def _empty(string) -> bool:
    forms = string if isinstance(string, tuple) else (string,)
    return not all(forms)


def missing(simplified, traditional) -> list:
    """Return the Simplified entries that have no Traditional translation."""
    return [m for m in simplified if m.id and not _empty(m.string)
            and (traditional.get(m.id) is None or _empty(traditional.get(m.id).string))]


def main() -> int:
    simplified, traditional = _read("zh_Hans"), _read("zh_Hant")
    todo = missing(simplified, traditional)
    if "--check" in sys.argv:
        for message in todo:
            print(message.id)
        return 1 if todo else 0
    convert = opencc.OpenCC("s2twp").convert
    for message in todo:
        string = tuple(convert(s) for s in message.string) if isinstance(message.string, tuple) \
            else convert(message.string)
        existing = traditional.get(message.id)
        if existing is not None:
            existing.string = string
        else:
            traditional.add(message.id, string, flags=message.flags - {"fuzzy"})
    with open(ROOT / "zh_Hant/LC_MESSAGES/messages.po", "wb") as fh:
        write_po(fh, traditional, width=120, omit_header=False, sort_output=False)
    print(f"zh_Hant: {len(todo)} messages filled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
