"""Certificates: submission by the holder's party and review by an inspector (approve, reject, suspend ...).

A certificate moves submitted → approved | rejected; approved → suspended → approved (reinstated); approved or
suspended → revoked. Each step is a `CertificateTransition` (who, when, why, from which date). Expiry is never
stored: `evaluate` derives it from `valid_to` by the validity module's rule. Compliance certificates are issued by
the producer (`supply.services.certification.compliance`), not submitted here. Reads live in
`supply.services.certification.reads`.
"""

from __future__ import annotations

import datetime

from peewee import Case
from peewee import IntegrityError

from supply import certificate_kinds
from supply import permissions
from supply.certificate_kinds import CertificateKind
from supply.clock import local_today
from supply.clock import utcnow
from supply.db import db
from supply.db import for_update
from supply.i18n import N_
from supply.models import Batch
from supply.models import Certificate
from supply.models import CertificateTransition
from supply.models import Party
from supply.models import User
from supply.models.certification import CertificateStatus
from supply.services.audit.writes import audited
from supply.services.certification.validity import ended
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.masterdata.lookup import party_by_code
from supply.services.masterdata.lookup import product_by_code
from supply.services.masterdata.lookup import site_by_code

# action: (statuses it may start from, status it leads to, whether it needs a reason, whether it takes a date)
ACTIONS: dict[str, tuple[tuple[str, ...], str, bool, bool]] = {
    "approve": ((CertificateStatus.SUBMITTED,), CertificateStatus.APPROVED, False, False),
    "reject": ((CertificateStatus.SUBMITTED,), CertificateStatus.REJECTED, True, False),
    "suspend": ((CertificateStatus.APPROVED,), CertificateStatus.SUSPENDED, True, True),
    "reinstate": ((CertificateStatus.SUSPENDED,), CertificateStatus.APPROVED, False, False),
    "revoke": ((CertificateStatus.APPROVED, CertificateStatus.SUSPENDED), CertificateStatus.REVOKED, True, True),
}
# Statuses that take effect from a date (`status_from`), not from the moment they are recorded.
DATED_STATUSES = tuple(target for _starts, target, _reason, dated in ACTIONS.values() if dated)
# Statuses a certificate's end turns into `expired` (a revoked one stays revoked).
ENDING_STATUSES = (CertificateStatus.APPROVED, CertificateStatus.SUSPENDED)
# The field of the submission that names each kind of subject (where a subject error is reported).
SUBJECT_FIELDS = {"party": "party", "site": "site", "product_site": "product", "batch": "lot"}


def evaluate(cert: Certificate, day: datetime.date | None = None) -> str:
    """Return a stored certificate's status on `day` (today): its stored status, or `expired` past its end.

    The rule of `validity.LoadedCertificate.evaluate`, read from the row alone (no transitions): a suspension
    or revocation dated after `day` has not taken effect, so the certificate still counts as approved; an
    approved or suspended one whose period `ended` is expired; a revoked one stays revoked after its end.
    `evaluated` is the same rule in SQL, for lists filtered by status.
    """
    day = day or local_today()
    status = cert.status
    if status in DATED_STATUSES and cert.status_from and cert.status_from > day:
        status = CertificateStatus.APPROVED
    if status in ENDING_STATUSES and ended(cert.valid_to, day):
        return CertificateStatus.EXPIRED
    return status


def evaluated(day: datetime.date):
    """Return `evaluate(cert, day)` as an SQL expression over the certificate table."""
    not_yet = Certificate.status.in_(DATED_STATUSES) & (Certificate.status_from > day)
    status = Case(None, [(not_yet, CertificateStatus.APPROVED)], Certificate.status)
    past_end = Certificate.valid_to.is_null(False) & (Certificate.valid_to < day)
    return Case(None, [(status.in_(ENDING_STATUSES) & past_end, CertificateStatus.EXPIRED)], status)


def expires_within(cert: Certificate, days: int, day: datetime.date | None = None) -> bool:
    """Tell whether an approved certificate ends within `days` days from `day` (today) and has not ended yet."""
    day = day or local_today()
    return (evaluate(cert, day) == CertificateStatus.APPROVED and cert.valid_to is not None
            and cert.valid_to <= day + datetime.timedelta(days=days))


