"""Reading certificates: one certificate with its history and documents, the inspector's queue, a holder's list."""

from __future__ import annotations

import datetime

from peewee import JOIN
from peewee import Case
from peewee import Query

from supply import permissions
from supply.clock import local_today
from supply.i18n import N_
from supply.models import Batch
from supply.models import Certificate
from supply.models import CertificateDocument
from supply.models import CertificateTransition
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.models.certification import CertificateStatus
from supply.services.certification.certificates import evaluated
from supply.services.errors import Forbidden
from supply.services.errors import NotFound
from supply.services.masterdata.lookup import party_by_code

# A holder is warned of certificates ending within this many days.
EXPIRY_WARNING_DAYS = 60
Issuer = Party.alias("issuer")


def with_subjects(query: Query | None = None) -> Query:
    """Select certificates with their holder, issuer, site, product and batch in one query."""
    query = query if query is not None else Certificate.select(Certificate, Party, Issuer, Site, Product, Batch)
    return (query
            .join_from(Certificate, Party, on=(Certificate.party == Party.id))
            .join_from(Certificate, Issuer, on=(Certificate.issuer == Issuer.id), attr="issuer")
            .join_from(Certificate, Site, JOIN.LEFT_OUTER)
            .join_from(Certificate, Product, JOIN.LEFT_OUTER)
            .join_from(Certificate, Batch, JOIN.LEFT_OUTER))


def get_certificate(actor: User, cert_id: int) -> Certificate:
    """Return a certificate the actor may see (holder, issuer, inspectors, admins), or 404 / 403."""
    cert = with_subjects().where(Certificate.id == cert_id).get_or_none()
    if cert is None:
        raise NotFound(N_("No certificate with this id."))
    permissions.require_sees_certificate(actor, cert.party_id, cert.issuer_id)
    return cert


def history(cert: Certificate) -> list[CertificateTransition]:
    """Return a certificate's transitions, oldest first, with who made them."""
    return list(CertificateTransition
                .select(CertificateTransition, User)
                .join(User, JOIN.LEFT_OUTER)
                .where(CertificateTransition.certificate == cert)
                .order_by(CertificateTransition.at, CertificateTransition.id))


def documents(cert: Certificate) -> list[CertificateDocument]:
    """Return a certificate's documents, oldest first."""
    return list(CertificateDocument
                .select()
                .where(CertificateDocument.certificate == cert)
                .order_by(CertificateDocument.uploaded_at, CertificateDocument.id))


def _filtered(query: Query, filters: dict, today: datetime.date) -> Query:
    """Narrow a certificate query by status (including the derived `expired`), kind, party, issuer and expiry."""
    status = filters.get("status")
    if status:
        query = query.where(evaluated(today) == status)
    if filters.get("kind"):
        query = query.where(Certificate.kind == filters["kind"])
    if filters.get("party"):
        query = query.where(Certificate.party == party_by_code(filters["party"], field="party"))
    if filters.get("issuer"):
        query = query.where(Certificate.issuer == party_by_code(filters["issuer"], field="issuer"))
    days = filters.get("expiring_within")
    if days is not None:
        query = query.where(evaluated(today) == CertificateStatus.APPROVED,
                            Certificate.valid_to <= today + datetime.timedelta(days=days))
    return query


def review_queue(actor: User, filters: dict, today: datetime.date | None = None) -> Query:
    """Return the inspector's queue: submitted certificates first, oldest first, then the rest by filter."""
    permissions.require_inspector(actor)
    today = today or local_today()
    waiting_first = Case(None, ((Certificate.status == CertificateStatus.SUBMITTED, 0),), 1)
    return (_filtered(with_subjects(), filters, today)
            .order_by(waiting_first, Certificate.created_at, Certificate.id))


def certificates_of_party(actor: User, party: Party | str, filters: dict | None = None,
                          today: datetime.date | None = None) -> Query:
    """Return a holder's certificates, the ones ending soonest first, for its own users and inspectors."""
    party = party if isinstance(party, Party) else party_by_code(party)
    if not (permissions.reads_everything(actor) or permissions.acts_for(actor, party.id)):
        raise Forbidden(N_("This certificate belongs to another party."))
    today = today or local_today()
    filters = {key: value for key, value in (filters or {}).items() if key != "party"}
    return (_filtered(with_subjects(), filters, today)
            .where(Certificate.party == party)
            .order_by(Certificate.valid_to.is_null(), Certificate.valid_to, Certificate.id))


def list_certificates(actor: User, filters: dict) -> Query:
    """List what the actor may see: the whole register for inspectors and admins, else the own party's."""
    if permissions.is_inspector(actor):
        return review_queue(actor, filters)
    if actor.party_id is None:
        raise Forbidden(N_("Your account acts for no party."))
    today = local_today()
    return (_filtered(with_subjects(), {k: v for k, v in filters.items() if k != "party"}, today)
            .where((Certificate.party == actor.party_id) | (Certificate.issuer == actor.party_id))
            .order_by(Certificate.created_at.desc(), Certificate.id.desc()))
