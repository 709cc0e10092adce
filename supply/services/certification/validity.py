"""Which certificates covered a party, a site, a product at a site or a batch on a given date, and in what state.

The rule (docs/rules.md, "Validity at a date": what matters is the date of the event a certificate vouches for):

- Only certificates approved at some point count: stored status `approved`, `suspended` or `revoked`. Submitted
  and rejected ones are never shown.
- Coverage nests: a party's certificate covers its sites, a site's certificate covers every product grown there,
  and a batch is covered by certificates on itself, on its product at its origin site, on its origin site and on
  its origin party.
- The state on a date D is, in this order: `not_yet_valid` when D is before `valid_from`; `revoked` when a
  revocation takes effect on or before D; `expired` when D is after `valid_to` (null: permanent); `suspended` when
  the last recorded suspension or reinstatement taking effect on or before D is a suspension; else `valid`. Each
  step holds from its date on until a later-recorded one: a reinstatement recorded before a suspension dated in
  the future takes effect cancels it, and a suspension recorded after a reinstatement holds from its own date even
  if that is before the reinstatement's. A suspension or revocation stored on the certificate without a transition
  counts from `status_from`.
- Whatever D, the certificate also carries its later standing: `revoked_from` (the revocation date, if revoked)
  and `suspended_from` (the start of a suspension still in force today), so that a certificate valid on the
  harvest date still shows "revoked from 2026-09-01".

One query loads the certificates of any number of subjects with their issuer and transitions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from peewee import JOIN
from peewee import SQL

from supply.certificate_kinds import CLAIM_KINDS
from supply.certificate_kinds import kind_name
from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import fetch
from supply.db.sqlcache import ids_in
from supply.models import Batch
from supply.models import Certificate
from supply.models import CertificateTransition
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models.certification import CertificateStatus
from supply.services.tracing.history import Named

VALID = "valid"
SUSPENDED = "suspended"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
STATES = (VALID, SUSPENDED, REVOKED, EXPIRED, NOT_YET_VALID)
# States in which the certificate's period covers the date (expired and not yet valid ones did not cover it).
IN_PERIOD = (VALID, SUSPENDED, REVOKED)
# Stored statuses of certificates that were approved at some point.
SHOWN_STATUSES = (CertificateStatus.APPROVED, CertificateStatus.SUSPENDED, CertificateStatus.REVOKED)

Subject = Party | Site | Batch | tuple


def ended(valid_to: datetime.date | None, day: datetime.date) -> bool:
    """Tell whether a certificate's period ended before `day` (no `valid_to`: permanent, never ends)."""
    return valid_to is not None and day > valid_to


@dataclass
class CertificateState:
    """A certificate as it stood on the date that matters, and its later standing.

    `date_vouched` is that date and `event` the event on it (harvest, production, slaughter, packing, or
    `date` when asked for a bare date); `lots` the lots it vouches for when evaluated for batches.
    """

    id: int
    kind: str
    number: str
    subject_kind: str
    issuer: Named
    valid_from: datetime.date
    valid_to: datetime.date | None
    status: str
    state: str
    date_vouched: datetime.date
    event: str = "date"
    revoked_from: datetime.date | None = None
    suspended_from: datetime.date | None = None
    lots: list[str] = field(default_factory=list)

    @property
    def permanent(self) -> bool:
        """Tell whether the certificate has no end date."""
        return self.valid_to is None

    @property
    def claim(self) -> bool:
        """Tell whether the certificate's kind is a claim about the product (organic, green food ...)."""
        return self.kind in CLAIM_KINDS

    @property
    def kind_name(self) -> str:
        """Return the English name of the kind (translate it where shown)."""
        return kind_name(self.kind)


