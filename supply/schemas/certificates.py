"""Schemas of certificates: submission, review steps, filters, and the certificate with its history and documents."""

from __future__ import annotations

import datetime

from marshmallow import fields
from marshmallow import validate

from supply import certificate_kinds
from supply.i18n import N_
from supply.models.certification import CERTIFICATE_STATUSES
from supply.models.certification import CertificateStatus
from supply.schemas.common import BaseSchema
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import text
from supply.schemas.custody import lot_field
from supply.services.certification.certificates import evaluate

LISTED_STATUSES = (*CERTIFICATE_STATUSES, CertificateStatus.EXPIRED)
# Certificates of the service's era: keeps date arithmetic (a default end years later) within the calendar.
DATE_RANGE = validate.Range(min=datetime.date(1980, 1, 1), max=datetime.date(2099, 12, 31), error=N_("Out of range."))


def cert_date(**kwargs) -> fields.Date:
    """A date between 1980 and 2099."""
    return fields.Date(validate=DATE_RANGE, **kwargs)


class CertificateCreateSchema(BaseSchema):
    """A certificate submitted for review: what it covers, who issued it, its number and period.

    The subject is a batch (`lot`), a product at a site (`product` and `site`), a site (`site`) or else the
    holder `party` itself (by default the submitter's party). `valid_to` left out takes the kind's default
    validity (permanent for a geographical indication).
    """

    kind = text(24, required=True, metadata={"enum": list(certificate_kinds.SUBMITTED_KINDS)})
    party = code_field(load_default=None, allow_none=True)
    site = code_field(load_default=None, allow_none=True)
    product = code_field(load_default=None, allow_none=True)
    lot = lot_field(load_default=None, allow_none=True)
    issuer = code_field(required=True)
    number = text(60, required=True)
    scope = text(2000)
    valid_from = cert_date(required=True)
    valid_to = cert_date(load_default=None, allow_none=True)
    note = text(500)


class ReviewSchema(BaseSchema):
    """A review step: the reason (needed to reject, suspend or revoke) and, to suspend or revoke, from when."""

    reason = text(500)
    effective_on = cert_date(load_default=None, allow_none=True,
                             metadata={"description": "First day the suspension or revocation applies (today)."})


class CertificateFilterSchema(PageQuerySchema):
    """Filters of the certificate register and queue."""

    status = choice(LISTED_STATUSES)
    kind = choice(tuple(certificate_kinds.KINDS))
    party = code_field()
    issuer = code_field()
    expiring_within = fields.Integer(validate=validate.Range(min=0, max=3650, error=N_("Out of range.")))


class TransitionSchema(BaseSchema):
    """One step of a certificate's history."""

    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    effective_on = fields.Date(allow_none=True)
    reason = fields.String()
    actor = fields.Function(lambda t: t.actor.name if t.actor_id else None)
    at = LocalDateTime()


class DocumentSchema(BaseSchema):
    """An uploaded scan of a certificate."""

    id = fields.Integer()
    file_name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = LocalDateTime()


class CertificateSchema(BaseSchema):
    """A certificate as listed: kind, subject, issuer, number, period and status (`current_status` derives expiry)."""

    id = fields.Integer()
    kind = fields.String()
    kind_name = fields.Function(lambda c: certificate_kinds.kind_name(c.kind))
    kind_name_zh = fields.Function(lambda c: getattr(certificate_kinds.get_kind(c.kind), "name_zh", c.kind))
    claim = fields.Function(lambda c: c.kind in certificate_kinds.CLAIM_KINDS)
    number = fields.String()
    subject_kind = fields.String()
    party = fields.Function(lambda c: c.party.code)
    party_name = fields.Function(lambda c: c.party.name)
    site = fields.Function(lambda c: c.site.code if c.site_id else None)
    product = fields.Function(lambda c: c.product.code if c.product_id else None)
    lot = fields.Function(lambda c: c.batch.lot_code if c.batch_id else None)
    issuer = fields.Function(lambda c: c.issuer.code)
    issuer_name = fields.Function(lambda c: c.issuer.name)
    scope = fields.String()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    status = fields.String(metadata={"description": f"Stored: {', '.join(CERTIFICATE_STATUSES)}."})
    current_status = fields.Function(lambda c: evaluate(c),
                                     metadata={"description": "Status today: also `expired` past valid_to."})
    status_from = fields.Date(allow_none=True)
    created_at = LocalDateTime()


class CertificateDetailSchema(CertificateSchema):
    """A certificate with its review history and documents."""

    transitions = fields.List(fields.Nested(TransitionSchema))
    documents = fields.List(fields.Nested(DocumentSchema))
