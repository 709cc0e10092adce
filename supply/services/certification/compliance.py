"""Compliance certificates (承诺达标合格证): issued per lot by the producer or collector itself, no review.

Rules (docs/rules.md, in force since 2026-02-01): vegetables (with cultivated mushrooms), fruit and live livestock
only, not slaughtered meat; the basis is quality control, an own test (a passing test by the issuing party's own
lab on that lot) or a commissioned test (a passing test on that lot by another party's lab). A merge or split
issues new certificates for its outputs, naming the input certificates as their sources.
"""

from __future__ import annotations

from decimal import Decimal

from peewee import fn

from supply import permissions
from supply.clock import local_today
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Batch
from supply.models import Certificate
from supply.models import CertificateTransition
from supply.models import Holding
from supply.models import Party
from supply.models import TestResult
from supply.models import User
from supply.models.certification import CertificateStatus
from supply.services.audit.writes import audited
from supply.services.custody import stock
from supply.services.custody.batches import get_batch
from supply.services.errors import Conflict
from supply.services.errors import Forbidden
from supply.services.errors import Invalid

KIND = "compliance"
# Vegetables, cultivated mushrooms, fruit (strawberries) and live livestock; not seedlings, not meat.
COMPLIANCE_CATEGORIES = ("vegetable", "mushroom", "strawberry", "live_yak")
BASES = ("quality_control", "own_test", "commissioned_test")
COMMITMENT = ("不使用禁用农药兽药、停用兽药和非法添加物", "常规农药兽药残留不超标", "对承诺的真实性负责")


def takes_certificate(batch: Batch) -> bool:
    """Tell whether the lot's product is one a compliance certificate covers."""
    return batch.product.category in COMPLIANCE_CATEGORIES


def _issuing_party(actor: User, batch: Batch) -> Party:
    """The party that issues: the actor's own, which must have some of the lot (admins issue for its holder)."""
    if permissions.is_admin(actor):
        return batch.holder
    permissions.require_submits_for(actor, actor.party_id)
    if party_on_hand(actor.party_id, batch) <= 0:
        raise Forbidden(N_("Only the party holding this lot may issue its compliance certificate."))
    return actor.party


def party_on_hand(party_id: int, batch: Batch) -> Decimal:
    """Return how much of a lot a party has on hand, over all its sites."""
    total = (Holding.select(fn.SUM(Holding.on_hand))
             .where(Holding.batch == batch.id, Holding.party == party_id).scalar())
    return Holding.on_hand.python_value(total or 0)


def basis_test(batch: Batch, party: Party, basis: str) -> TestResult | None:
    """Return the passing test the basis rests on (the newest), or refuse the basis when there is none."""
    if basis == "quality_control":
        return None
    query = TestResult.select().where(TestResult.batch == batch.id, TestResult.passed == True)  # noqa: E712
    if basis == "own_test":
        query = query.where((TestResult.lab == party.id) | TestResult.lab.is_null())
        message = N_("The own-test basis needs a passing test of this lot by your own party.")
    else:
        query = query.where(TestResult.lab.is_null(False), TestResult.lab != party.id)
        message = N_("The commissioned-test basis needs a passing test of this lot by another party's lab.")
    test = query.order_by(TestResult.tested_at.desc(), TestResult.id.desc()).first()
    if test is None:
        raise Invalid.field("basis", message)
    return test


def new_number(batch: Batch) -> str:
    """Make the next number for a lot: HG, the issue date, the lot code and a running count (unique per lot)."""
    count = Certificate.select().where(Certificate.kind == KIND, Certificate.batch == batch.id).count()
    return f"HG{local_today():%Y%m%d}-{batch.lot_code}-{count + 1:02d}"


def create_certificate(actor: User, batch: Batch, party: Party, basis: str, quantity: Decimal,
                       test: TestResult | None = None, sources: list[str] | None = None) -> Certificate:
    """Write an approved compliance certificate and its `issue` transition (the caller holds the lot's lock)."""
    today = local_today()
    certificate = Certificate.create(
        kind=KIND, number=new_number(batch), subject_kind="batch", party=party, issuer=party, batch=batch,
        product=batch.product_id, site=batch.site_id, scope=batch.product.name, valid_from=today, valid_to=None,
        status=CertificateStatus.APPROVED, basis=basis, test_result=test, quantity=quantity, unit=batch.unit,
        sources=sources or [], submitted_by=actor, updated_at=utcnow(),
    )
    CertificateTransition.create(certificate=certificate, action="issue", from_status=None,
                                 to_status=CertificateStatus.APPROVED, effective_on=today, actor=actor)
    return certificate


@audited("compliance.issue")
def issue_compliance(actor: User, lot: str, data: dict) -> Certificate:
    """Issue a compliance certificate for a lot the actor's party holds, on a basis, for a quantity on hand."""
    with db.atomic():
        batch = get_batch(actor, lot)
        party = _issuing_party(actor, batch)
        batch = stock.lock_batches([batch.id])[batch.id]
        if not takes_certificate(batch):
            raise Invalid.field("lot", N_("Compliance certificates cover vegetables, mushrooms, fruit and live "
                                          "livestock only."))
        if batch.status in stock.STICKY_STATUSES:
            raise Conflict.field("lot", N_("This lot is on hold or recalled: no certificate may be issued."))
        basis = data["basis"]
        test = basis_test(batch, party, basis)
        have = party_on_hand(party.id, batch)
        quantity = data.get("quantity") or have
        if quantity <= 0 or quantity > have:
            raise Conflict.field("quantity", N_("More than your party has on hand of this lot."))
        stock.check_whole(batch.unit, quantity, "quantity")
        return create_certificate(actor, batch, party, basis, quantity, test)


def certificates_of(batch_ids: list[int]):
    """Return the approved compliance certificates of these lots, with their issuing party, oldest first."""
    return (
        Certificate.select(Certificate, Party)
        .join(Party, on=(Certificate.party == Party.id))
        .where(Certificate.kind == KIND, Certificate.batch.in_(batch_ids),
               Certificate.status == CertificateStatus.APPROVED)
        .order_by(Certificate.created_at, Certificate.id)
    )


def list_compliance(actor: User, lot: str) -> tuple[Batch, list[Certificate]]:
    """Return a lot the actor may see and its compliance certificates."""
    batch = get_batch(actor, lot)
    return batch, list(certificates_of([batch.id]))


def output_basis(certificates: list[Certificate]) -> str:
    """The basis of a merged or split lot: the inputs' common basis, else quality control."""
    bases = {certificate.basis for certificate in certificates}
    return bases.pop() if len(bases) == 1 else "quality_control"


def issue_for_outputs(actor: User, party: Party, inputs: list[Batch], outputs: list[Batch]) -> list[Certificate]:
    """After a merge or split, issue one certificate per covered output when any input carried one.

    Called inside the transformation's transaction. The issuer is the transforming party (the collector);
    `sources` are the input certificates' numbers.
    """
    sources = list(certificates_of([batch.id for batch in inputs]))
    if not sources:
        return []
    basis = output_basis(sources)
    numbers = sorted({certificate.number for certificate in sources})
    return [create_certificate(actor, batch, party, basis, batch.quantity, sources=numbers)
            for batch in outputs if takes_certificate(batch)]
