"""GS1 Digital Link: parse `/01/<GTIN>[/22/<variant>][/10/<lot>][/21/<serial>]` URIs strictly, and find what each
level of a URI names (the lot, the product of the GTIN) for the walk-up rule of the GS1 resolver standard."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
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
DATE_RE = re.compile(r"^[0-9]{6}$")


class BadLink(ValueError):
    """A Digital Link URI that is malformed (answered with 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Level:
    """One level of a URI, from the URI itself up to its GTIN: its path as asked (still percent-encoded) and the
    qualifiers it keeps."""

    path: str
    qualifiers: tuple[tuple[str, str], ...]

    @property
    def lot(self) -> str | None:
        """The lot this level names: only a level whose one qualifier is the lot (10) names one of our lots."""
        keys = [key for key, _ in self.qualifiers]
        return self.qualifiers[0][1] if keys == ["10"] else None


@dataclass(frozen=True)
class DigitalLink:
    """A parsed URI: its GTIN-14 and its levels, the most granular first, the GTIN's last."""

    gtin: str
    levels: tuple[Level, ...]

    @property
    def lot(self) -> str | None:
        """The lot the URI names, with or without a serial after it."""
        return next((level.lot for level in self.levels if level.lot is not None), None)


def parse_path(raw_path: str) -> DigitalLink:
    """Parse the raw (still percent-encoded) path of a Digital Link URI, or raise BadLink. A trailing slash is
    tolerated."""
    if len(raw_path) > MAX_PATH:
        raise BadLink(N_("The address is too long."))
    trimmed = raw_path.strip("/")
    segments = trimmed.split("/") if trimmed else []
    if len(segments) < 2 or len(segments) % 2 or segments[0] != "01":
        raise BadLink(N_("A GS1 Digital Link reads /01/<GTIN>/10/<lot>."))
    gtin = normalise_gtin(segments[1])
    if gtin is None:
        raise BadLink(N_("The GTIN is not valid: 8, 12, 13 or 14 digits with a correct check digit."))
    pairs = [(segments[i], unquote(segments[i + 1])) for i in range(2, len(segments), 2)]
    keys = [key for key, _ in pairs]
    if any(key not in QUALIFIER_ORDER for key in keys) or keys != sorted(set(keys), key=QUALIFIER_ORDER.index):
        raise BadLink(N_("The qualifiers after the GTIN must be 22, 10 and 21, in that order, each once."))
    for key, value in pairs:
        if not is_valid_lot_code(value):
            raise BadLink(N_("The lot is not valid: 1 to 20 characters of the GS1 set.") if key == "10"
                          else N_("A variant or serial number is 1 to 20 characters of the GS1 set."))
    levels = tuple(Level("/" + "/".join(segments[:2 + 2 * count]), tuple(pairs[:count]))
                   for count in range(len(pairs), -1, -1))
    return DigitalLink(gtin, levels)


def check_date(value: str) -> None:
    """Check a YYMMDD date attribute such as ?17= (day 00 means the end of the month), or raise BadLink."""
    if not DATE_RE.fullmatch(value):
        raise BadLink(N_("A date is written YYMMDD."))
    year, month, day = 2000 + int(value[:2]), int(value[2:4]), int(value[4:])
    if not 1 <= month <= 12 or day > calendar.monthrange(year, month)[1]:
        raise BadLink(N_("A date is written YYMMDD."))


def find_batch(gtin: str, lot: str) -> Batch | None:
    """Return the batch of a GTIN and lot, with its product, origin party and site."""
    return with_origin().where((Product.gtin == gtin) & (Batch.lot_code == lot)).first()


def find_product(gtin: str) -> Product | None:
    """Return the product of a GTIN-14."""
    return Product.get_or_none(Product.gtin == gtin)
