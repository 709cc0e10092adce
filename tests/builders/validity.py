"""Certificates written straight to the tables, for validity tests (the workflow is tested elsewhere)."""

from __future__ import annotations

import datetime

from supply.models import Certificate
from supply.models import CertificateTransition
from tests.builders.factories import make_party

YEAR_START = datetime.date(2026, 1, 1)
YEAR_END = datetime.date(2026, 12, 31)
TO_STATUS = {"suspend": "suspended", "reinstate": "approved", "revoke": "revoked"}


def certify(kind: str = "organic", *, party=None, site=None, product=None, batch=None, number=None,
            valid_from=YEAR_START, valid_to=YEAR_END, status="approved", status_from=None,
            changes=()) -> Certificate:
    """Create a certificate covering the most specific subject given, with its transitions (action, date)."""
    if batch is not None:
        subject_kind, holder = "batch", batch.origin_party_id
    elif product is not None:
        subject_kind, holder = "product_site", site.party_id
    elif site is not None:
        subject_kind, holder = "site", site.party_id
    else:
        subject_kind, holder = "party", party.id
    cert = Certificate.create(
        kind=kind, number=number or f"{kind.upper()[:3]}-{make_party().code}", subject_kind=subject_kind,
        party=holder, site=site, product=product, batch=batch, issuer=make_party(kind="certifier"),
        valid_from=valid_from, valid_to=valid_to, status=status, status_from=status_from)
    CertificateTransition.create(certificate=cert, action="approve", from_status="submitted", to_status="approved",
                                 effective_on=valid_from)
    for action, when in changes:
        CertificateTransition.create(certificate=cert, action=action, from_status="approved",
                                     to_status=TO_STATUS[action],
                                     effective_on=when)
    return cert