@dataclass
class LoadedCertificate:
    """A certificate row with its subject ids and its suspensions, reinstatements and revocations."""

    id: int
    kind: str
    number: str
    subject_kind: str
    party_id: int
    site_id: int | None
    product_id: int | None
    batch_id: int | None
    issuer: Named
    valid_from: datetime.date
    valid_to: datetime.date | None
    status: str
    status_from: datetime.date | None
    changes: list[tuple[datetime.date, str]] = field(default_factory=list)

    def subject_key(self) -> tuple:
        """Return the key of the subject the certificate covers (see `subject_keys`)."""
        if self.subject_kind == "party":
            return ("party", self.party_id)
        if self.subject_kind == "site":
            return ("site", self.site_id)
        if self.subject_kind == "product_site":
            return ("product_site", self.product_id, self.site_id)
        return ("batch", self.batch_id)

    def timeline(self) -> list[tuple[datetime.date, str]]:
        """Return (effective date, suspend|reinstate|revoke) in the order recorded, the stored status filled in."""
        changes = list(self.changes)
        done = {action for _, action in changes}
        if self.status == CertificateStatus.REVOKED and "revoke" not in done:
            changes.append((self.status_from or self.valid_from, "revoke"))
        if self.status == CertificateStatus.SUSPENDED and "suspend" not in done:
            changes.append((self.status_from or self.valid_from, "suspend"))
        return changes

    def evaluate(self, day: datetime.date, event: str = "date") -> CertificateState:
        """Return the certificate's state on `day` and its later standing."""
        changes = self.timeline()
        revoked_from = min((when for when, action in changes if action == "revoke"), default=None)
        steps = [(when, action) for when, action in changes if action in ("suspend", "reinstate")]
        suspended_from = steps[-1][0] if steps and steps[-1][1] == "suspend" else None
        if revoked_from is not None:
            suspended_from = None
        return CertificateState(
            id=self.id, kind=self.kind, number=self.number, subject_kind=self.subject_kind, issuer=self.issuer,
            valid_from=self.valid_from, valid_to=self.valid_to, status=self.status,
            state=self._state_on(day, changes, revoked_from), date_vouched=day, event=event,
            revoked_from=revoked_from, suspended_from=suspended_from,
        )

    def _state_on(self, day: datetime.date, changes: list[tuple[datetime.date, str]],
                  revoked_from: datetime.date | None) -> str:
        if day < self.valid_from:
            return NOT_YET_VALID
        if revoked_from is not None and revoked_from <= day:
            return REVOKED
        if ended(self.valid_to, day):
            return EXPIRED
        in_force = [action for when, action in changes if action in ("suspend", "reinstate") and when <= day]
        return SUSPENDED if in_force and in_force[-1] == "suspend" else VALID


def batch_keys(product_id: int, site_id: int, party_id: int, batch_id: int | None) -> list[tuple]:
    """Return the subject keys that cover a batch: itself, its product at its origin site, that site, its party."""
    keys = [("product_site", product_id, site_id), ("site", site_id), ("party", party_id)]
    return keys + [("batch", batch_id)] if batch_id is not None else keys


def subject_keys(subject: Subject) -> list[tuple]:
    """Return the subject keys covering a Party, a Site, a (Product, Site) pair or a Batch (no query)."""
    if isinstance(subject, Batch):
        return batch_keys(subject.product_id, subject.origin_site_id, subject.origin_party_id, subject.id)
    if isinstance(subject, tuple) and len(subject) == 2 and isinstance(subject[0], Product):
        product, site = subject
        return [("product_site", product.id, site.id), ("site", site.id), ("party", site.party_id)]
    if isinstance(subject, Site):
        return [("site", subject.id), ("party", subject.party_id)]
    if isinstance(subject, Party):
        return [("party", subject.id)]
    raise TypeError(f"not a certificate subject: {subject!r}")


_CERT_COLUMNS = (Certificate.id, Certificate.kind, Certificate.number, Certificate.subject_kind,
                 Certificate.party, Certificate.site, Certificate.product, Certificate.batch,
                 Certificate.valid_from, Certificate.valid_to, Certificate.status, Certificate.status_from)


def _literals(values: Iterable[str]) -> SQL:
    """Write a list of fixed words as an SQL list (cached queries bind nothing outside their slots)."""
    return SQL("(" + ", ".join(f"'{value}'" for value in values) + ")")


