"""Printable labels and compliance certificates for a selection of lots the actor may see (two queries)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from supply.i18n import N_
from supply.identifiers import is_valid_lot_code
from supply.models import Batch
from supply.models import User
from supply.services.certification.claims import claim_marks
from supply.services.certification.compliance import COMPLIANCE_CATEGORIES
from supply.services.certification.compliance import certificates_of
from supply.services.custody.batches import with_origin
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.tracing.trace import lots_visible_to

MAX_LOTS = 500
MAX_QUERY = MAX_LOTS * 21
FORMATS = ("sheet", "thermal", "certificate")
SHEET_SIZE = 24
# The compliance certificate (承诺达标合格证) covers vegetables (with cultivated mushrooms), fruit and live livestock.
CERTIFIED_CATEGORIES = COMPLIANCE_CATEGORIES


@dataclass
class Label:
    """One lot to print: the batch (with product, origin party and site), the URL its QR code encodes, and the
    compliance certificates issued for it (printed as stored; without any, the blank form is printed)."""

    batch: Batch
    url: str
    certificates: list = field(default_factory=list)

    @property
    def marks(self) -> list[tuple[str, str]]:
        """Return the certification marks (Chinese, English) of the claims the batch carries (绿色食品, 有机 ...)."""
        return getattr(self.batch, "certification_marks", [])

    @property
    def takes_certificate(self) -> bool:
        """Tell whether the product is one the compliance certificate covers."""
        return self.batch.product.category in CERTIFIED_CATEGORIES


def parse_lots(text: str) -> list[str]:
    """Split a comma-separated list of lot codes, keeping the first order and dropping repeats; refuse bad ones."""
    if len(text) > MAX_QUERY:
        raise Invalid.field("lots", N_("Ask for at most 500 lots at a time."))
    lots = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not lots:
        raise Invalid.field("lots", N_("Name at least one lot code."))
    if len(lots) > MAX_LOTS:
        raise Invalid.field("lots", N_("Ask for at most 500 lots at a time."))
    if not all(is_valid_lot_code(lot) for lot in lots):
        raise Invalid.field("lots", N_("A lot code is 1 to 20 characters of the GS1 set."))
    return lots


def visible_batches(actor: User, lots: list[str]) -> tuple[list[Batch], list[str]]:
    """Return the batches of the lots the actor may see, in the order asked, and the lots left out."""
    visible = lots_visible_to(actor, lots)
    rows = (
        with_origin()
        .where(Batch.lot_code.in_(sorted(visible)))
    ) if visible else []
    by_lot = {batch.lot_code: batch for batch in rows}
    found = [by_lot[lot] for lot in lots if lot in by_lot]
    if not found:
        raise NotFound(N_("None of these lots is yours to print."))
    marks = claim_marks(found)  # the claims each lot carries, for its certification marks (two queries)
    for batch in found:
        batch.certification_marks = marks.get(batch.id, [])
    return found, [lot for lot in lots if lot not in by_lot]


def pages(labels: list[Label], size: int = SHEET_SIZE) -> list[list[Label]]:
    """Cut the labels into sheets of `size`."""
    return [labels[i:i + size] for i in range(0, len(labels), size)]


def stored_certificates(batches: list[Batch]) -> dict[int, list]:
    """Return the issued compliance certificates of the batches, by batch id, with their issuing party (one query)."""
    found: dict[int, list] = {}
    for certificate in certificates_of([batch.id for batch in batches]):
        found.setdefault(certificate.batch_id, []).append(certificate)
    return found
