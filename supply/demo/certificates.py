"""Demo certificates: submitted through the certificate service and reviewed by the demo inspector."""

from __future__ import annotations

import datetime

from supply.demo.data import CERTIFICATES
from supply.models import Batch
from supply.models import Certificate
from supply.models import Party
from supply.models import Product
from supply.models import User
from supply.schemas.certificates import CertificateCreateSchema
from supply.services.certification import certificates

# Who submits for which holder: the demo producer or operator for its own party, the admin for the others.
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


def certify(body: dict, step: str | tuple | None = "approve") -> Certificate:
    """Submit a certificate as its holder's demo login (the admin for other holders) and review it as told.

    `step`: None (left awaiting review), "approve", or ("suspend", from, reason) after approval.
    """
    inspector = User.get(User.email == INSPECTOR_EMAIL)
    actor = (User.select()
             .join(Party)
             .where(Party.code == body["party"], User.role.in_(("producer", "operator")))
             .first()) or User.get(User.email == ADMIN_EMAIL)
    cert = certificates.submit_certificate(actor, CertificateCreateSchema().load(body))
    if step is None:
        return cert
    certificates.approve_certificate(inspector, cert.id)
    if isinstance(step, tuple):
        action, effective_on, reason = step
        certificates.apply_review(inspector, cert.id, action,
                                  {"reason": reason, "effective_on": datetime.date.fromisoformat(effective_on)})
    return cert


def seed_certificates() -> int:
    """Submit the demo certificates and review them as listed; return how many were created."""
    for kind, holder, site, product, lot, issuer, number, scope, valid_from, valid_to, step in CERTIFICATES:
        certify({"kind": kind, "party": holder, "issuer": issuer, "number": number, "scope": scope,
                 "valid_from": valid_from, "valid_to": valid_to, "site": site, "product": product,
                 "lot": _lot(*lot) if lot else None}, step)
    return len(CERTIFICATES)