def _certificates_query():
    issuer = Party.alias("issuer")
    change = CertificateTransition
    covers = (
        ((Certificate.subject_kind == SQL("'party'")) & ids_in(Certificate.party, "parties"))
        | ((Certificate.subject_kind == SQL("'site'")) & ids_in(Certificate.site, "sites"))
        | ((Certificate.subject_kind == SQL("'product_site'")) & ids_in(Certificate.site, "sites")
           & ids_in(Certificate.product, "products"))
        | ((Certificate.subject_kind == SQL("'batch'")) & ids_in(Certificate.batch, "batches"))
    )
    return (
        Certificate.select(*_CERT_COLUMNS, issuer.code.alias("issuer_code"), issuer.name.alias("issuer_name"),
                           issuer.name_en.alias("issuer_name_en"), issuer.name_zh_hant.alias("issuer_name_zh_hant"),
                           change.action, change.effective_on, change.at)
        .join(issuer, on=(Certificate.issuer == issuer.id))
        .switch(Certificate)
        .join(change, JOIN.LEFT_OUTER,
              on=((change.certificate == Certificate.id)
                  & change.action.in_(_literals(("suspend", "reinstate", "revoke")))))
        .where(Certificate.status.in_(_literals(SHOWN_STATUSES)), covers)
        .order_by(Certificate.kind, Certificate.valid_from, Certificate.id, change.at, change.id)
    )


_CONVERTERS = {"valid_from": Certificate.valid_from, "valid_to": Certificate.valid_to,
               "status_from": Certificate.status_from, "effective_on": CertificateTransition.effective_on,
               "at": CertificateTransition.at}


def load_certificates(keys: Iterable[tuple]) -> dict[tuple, list[LoadedCertificate]]:
    """Load the shown certificates of the subjects named by `keys`, grouped by subject key (one query)."""
    keys = set(keys)
    ids = {kind: {key[-1] for key in keys if key[0] == kind} for kind in ("party", "site", "batch")}
    ids["site"] |= {key[2] for key in keys if key[0] == "product_site"}
    products = {key[1] for key in keys if key[0] == "product_site"}
    if not keys:
        return {}
    rows = fetch("validity.certificates", _certificates_query, _CONVERTERS,
                 parties=bind_ids(ids["party"]), sites=bind_ids(ids["site"]), products=bind_ids(products),
                 batches=bind_ids(ids["batch"]))
    loaded: dict[int, LoadedCertificate] = {}
    for row in rows:
        cert = loaded.get(row.id)
        if cert is None:
            cert = loaded[row.id] = LoadedCertificate(
                id=row.id, kind=row.kind, number=row.number, subject_kind=row.subject_kind, party_id=row.party_id,
                site_id=row.site_id, product_id=row.product_id, batch_id=row.batch_id,
                issuer=Named(row.issuer_code, row.issuer_name, row.issuer_name_en or "",
                             name_zh_hant=row.issuer_name_zh_hant or ""), valid_from=row.valid_from,
                valid_to=row.valid_to, status=row.status, status_from=row.status_from)
        if row.action is not None:
            cert.changes.append((row.effective_on or row.at.date(), row.action))
    grouped: dict[tuple, list[LoadedCertificate]] = {}
    for cert in loaded.values():
        key = cert.subject_key()
        if key in keys:  # product_site rows match products and sites separately: keep the pairs asked for
            grouped.setdefault(key, []).append(cert)
    return grouped


def certificates_valid_at(subject: Subject, day: datetime.date) -> list[CertificateState]:
    """Return the approved-at-some-point certificates covering a subject, each in its state on `day` (one query).

    `subject` is a Party, a Site, a (Product, Site) pair or a Batch; see the module docstring for the rule.
    """
    grouped = load_certificates(subject_keys(subject))
    certs = sorted((cert for certs in grouped.values() for cert in certs),
                   key=lambda cert: (cert.kind, cert.valid_from, cert.id))
    return [cert.evaluate(day) for cert in certs]
