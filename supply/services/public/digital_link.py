"""GS1 Digital Link: parse `/01/<GTIN>/10/<lot>` URIs strictly, and describe the link types of a batch."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from urllib.parse import quote
from urllib.parse import unquote

from supply.i18n import N_
from supply.identifiers import is_valid_lot_code
from supply.identifiers import normalise_gtin
from supply.models import Batch
from supply.models import Product
from supply.services.custody.batches import with_origin

MAX_PATH = 256
# GS1 Digital Link 1.2, key qualifiers of GTIN in their only allowed order: CPV (22), lot (10), serial (21).
QUALIFIER_ORDER = ("22", "10", "21")
VOC = "https://gs1.org/voc/"
# (link type, media type, English title); the first is the default link.
LINK_TYPES = (
    ("gs1:pip", "text/html", "Product information page"),
    ("gs1:traceability", "application/json", "Traceability: origin and journey of the lot"),
    ("gs1:certificationInfo", "application/json", "Certificates covering the lot"),
    ("gs1:recallStatus", "application/json", "Recall status of the lot"),
)
LINKSET_TYPES = ("linkset", "all")
DATE_RE = re.compile(r"^[0-9]{6}$")


class BadLink(ValueError):
    """A Digital Link URI that is malformed or that this resolver does not serve (answered with 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class DigitalLink:
    """The primary key and qualifier of a parsed URI."""

    gtin: str
    lot: str


def parse_path(raw_path: str) -> DigitalLink:
    """Parse the raw (still percent-encoded) path of a Digital Link URI, or raise BadLink."""
    if len(raw_path) > MAX_PATH:
        raise BadLink(N_("The address is too long."))
    segments = raw_path.strip("/").split("/") if raw_path.strip("/") else []
    if len(segments) < 2 or len(segments) % 2 or segments[0] != "01":
        raise BadLink(N_("A GS1 Digital Link reads /01/<GTIN>/10/<lot>."))
    gtin = normalise_gtin(segments[1])
    if gtin is None:
        raise BadLink(N_("The GTIN is not valid: 8, 12, 13 or 14 digits with a correct check digit."))
    pairs = [(segments[i], unquote(segments[i + 1])) for i in range(2, len(segments), 2)]
    keys = [key for key, _ in pairs]
    if any(key not in QUALIFIER_ORDER for key in keys) or keys != sorted(set(keys), key=QUALIFIER_ORDER.index):
        raise BadLink(N_("The qualifiers after the GTIN must be 22, 10 and 21, in that order, each once."))
    values = dict(pairs)
    if "10" not in values:
        raise BadLink(N_("This resolver serves lots: add /10/<lot> after the GTIN."))
    if "22" in values or "21" in values:
        raise BadLink(N_("This resolver serves lots only, without variant (22) or serial number (21)."))
    if not is_valid_lot_code(values["10"]):
        raise BadLink(N_("The lot is not valid: 1 to 20 characters of the GS1 set."))
    return DigitalLink(gtin, values["10"])


def check_date(value: str) -> None:
    """Check a YYMMDD date attribute such as ?17= (day 00 means the end of the month), or raise BadLink."""
    if not DATE_RE.fullmatch(value):
        raise BadLink(N_("A date is written YYMMDD."))
    year, month, day = 2000 + int(value[:2]), int(value[2:4]), int(value[4:])
    if not 1 <= month <= 12 or day > calendar.monthrange(year, month)[1]:
        raise BadLink(N_("A date is written YYMMDD."))


def find_batch(link: DigitalLink) -> Batch | None:
    """Return the batch of a GTIN and lot, with its product, origin party and site."""
    return (
        with_origin()
        .where((Product.gtin == link.gtin) & (Batch.lot_code == link.lot))
        .first()
    )


def anchor(base_url: str, link: DigitalLink) -> str:
    """Return the canonical URI of the lot (GTIN-14, lot percent-encoded)."""
    return f"{base_url.rstrip('/')}/01/{link.gtin}/10/{quote(link.lot, safe='')}"


def link_header(uri: str) -> str:
    """Return the Link header (RFC 8288) listing every link type of the lot and its linkset."""
    links = [f'<{uri}?linkType={name}>; rel="{VOC}{name[4:]}"; type="{media}"; title="{title}"'
             for name, media, title in LINK_TYPES]
    links.append(f'<{uri}?linkType=linkset>; rel="linkset"; type="application/linkset+json"')
    return ", ".join(links)


def linkset(uri: str, languages: list[str]) -> dict:
    """Return the lot's links as an RFC 9264 linkset."""
    entry: dict = {"anchor": uri}
    for name, media, title in LINK_TYPES:
        link = {"href": f"{uri}?linkType={name}", "title": title, "type": media}
        if media == "text/html":
            link["hreflang"] = languages
        entry[f"{VOC}{name[4:]}"] = [link]
    return {"linkset": [entry]}


def resolver_description(base_url: str) -> dict:
    """Describe this resolver for /.well-known/gs1resolver."""
    return {
        "name": "Xining highland produce traceability resolver",
        "resolverRoot": base_url.rstrip("/"),
        "supportedPrimaryKeys": ["gtin"],
        "supportedQualifiers": {"gtin": ["lot"]},
        "supportedDataAttributes": ["17"],
        "supportedLinkTypes": [name for name, _, _ in LINK_TYPES] + list(LINKSET_TYPES),
        "defaultLinkType": LINK_TYPES[0][0],
        "linkTypeDefaultCanBeLinkset": False,
        "supportedContextValuesEnumerated": [],
    }