def _kind(key: str) -> CertificateKind:
    kind = certificate_kinds.get_kind(key)
    if kind is None:
        raise Invalid.field("kind", N_("Unknown kind of certificate."))
    if key not in certificate_kinds.SUBMITTED_KINDS:
        raise Invalid.field("kind", N_("Compliance certificates are issued per batch by the producer, not submitted "
                                       "for review: issue them from the batch."))
    return kind


def _subject(actor: User, data: dict) -> dict:
    """Resolve the holder and what the certificate covers: a party, a site, a product at a site, or a batch."""
    lot, site_code, product_code = data.get("lot"), data.get("site"), data.get("product")
    fields: dict = {"site": None, "product": None, "batch": None}
    if lot:
        if site_code or product_code:
            raise Invalid.field("lot", N_("A certificate of a batch names neither a site nor a product."))
        batch = Batch.get_or_none(Batch.lot_code == lot)
        if batch is None:
            raise Invalid.field("lot", N_("No batch with this lot code."))
        fields.update(subject_kind="batch", batch=batch, owners=(batch.holder_id, batch.origin_party_id))
    elif product_code:
        if not site_code:
            raise Invalid.field("site", N_("Name the site where the product is grown or made."))
        site = site_by_code(site_code, field="site")
        fields.update(subject_kind="product_site", product=product_by_code(product_code, field="product"),
                      site=site, owners=(site.party_id,))
    elif site_code:
        site = site_by_code(site_code, field="site")
        fields.update(subject_kind="site", site=site, owners=(site.party_id,))
    else:
        fields.update(subject_kind="party", owners=())
    party_code = data.get("party")
    if party_code:
        party = party_by_code(party_code, field="party")
    elif fields["owners"]:
        party = Party.get_by_id(fields["owners"][0])
    elif actor.party_id:
        party = actor.party
    else:
        raise Invalid.field("party", N_("Name the party that holds the certificate."))
    if fields["owners"] and party.id not in fields["owners"]:
        field = SUBJECT_FIELDS[fields["subject_kind"]]
        raise Invalid.field(field, N_("This belongs to another party than the holder."))
    fields["party"] = party
    del fields["owners"]
    return fields


def _number(kind: CertificateKind, raw: str) -> str:
    number = certificate_kinds.normalise_number(raw)
    if not kind.valid_number(number):
        message = N_("Not a valid number for this kind of certificate.")
        raise Invalid(message, {"number": [message, kind.number_hint]})
    return number


def _period(kind: CertificateKind, valid_from: datetime.date, valid_to: datetime.date | None) -> datetime.date | None:
    if valid_to is None:
        if kind.end_required:
            raise Invalid.field("valid_to", N_("Give the last day of validity, as registered or awarded."))
        return certificate_kinds.default_valid_to(kind.key, valid_from)
    if valid_to < valid_from:
        raise Invalid.field("valid_to", N_("The end of validity is before its start."))
    return valid_to


def _issuer(kind: CertificateKind, code: str, holder: Party) -> Party:
    issuer = party_by_code(code, field="issuer")
    if issuer.kind not in kind.issuer_kinds:
        raise Invalid.field("issuer", N_("This party does not issue this kind of certificate."))
    if issuer.id == holder.id:
        raise Invalid.field("issuer", N_("A party may not certify itself."))
    return issuer


@audited("certificates.submit")
def submit_certificate(actor: User, data: dict) -> Certificate:
    """Submit a certificate of the actor's party for review; the number must fit its kind and be new."""
    with db.atomic():
        kind = _kind(data["kind"])
        subject = _subject(actor, data)
        permissions.require_submits_for(actor, subject["party"].id)
        if subject["subject_kind"] not in kind.subjects:
            raise Invalid.field(SUBJECT_FIELDS[subject["subject_kind"]],
                                N_("This kind of certificate does not cover this kind of subject."))
        issuer = _issuer(kind, data["issuer"], subject["party"])
        number = _number(kind, data["number"])
        valid_to = _period(kind, data["valid_from"], data.get("valid_to"))
        taken = Certificate.select().where(Certificate.issuer == issuer, Certificate.kind == kind.key,
                                           Certificate.number == number)
        if taken.exists():
            raise Conflict.field("number", N_("This issuer's certificate with this number is already registered."))
        try:
            with db.atomic():
                cert = Certificate.create(
                    kind=kind.key, number=number, issuer=issuer, scope=data.get("scope", ""),
                    valid_from=data["valid_from"], valid_to=valid_to, status=CertificateStatus.SUBMITTED,
                    submitted_by=actor, **subject,
                )
        except IntegrityError as exc:
            raise Conflict.field("number", N_("This issuer's certificate with this number is already registered.")) \
                from exc
        CertificateTransition.create(certificate=cert, action="submit", from_status=None,
                                     to_status=CertificateStatus.SUBMITTED, actor=actor, reason=data.get("note", ""))
        return cert


