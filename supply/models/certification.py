"""Certificates (green food, organic, GI, quarantine, compliance ...), their documents and review history."""

from __future__ import annotations

from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import JSONField
from peewee import TextField

from supply.clock import utcnow
from supply.db import BaseModel
from supply.models.batch import Batch
from supply.models.fields import QuantityField
from supply.models.inspection import TestResult
from supply.models.party import Party
from supply.models.party import Site
from supply.models.product import Product
from supply.models.user import User

SUBJECT_KINDS = ("party", "site", "product_site", "batch")


class CertificateStatus:
    """The statuses of a certificate (stored words: renaming one needs a migration), and the derived `expired`."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    # Derived from valid_to when read, never stored.
    EXPIRED = "expired"


CERTIFICATE_STATUSES = (CertificateStatus.SUBMITTED, CertificateStatus.APPROVED, CertificateStatus.REJECTED,
                        CertificateStatus.SUSPENDED, CertificateStatus.REVOKED)
TRANSITIONS = ("submit", "approve", "reject", "suspend", "reinstate", "revoke", "issue", "document")
COMPLIANCE_BASES = ("quality_control", "own_test", "commissioned_test")


class Certificate(BaseModel):
    """A certificate covering a party, a site, a product at a site, or a batch, for a period.

    `party` is the holder (whose certificate it is, who submits it); `issuer` the certifier or inspection
    party that issued it. `valid_to` is null for a permanent certificate. `status_from` is the date a
    suspension or revocation takes effect. Compliance certificates (承诺达标合格证) are issued by the
    producer itself and carry `basis`, `quantity`/`unit`, the passing `test_result` for the own-test basis
    and, after a merge or split, the numbers of the input lots' certificates in `sources`.
    """

    kind = CharField(max_length=24, index=True)
    number = CharField(max_length=60)
    subject_kind = CharField(max_length=12)
    party = ForeignKeyField(Party, backref="certificates", on_delete="RESTRICT")
    site = ForeignKeyField(Site, null=True, backref="certificates", on_delete="RESTRICT")
    product = ForeignKeyField(Product, null=True, backref="certificates", on_delete="RESTRICT")
    batch = ForeignKeyField(Batch, null=True, backref="certificates", on_delete="RESTRICT")
    issuer = ForeignKeyField(Party, backref="issued_certificates", on_delete="RESTRICT")
    scope = TextField(default="")
    valid_from = DateField()
    valid_to = DateField(null=True)
    status = CharField(max_length=12, default=CertificateStatus.SUBMITTED, index=True)
    status_from = DateField(null=True)
    basis = CharField(max_length=20, null=True)
    test_result = ForeignKeyField(TestResult, null=True, on_delete="RESTRICT")
    quantity = QuantityField(null=True)
    unit = CharField(max_length=12, default="")
    sources = JSONField(default=list)
    submitted_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("issuer", "kind", "number"), True),)


class CertificateTransition(BaseModel):
    """One step of a certificate's review history: who, when, why, and from which date it takes effect."""

    certificate = ForeignKeyField(Certificate, backref="transitions", on_delete="RESTRICT")
    action = CharField(max_length=12)
    from_status = CharField(max_length=12, null=True)
    to_status = CharField(max_length=12)
    effective_on = DateField(null=True)
    reason = TextField(default="")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    at = DateTimeField(default=utcnow)


class CertificateDocument(BaseModel):
    """An uploaded scan of a certificate (PDF, JPEG or PNG), stored under its SHA-256 in the document folder."""

    certificate = ForeignKeyField(Certificate, backref="documents", on_delete="RESTRICT")
    file_name = CharField(max_length=200)
    content_type = CharField(max_length=40)
    size = IntegerField()
    sha256 = CharField(max_length=64, index=True)
    uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    uploaded_at = DateTimeField(default=utcnow)
