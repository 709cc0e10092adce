"""Demo certificates: submitted through the certificate service and reviewed by the demo inspector."""

from __future__ import annotations

import datetime

from supply.demo.data import CERTIFICATES
from supply.models import Batch
from supply.models import Product
from supply.models import User
from supply.schemas.certificates import CertificateCreateSchema
from supply.services.certification import certificates

# Who submits for which holder (the demo producer acts for its cooperative; the admin for the others).
PRODUCER_EMAIL = "producer@example.com"
ADMIN_EMAIL = "admin@example.com"
INSPECTOR_EMAIL = "inspector@example.com"


def _lot(product_code: str, nth: int) -> str:
    """Return the lot code of the nth batch (1-based, by harvest date) of a product."""
    batches = (Batch
               .select(Batch.lot_code)
               .join(Product)
               .where(Product.code == product_code)
               .order_by(Batch.produced_on, Batch.id))
    return list(batches)[nth - 1].lot_code


def seed_certificates() -> int:
    """Submit the demo certificates and review them as listed; return how many were created."""
    producer = User.get(User.email == PRODUCER_EMAIL)
    admin = User.get(User.email == ADMIN_EMAIL)
    inspector = User.get(User.email == INSPECTOR_EMAIL)
    for kind, holder, site, product, lot, issuer, number, scope, valid_from, valid_to, step in CERTIFICATES:
        body = {"kind": kind, "party": holder, "issuer": issuer, "number": number, "scope": scope,
                "valid_from": valid_from, "valid_to": valid_to, "site": site, "product": product,
                "lot": _lot(*lot) if lot else None}
        actor = producer if producer.party.code == holder else admin
        cert = certificates.submit_certificate(actor, CertificateCreateSchema().load(body))
        if step is None:
            continue
        certificates.approve_certificate(inspector, cert.id)
        if isinstance(step, tuple):
            action, effective_on, reason = step
            certificates.apply_review(inspector, cert.id, action,
                                      {"reason": reason, "effective_on": datetime.date.fromisoformat(effective_on)})
    return len(CERTIFICATES)
