"""Read the identifiers of a captured event: lots (GS1 Digital Link, LGTIN URNs, our lot URIs), sites, parties,
documents and plantings, as the exporter writes them (supply.services.interchange.uris), and units of measure.

A lot of a product with a GTIN is named by its Digital Link URI (`https://<any host>/01/<GTIN>/10/<lot>`) or its
LGTIN URN (`urn:epc:class:lgtin:<company prefix>.<indicator and item reference>.<lot>`); a lot without a GTIN by
our lot URI `<base>/lot/<lot code>`. Sites, parties, documents and plantings are `<base>/site/<code>`,
`<base>/party/<code>`, `<base>/doc/<type>/<number>` and `<base>/planting/<code>`. `<base>` is any http(s) origin
with an optional path: another instance's export names lots by the same codes (same master data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote
from urllib.parse import urlsplit

from supply.i18n import N_
from supply.identifiers import gtin_check_digit
from supply.identifiers import is_valid_lot_code
from supply.identifiers import normalise_gtin
from supply.services.errors import Invalid
from supply.units import UNITS

LGTIN = re.compile(r"urn:epc:class:lgtin:(\d{6,12})\.(\d{1,7})\.(.+)")
DIGITAL_LINK = re.compile(r"/01/(\d{8,14})/10/([^/?#]+)")
OURS = re.compile(r"/(lot|site|party|planting|doc)/(.+)")
UNIT_BY_CODE = {code: unit for unit, (code, _counted) in UNITS.items()}

NOT_A_LOT = N_("Not a lot we can name: use a Digital Link URI or LGTIN URN with a lot, or our lot URI.")
NOT_A_SITE = N_("Not one of our site URIs.")
NOT_A_PARTY = N_("Not one of our party URIs.")
UNKNOWN_UOM = N_("Unknown unit of measure.")


@dataclass(frozen=True)
class LotName:
    """A lot as an event names it: its lot code, and the GTIN of its product when the name carries one."""

    lot_code: str
    gtin: str | None = None


def _ours(uri: str, kind: str) -> str | None:
    """Return the code of one of our URIs of a kind (`<base>/<kind>/<code>`), or None."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    match = OURS.search(parts.path)
    if match is None or match[1] != kind:
        return None
    return unquote(match[2])


def lgtin_gtin(prefix: str, item: str) -> str | None:
    """Return the GTIN-14 of an LGTIN's company prefix and indicator-and-item-reference (13 digits together)."""
    if len(prefix) + len(item) != 13:
        return None
    body = item[0] + prefix + item[1:]
    return body + gtin_check_digit(body)


def lot_name(uri: str, field: str) -> LotName:
    """Read a lot's name; a class without a lot, or a name of no kind we know, is a field error."""
    text = uri if isinstance(uri, str) else ""
    match = LGTIN.fullmatch(text)
    if match:
        gtin = lgtin_gtin(match[1], match[2])
        code = unquote(match[3])
        if gtin and is_valid_lot_code(code):
            return LotName(code, gtin)
        raise Invalid.field(field, NOT_A_LOT)
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        link = DIGITAL_LINK.search(parts.path)
        if link:
            gtin = normalise_gtin(link[1])
            code = unquote(link[2])
            if gtin and is_valid_lot_code(code):
                return LotName(code, gtin)
            raise Invalid.field(field, NOT_A_LOT)
        code = _ours(text, "lot")
        if code and is_valid_lot_code(code):
            return LotName(code)
    raise Invalid.field(field, NOT_A_LOT)


def site_code(uri, field: str) -> str:
    """Return the code of the site a URI names."""
    code = _ours(uri, "site") if isinstance(uri, str) else None
    if not code:
        raise Invalid.field(field, NOT_A_SITE)
    return code


def party_code(uri, field: str) -> str:
    """Return the code of the party a URI names."""
    code = _ours(uri, "party") if isinstance(uri, str) else None
    if not code:
        raise Invalid.field(field, NOT_A_PARTY)
    return code


def planting_code(uri) -> str | None:
    """Return the code of the planting a transformation id names, or None for any other id."""
    return _ours(uri, "planting") if isinstance(uri, str) else None


def document_number(uri: str) -> str:
    """Return a business document's number from our document URI, else the whole identifier (at most 60 chars)."""
    code = _ours(uri, "doc") if isinstance(uri, str) else None
    number = code.partition("/")[2] if code and "/" in code else (uri or "")
    return unquote(number)[:60]


def unit_of(uom: str | None, field: str) -> str | None:
    """Return our unit for a UN/ECE Recommendation 20 code (None when the event gives none)."""
    if uom is None:
        return None
    if uom not in UNIT_BY_CODE:
        raise Invalid.field(field, UNKNOWN_UOM)
    return UNIT_BY_CODE[uom]