def locked_certificate(cert_id: int) -> Certificate:
    """Return a certificate locked for a change of status, or 404."""
    cert = for_update(Certificate.select().where(Certificate.id == cert_id)).get_or_none()
    if cert is None:
        raise NotFound(N_("No certificate with this id."))
    return cert


def review(actor: User, cert_id: int, action: str, reason: str = "",
           effective_on: datetime.date | None = None) -> Certificate:
    """Apply a review step to a certificate, if the actor may review it and its status allows the step."""
    starts, target, needs_reason, dated = ACTIONS[action]
    with db.atomic():
        cert = locked_certificate(cert_id)
        permissions.require_reviews(actor, cert.party_id, cert.submitted_by_id)
        if cert.status not in starts:
            raise Conflict(N_("The certificate's status does not allow this step."))
        reason = (reason or "").strip()
        if needs_reason and not reason:
            raise Invalid.field("reason", N_("Give a reason."))
        effective_on = (effective_on or local_today()) if dated else None
        if effective_on is not None and effective_on < cert.valid_from:
            raise Invalid.field("effective_on", N_("The date is before the certificate's start of validity."))
        previous = cert.status
        cert.status, cert.status_from, cert.updated_at = target, effective_on, utcnow()
        cert.save(only=[Certificate.status, Certificate.status_from, Certificate.updated_at])
        CertificateTransition.create(certificate=cert, action=action, from_status=previous, to_status=target,
                                     effective_on=effective_on or local_today(), reason=reason, actor=actor)
        return cert


@audited("certificates.approve")
def approve_certificate(actor: User, cert_id: int) -> Certificate:
    """Approve a submitted certificate."""
    return review(actor, cert_id, "approve")


@audited("certificates.reject")
def reject_certificate(actor: User, cert_id: int, reason: str) -> Certificate:
    """Reject a submitted certificate, with a reason."""
    return review(actor, cert_id, "reject", reason)


@audited("certificates.suspend")
def suspend_certificate(actor: User, cert_id: int, reason: str,
                        effective_on: datetime.date | None = None) -> Certificate:
    """Suspend an approved certificate from a date (today unless given), with a reason."""
    return review(actor, cert_id, "suspend", reason, effective_on)


@audited("certificates.reinstate")
def reinstate_certificate(actor: User, cert_id: int, reason: str = "") -> Certificate:
    """Reinstate a suspended certificate from today."""
    return review(actor, cert_id, "reinstate", reason)


@audited("certificates.revoke")
def revoke_certificate(actor: User, cert_id: int, reason: str,
                       effective_on: datetime.date | None = None) -> Certificate:
    """Revoke an approved or suspended certificate from a date (today unless given), with a reason."""
    return review(actor, cert_id, "revoke", reason, effective_on)


REVIEWS = {
    "approve": approve_certificate,
    "reject": reject_certificate,
    "suspend": suspend_certificate,
    "reinstate": reinstate_certificate,
    "revoke": revoke_certificate,
}


def apply_review(actor: User, cert_id: int, action: str, data: dict) -> Certificate:
    """Run the review service for `action` with the fields it takes from `data` (API and pages share this)."""
    if action == "approve":
        return approve_certificate(actor, cert_id)
    if action in ("suspend", "revoke"):
        return REVIEWS[action](actor, cert_id, data.get("reason", ""), data.get("effective_on"))
    return REVIEWS[action](actor, cert_id, data.get("reason", ""))


def may_review(actor: User, cert: Certificate) -> bool:
    """Tell whether the actor may review this certificate at all (whatever its status)."""
    return (permissions.is_inspector(actor) and not permissions.acts_for(actor, cert.party_id)
            and cert.submitted_by_id != actor.id)


def allowed_actions(actor: User, cert: Certificate) -> list[str]:
    """Return the review steps the actor may take on the certificate now."""
    if not may_review(actor, cert):
        return []
    return [action for action, (starts, *_rest) in ACTIONS.items() if cert.status in starts]
