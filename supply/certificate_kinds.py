"""The kinds of certificate (docs/rules.md): names, number formats, default validity, subjects, issuers, claims.

One table serves the certificate services, the compliance certificates, the validity checks and the pages.
English names are marked with `N_` and translated where they are shown (`kind_label`); `name_zh` is the
official Chinese name, printed beside the English one where both languages matter (labels, reports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from supply.i18n import N_

# Subjects a certificate may cover (the same codes as `supply.models.certification.SUBJECT_KINDS`).
PARTY = "party"
SITE = "site"
PRODUCT_SITE = "product_site"
BATCH = "batch"

# Party kinds (supply.models.party.PARTY_KINDS) that issue certificates of each sort.
CERTIFYING_PARTIES = ("certifier", "inspector")
PRODUCING_PARTIES = ("farm", "cooperative", "operator")

# Green food product number as printed on labels: LB-<2-digit class>-<year, month, province, serial: 10 or 11
# digits><A or AA>, e.g. LB-15-19012700330A, LB-50-1703081720A; enterprise code GF + 12 digits
# (6-digit county code, 2-digit year, 4-digit serial), used on packs since 2012.
GREEN_FOOD_PRODUCT = re.compile(r"LB-\d{2}-\d{10,11}A{1,2}")
GREEN_FOOD_ENTERPRISE = re.compile(r"GF\d{12}")
# Organic: each certification body numbers its certificates its own way; the 17-digit organic code of a
# labelled unit is accepted too.
ORGANIC_NUMBER = re.compile(r"[A-Z0-9](?:[A-Z0-9-]{4,38})[A-Z0-9]")
GEO_INDICATION = re.compile(r"AGI\d{5}")
# Anything printable of 3-60 characters, for kinds whose numbers differ by issuer.
PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]{3,60}")


@dataclass(frozen=True)
class CertificateKind:
    """One kind of certificate and its rules.

    `validity_years` is the default length (None: no default); `permanent` means no end date by default
    (GI); `end_required` that the holder must give the end date (as registered, as awarded); `per_batch`
    that the certificate lasts as long as its batch (compliance). `claim` kinds show as labels on products.
    """

    key: str
    name: str
    name_zh: str
    subjects: tuple[str, ...]
    issuer_kinds: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    number_hint: str
    validity_years: int | None = None
    permanent: bool = False
    end_required: bool = False
    per_batch: bool = False
    claim: bool = False

    def valid_number(self, number: str) -> bool:
        """Tell whether an (already normalised) number has this kind's format."""
        return any(pattern.fullmatch(number) for pattern in self.patterns)


KINDS: dict[str, CertificateKind] = {
    kind.key: kind
    for kind in (
        CertificateKind(
            "green_food", N_("Green Food"), "绿色食品", (PRODUCT_SITE, PARTY), ("certifier",),
            (GREEN_FOOD_PRODUCT, GREEN_FOOD_ENTERPRISE),
            N_("A product number such as LB-15-19012700330A, or an enterprise code GF and 12 digits."),
            validity_years=3, claim=True,
        ),
        CertificateKind(
            "organic", N_("Organic"), "有机产品", (PRODUCT_SITE, SITE, PARTY), ("certifier",),
            (ORGANIC_NUMBER,),
            N_("The certification body's number: 6 to 40 letters, digits and hyphens."),
            validity_years=1, claim=True,
        ),
        CertificateKind(
            "geo_indication", N_("Agricultural geographical indication"), "农产品地理标志",
            (PRODUCT_SITE, PARTY), CERTIFYING_PARTIES, (GEO_INDICATION,),
            N_("AGI followed by 5 digits, such as AGI01234."),
            permanent=True, claim=True,
        ),
        CertificateKind(
            "hk_supply_base", N_("Hong Kong supply base registration"), "供港蔬菜基地备案", (SITE, PARTY),
            CERTIFYING_PARTIES, (PRINTABLE,), N_("The registration number: 3 to 60 characters."),
            end_required=True, claim=True,
        ),
        CertificateKind(
            "climate_good", N_("China Climate-Good Product"), "中国气候好产品", (PRODUCT_SITE,),
            CERTIFYING_PARTIES, (PRINTABLE,), N_("The award number: 3 to 60 characters."),
            end_required=True, claim=True,
        ),
        CertificateKind(
            "seedling_virus", N_("Seedling virus test"), "种苗病毒检测", (BATCH,), CERTIFYING_PARTIES,
            (PRINTABLE,), N_("The test report number: 3 to 60 characters."), validity_years=1,
        ),
        CertificateKind(
            "animal_quarantine", N_("Animal quarantine certificate"), "动物检疫合格证明", (BATCH,),
            CERTIFYING_PARTIES, (PRINTABLE,), N_("The certificate number: 3 to 60 characters."), validity_years=1,
        ),
        CertificateKind(
            "carcass_quarantine", N_("Animal product quarantine certificate"), "动物产品检疫合格证明", (BATCH,),
            CERTIFYING_PARTIES, (PRINTABLE,), N_("The certificate number: 3 to 60 characters."), validity_years=1,
        ),
        CertificateKind(
            "compliance", N_("Compliance certificate"), "承诺达标合格证", (BATCH,), PRODUCING_PARTIES,
            (PRINTABLE,), N_("The certificate number: 3 to 60 characters."), per_batch=True,
        ),
    )
}

CLAIM_KINDS = tuple(key for key, kind in KINDS.items() if kind.claim)
# Kinds a holder submits for review; compliance certificates are issued by the producer
# (services/certification/compliance.py).
SUBMITTED_KINDS = tuple(key for key in KINDS if key != "compliance")

SUBJECT_LABELS = {
    PARTY: N_("Party"),
    SITE: N_("Site"),
    PRODUCT_SITE: N_("Product at a site"),
    BATCH: N_("Batch"),
}


def get_kind(key: str | None) -> CertificateKind | None:
    """Return the kind with this key, or None when there is no such kind."""
    return KINDS.get(key or "")


def kind_name(key: str) -> str:
    """Return the English name (an N_ message, translate it where shown) of a kind, or the key if unknown."""
    kind = KINDS.get(key)
    return kind.name if kind else key


def normalise_number(number: str) -> str:
    """Trim a certificate number, upper-case it and drop inner spaces the way labels print them (LB - 15 ...)."""
    return re.sub(r"\s+", "", number or "").upper()


def number_is_valid(key: str, number: str) -> bool:
    """Tell whether a number (normalised first) has the format of the kind `key`."""
    kind = KINDS.get(key)
    return bool(kind and kind.valid_number(normalise_number(number)))


def add_years(day: date, years: int) -> date:
    """Return the same calendar day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_valid_to(key: str, valid_from: date) -> date | None:
    """Return the default last valid day of a certificate of kind `key` starting on `valid_from`.

    None means no end date: permanent (GI), as long as its batch (compliance), or no default (the holder
    must give it: Hong Kong supply base, climate-good product). A three-year certificate from 2024-05-01
    is valid to 2027-04-30.
    """
    kind = KINDS.get(key)
    if kind is None or kind.validity_years is None:
        return None
    return add_years(valid_from, kind.validity_years) - timedelta(days=1)
