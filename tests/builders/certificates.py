"""Builders of certificates for tests, written straight to the tables (no review, no audit entry).

Stable signatures (the validity and compliance tests use them too):

- `make_issuer(kind="certifier", **party_overrides) -> Party`
- `make_certificate(kind="organic", *, party=None, site=None, product=None, batch=None, issuer=None, number=None,
  status="approved", valid_from=date(2026, 1, 1), valid_to=DEFAULT, status_from=None, history=None, scope="",
  submitted_by=None, **fields) -> Certificate`

The subject follows from what is given: `batch` → a batch certificate; `product` and `site` → a product at a site;
`site` → a site; else the `party`. The holder `party` defaults to the batch's holder or the site's party (or a new
cooperative). `valid_to=DEFAULT` takes the kind's default validity (None for permanent GI); pass `None` for no
end. `history` is a list of `(action, effective_on)` or `(action, effective_on, reason)` steps applied after the
submission, in order (e.g. `[("approve", d1), ("suspend", d2, "residue"), ("reinstate", d3)]`); the status and
`status_from` follow from the last step. Without `history`, it is made from `status` and `status_from`:
approved → approve; rejected → reject; suspended → approve, suspend from `status_from`; revoked → approve,
revoke from `status_from`. Each transition's `at` is noon UTC of its effective date (the submission: of
`valid_from`).
"""

from __future__ import annotations

import datetime

from supply import certificate_kinds
from supply.models import Batch
from supply.models import Certificate
from supply.models import CertificateTransition
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.services.certification.certificates import ACTIONS
from tests.builders.chains import register
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.factories import seq

DEFAULT = object()
STEPS_FOR_STATUS = {
    "submitted": (),
    "approved": ("approve",),
    "rejected": ("reject",),
    "suspended": ("approve", "suspend"),
    "revoked": ("approve", "revoke"),
}
# Numbers that fit each kind's format (a counter makes them unique).
NUMBER_FORMATS = {
    "green_food": "LB-15-2601{n:07d}A",
    "organic": "ORG-{n:08d}",
    "geo_indication": "AGI{n:05d}",
}


def make_issuer(kind: str = "certifier", **overrides) -> Party:
    """Create a certification or inspection party that issues certificates."""
    return make_party(kind=kind, **overrides)


def sample_number(kind: str) -> str:
    """Return a new number in the kind's format."""
    return NUMBER_FORMATS.get(kind, "NO-{n:06d}").format(n=seq() % 100000)


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12, 0))


def make_certificate(kind: str = "organic", *, party: Party | None = None, site: Site | None = None,
                     product: Product | None = None, batch: Batch | None = None, issuer: Party | None = None,
                     number: str | None = None, status: str = "approved",
                     valid_from: datetime.date = datetime.date(2026, 1, 1), valid_to=DEFAULT,
                     status_from: datetime.date | None = None, history: list[tuple] | None = None,
                     scope: str = "", submitted_by: User | None = None, **fields) -> Certificate:
    """Create a certificate and its transitions directly, in the given state (see the module docstring)."""
    if batch is not None:
        subject_kind, party = "batch", party or Party.get_by_id(batch.holder_id)
    elif site is not None:
        subject_kind, party = ("product_site" if product is not None else "site"), party or site.party
    else:
        subject_kind, party = "party", party or make_party()
    if valid_to is DEFAULT:
        valid_to = certificate_kinds.default_valid_to(kind, valid_from)
    if history is None:
        step_date = status_from or valid_from
        history = [(action, step_date if action in ("suspend", "revoke") else valid_from)
                   for action in STEPS_FOR_STATUS[status]]
    cert = Certificate.create(
        kind=kind, number=number or sample_number(kind), subject_kind=subject_kind, party=party, site=site,
        product=product, batch=batch, issuer=issuer or make_issuer(), scope=scope, valid_from=valid_from,
        valid_to=valid_to, status="submitted", submitted_by=submitted_by, **fields,
    )
    CertificateTransition.create(certificate=cert, action="submit", to_status="submitted", actor=submitted_by,
                                 at=_noon(valid_from))
    state, state_from = "submitted", None
    for step in history:
        action, effective_on, reason = (*step, "")[:3]
        target = ACTIONS[action][1]
        CertificateTransition.create(certificate=cert, action=action, from_status=state, to_status=target,
                                     effective_on=effective_on, reason=reason or f"test {action}",
                                     at=_noon(effective_on))
        state = target
        state_from = effective_on if action in ("suspend", "revoke") else None
    cert.status, cert.status_from = state, state_from
    cert.save()
    return cert


def documents_world(app, tmp_path):
    """A producer's approved certificate, documents kept in a temporary folder."""
    app.config["CERTIFICATE_DOCUMENTS_DIR"] = str(tmp_path / "documents")
    producer = make_user()
    cert = make_certificate(site=make_site(party=producer.party))
    return {"producer": producer, "headers": auth_header(producer), "cert": cert, "dir": tmp_path / "documents"}


def compliance_world():
    """A cooperative producer with a field and a 500 kg broccoli lot, and an inspector."""
    producer = make_user(role="producer", party=make_party(kind="cooperative", phone="0971-5550123"))
    field = make_site(party=producer.party)
    product = make_product(category="vegetable", unit="kg", name="西兰花")
    lot = register(producer, field, product, "500", lot_code="VEG-C1")
    return {"producer": producer, "field": field, "product": product, "lot": lot,
            "headers": auth_header(producer), "inspector": make_user(role="inspector")}


def certificate_pages_world(app, tmp_path):
    """A producer with a site, a certifier, an inspector of another party; documents in a temporary folder."""
    app.config["CERTIFICATE_DOCUMENTS_DIR"] = str(tmp_path / "documents")
    producer = make_user()
    return {"producer": producer, "site": make_site(party=producer.party, name="云谷川菌菇基地"),
            "product": make_product(name="香菇", name_en="Shiitake"), "certifier": make_issuer(name="中绿华夏认证中心"),
            "inspector": make_user(role="inspector")}


def certificates_world(app):
    """A producer with a site and product, a certifier, an inspector of another party, and an admin."""
    producer = make_user()
    inspector = make_user(role="inspector")
    return {
        "producer": producer,
        "headers": auth_header(producer),
        "site": make_site(party=producer.party),
        "product": make_product(),
        "certifier": make_issuer(),
        "inspector": inspector,
        "inspector_headers": auth_header(inspector),
        "admin_headers": auth_header(make_user(role="admin")),
    }
