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
from supply.units import COUNTED_UNITS

MAX_LOTS = 500
MAX_QUERY = MAX_LOTS * 21
FORMATS = ("sheet", "thermal", "certificate")
SHEET_SIZE = 24
MAX_COPIES = 2000  # labels in one run: some 84 A4 sheets, or a roll of thermal labels
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


def parse_copies(text: str | None) -> int | None:
    """Read the copies asked for each lot: a whole number 1 to 2,000, or nothing for one per piece on hand."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_COPIES:
        raise Invalid.field("copies", N_("Copies must be a whole number from 1 to 2,000."))
    return int(text)


def default_copies(batch: Batch) -> int:
    """Return one label per piece on hand for a counted unit (packs, cartons, head), else one label."""
    if batch.unit in COUNTED_UNITS and batch.on_hand >= 1:
        return int(batch.on_hand)
    return 1


@dataclass
class Run:
    """The labels of one print run, each copy its own label, and what was cut to keep the run within 2,000."""

    labels: list[Label]
    capped: list[tuple[str, int, int]] = field(default_factory=list)  # (lot, wanted, printed)


def plan_run(labels: list[Label], copies: int | None) -> Run:
    """Repeat each lot's label: the copies asked for, or one per piece on hand, at most 2,000 in the run.

    Copies typed by the user that make more than 2,000 labels are refused (the user chose the number); the default of
    one per piece is cut down to what the run has room for, and each lot cut short is named.
    """
    if copies is not None and copies * len(labels) > MAX_COPIES:
        raise Invalid.field("copies", N_("At most 2,000 labels in one run: %(lots)s lots × %(copies)s copies "
                                         "make %(total)s.") % {
            "lots": len(labels), "copies": f"{copies:,}", "total": f"{copies * len(labels):,}"})
    run = Run([])
    room = MAX_COPIES
    for label in labels:
        wanted = copies if copies is not None else default_copies(label.batch)
        printed = min(wanted, room)
        if printed < wanted:
            run.capped.append((label.batch.lot_code, wanted, printed))
        run.labels.extend([label] * printed)
        room -= printed
    return run


def pages(labels: list[Label], size: int = SHEET_SIZE) -> list[list[Label]]:
    """Cut the labels into sheets of `size`."""
    return [labels[i:i + size] for i in range(0, len(labels), size)]


def stored_certificates(batches: list[Batch]) -> dict[int, list]:
    """Return the issued compliance certificates of the batches, by batch id, with their issuing party (one query)."""
    found: dict[int, list] = {}
    for certificate in certificates_of([batch.id for batch in batches]):
        found.setdefault(certificate.batch_id, []).append(certificate)
    return found
