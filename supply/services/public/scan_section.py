"""The scans block of the public page, cut out of kept pages and drawn afresh for every request.

See supply.services.public.cache: a kept page is served with this block drawn from the worker's scan tallies,
so counts and the copied-label warning stay live while the rest of the page is kept.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

from jinja2 import Environment
from jinja2 import Template
from jinja2 import meta

PAGE_TEMPLATE = "public/batch.html"
SECTION = re.compile(r"<section\b.*?</section>", re.DOTALL)
SCANS_USE = re.compile(r"\bscans\b")
# What the scans block may use besides `scans`: translation functions, which follow the request's language.
SECTION_GLOBALS = frozenset({"_", "gettext", "ngettext", "pgettext", "npgettext"})


class _Count(int):
    """A scan count that prints as a mark (its value still picks the plural form), to be replaced afterwards."""

    def __str__(self) -> str:
        return COUNT_MARK

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return COUNT_MARK


COUNT_MARK = "\x02count\x03"
# Counts the shells of a language are drawn for at once (every plural form of the languages served, 0 and 1).
PRIMED_COUNTS = (0, 1, 2, 3, 5, 11, 21, 102, 1005)
FIRST_AT = datetime.datetime(2001, 2, 3, 4, 5, 6)


class ScanSection:
    """The scans block of the page template, compiled alone, so a kept page can have it drawn afresh.

    Found in the template's source as the one `<section>` that uses `scans`; when there is not exactly one, or
    it uses anything but `scans` and the translation functions, or `scans` is used outside it, pages are not
    kept (every request renders the whole page, as before).

    Drawing it is most of a kept page's cost, so it is drawn once per language, plural form and warning with a
    mark for the count and a fixed first-scan time (a "shell"), then filled in by replacing the two. A shell is
    used only if filling it in gave exactly what drawing gives; otherwise that combination is always drawn.
    """

    def __init__(self, env: Environment):
        self.env = env
        source, _, self._uptodate = env.loader.get_source(env, PAGE_TEMPLATE)
        self.template: Template | None = self._compile(source)
        self._shells: dict[tuple, str | None] = {}
        self._primed: set[str] = set()

    def _compile(self, source: str) -> Template | None:
        sections = [m for m in SECTION.finditer(source) if SCANS_USE.search(m.group())]
        if len(sections) != 1:
            return None
        match = sections[0]
        if SCANS_USE.search(source[:match.start()] + source[match.end():]):
            return None
        names = meta.find_undeclared_variables(self.env.parse(match.group()))
        if not names <= {"scans"} | SECTION_GLOBALS:
            return None
        return self.env.from_string(match.group())

    def current(self) -> bool:
        """Tell whether the template is unchanged since (checked only when templates reload)."""
        return not self.env.auto_reload or self._uptodate is None or self._uptodate()

    def filled(self, scans, language: str, plural) -> str | None:
        """Return the scans block from a shell drawn before (no template, no request needed), or None if none is."""
        shell = self._shells.get(self._key(scans, language, plural))
        return self._fill(shell, scans) if shell else None

    def prime(self, scans, language: str, plural) -> None:
        """Draw the shells of a language for the usual counts, warnings and first scans at once (in a request of
        that language), so that the fast path, which cannot draw, finds them."""
        if language in self._primed:
            return
        self._primed.add(language)
        for count in PRIMED_COUNTS:
            for suspicious in (False, True):
                sample = dataclasses.replace(scans, count=count, first=FIRST_AT if count else None,
                                             suspicious=suspicious)
                self.render(sample, language, plural)

    def render(self, scans, language: str = "", plural=None) -> str:
        """Draw the scans block for a scan summary in the request's language (`plural`: its plural rule)."""
        key = self._key(scans, language, plural)
        shell = self._shells.get(key, "")
        if shell == "":
            shell = self._shells[key] = self._shell(scans, language, plural)
        if shell is None:
            return self.template.render(scans=scans)
        return self._fill(shell, scans)

    @staticmethod
    def _key(scans, language: str, plural) -> tuple:
        form = plural(scans.count) if plural is not None else scans.count == 1
        return language, form, scans.count == 1, bool(scans.suspicious), scans.first is None

    def _fill(self, shell: str, scans) -> str:
        text = shell.replace(COUNT_MARK, str(int(scans.count)))
        if scans.first is not None:
            text = text.replace(self._first_text(), str(self.env.filters["local_time"](scans.first)))
        return text

    def _first_text(self) -> str:
        return str(self.env.filters["local_time"](FIRST_AT)) if "local_time" in self.env.filters else "\x00"

    def _shell(self, scans, language: str, plural) -> str | None:
        """Draw the block with the marks; None unless filling it in reproduces the drawn block for `scans`, for
        another first scan and (unless the key pins the count to 1) another count of the same plural form."""
        later = datetime.timedelta(days=33, minutes=7)
        try:
            shell = self.template.render(scans=dataclasses.replace(
                scans, count=_Count(scans.count), first=None if scans.first is None else FIRST_AT))
            variants = [scans]
            if scans.first is not None:
                variants.append(dataclasses.replace(scans, first=scans.first + later))
            if scans.count != 1:
                other = dataclasses.replace(scans, count=scans.count + 1009)
                if self._key(other, language, plural) != self._key(scans, language, plural):
                    return None
                variants.append(other)
            same = all(self._fill(shell, summary) == self.template.render(scans=summary) for summary in variants)
        except Exception:  # noqa: BLE001 - a template that cannot take the marks is simply drawn each time
            return None
        return shell if same else None


def split(html: str, section: str) -> tuple[str, str] | None:
    """Cut a rendered page around its rendered scans block; None unless the block occurs exactly once."""
    if not section or html.count(section) != 1:
        return None
    head, tail = html.split(section)
    return head, tail
