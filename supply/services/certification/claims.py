"""What certificates stand behind a batch, and which claims (organic, green food ...) it carries through its inputs.

Each lot is judged on its own date (`produced_on`: the harvest or slaughter date of a registered lot, the packing
date of a lot made by a transformation, whose origin site is where it was made), by the certificates that covered
it on that date (see `certificate_validity`).

Claims pass through merges, splits, packing, slaughter and cuts, never through a registration's sources or a
planting (berries are not "organic" because their seedlings were): a lot made from inputs carries a claim kind
only if every input carried it (each on its own date, recursively) or a certificate of that kind on the lot
itself (subject: the batch) was valid on its date. A registered lot carries a claim when a certificate of that
kind covering it in any way was valid on its date. A certificate valid on the date and revoked later still made
the claim; it shows "revoked from ..." beside it. A certificate on the batch itself issued after the lot's date
vouches for the lot from its issue (a quarantine certificate for the shipment it travels with) and is listed in any
state; it makes no claim.

Two queries for any number of batches: one recursive walk up the genealogy with the lots' data, one for the
certificates of every subject met. The tests of a batch and its upstream lots take one more (`lot_tests`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field

from peewee import SQL
from peewee import Case

from supply.certificate_kinds import CLAIM_KINDS
from supply.certificate_kinds import kind_name
from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import fetch
from supply.db.sqlcache import ids_in
from supply.db.sqlcache import slot
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Product
from supply.services.certification.validity import IN_PERIOD
from supply.services.certification.validity import NOT_YET_VALID
from supply.services.certification.validity import VALID
from supply.services.certification.validity import CertificateState
from supply.services.certification.validity import LoadedCertificate
from supply.services.certification.validity import batch_keys
from supply.services.certification.validity import load_certificates
from supply.units import registration_event

# Link codes of the walk: 0 a start lot, 1 a source or planting (claims stop), 2 a transformation, 3 a slaughter.
START, SOURCE, MADE, SLAUGHTER = 0, 1, 2, 3
# The event a batch's own certificate vouches for when issued after the lot's date: its issue.
ISSUE = "issue"
MAX_ROWS = 20000
# Short certification marks printed on labels: the official Chinese mark and an English word beside it.
MARKS = {
    "green_food": ("绿色食品", "Green Food"),
    "organic": ("有机", "Organic"),
    "geo_indication": ("地理标志", "GI"),
    "hk_supply_base": ("供港基地", "HK supply base"),
    "climate_good": ("气候好产品", "Climate-Good"),
}


@dataclass
class Lot:
    """A lot met on the walk: its data and its parents by link code."""

    id: int
    lot: str
    product_id: int
    site_id: int
    party_id: int
    produced_on: datetime.date
    category: str
    parents: dict[int, int] = field(default_factory=dict)

    def inputs(self) -> list[int]:
        """Return the parents claims pass from (transformation inputs)."""
        return [parent for parent, code in self.parents.items() if code >= MADE]

    @property
    def event(self) -> str:
        """Name the event its date vouches for: slaughter, packing, or what a registration records (harvest,
        propagation, birth ...: `supply.units.registration_event`)."""
        codes = set(self.parents.values())
        if SLAUGHTER in codes:
            return "slaughter"
        if MADE in codes:
            return "packing"
        return registration_event(self.category)


@dataclass
class Claim:
    """A claim kind and whether the lot carries it: by its own certificate, or because every input did.

    `with_claim` and `without_claim` are the input lots that carried it and those that did not.
    """

    kind: str
    carried: bool
    own: bool
    with_claim: list[str] = field(default_factory=list)
    without_claim: list[str] = field(default_factory=list)

    @property
    def kind_name(self) -> str:
        """Return the English name of the kind (translate it where shown)."""
        return kind_name(self.kind)

    @property
    def inputs(self) -> int:
        """Return how many inputs the lot was made from."""
        return len(self.with_claim) + len(self.without_claim)

    @property
    def mixed(self) -> bool:
        """Tell whether some inputs carried the claim and others did not, and the lot itself does not."""
        return not self.carried and bool(self.with_claim) and bool(self.without_claim)

    @property
    def mark(self) -> tuple[str, str]:
        """Return the label mark (Chinese, English) of the claim."""
        return MARKS.get(self.kind, (self.kind, self.kind))


@dataclass
class BatchCertification:
    """The certificates behind a batch and the claims it carries.

    `certificates` covered the lot itself on its date; `upstream` covered the lots it was made from, each on its
    own date (the same certificate on the same date listed once, with all its lots). Only certificates whose
    period covered the date are listed (valid, suspended or revoked on it). `truncated` when the genealogy was too
    large to walk whole (claims then rest on the lot's own certificates only); `lots` the lot codes of the batch
    and of every lot upstream, by batch id.
    """

    lot: str
    date_vouched: datetime.date
    event: str
    certificates: list[CertificateState]
    upstream: list[CertificateState]
    claims: list[Claim]
    truncated: bool = False
    lots: dict[int, str] = field(default_factory=dict)

    @property
    def carried(self) -> list[Claim]:
        """Return the claims the lot carries."""
        return [claim for claim in self.claims if claim.carried]

    @property
    def mixed(self) -> list[Claim]:
        """Return the claims only some inputs carried."""
        return [claim for claim in self.claims if claim.mixed]


def _walk_query():
    code = Case(None, (
        (BatchLink.kind == SQL("'slaughter'"), SQL(str(SLAUGHTER))),
        (BatchLink.kind.in_(SQL("('source', 'planting')")), SQL(str(SOURCE))),
    ), SQL(str(MADE)))
    base = (Batch.select(Batch.id.alias("batch_id"), Batch.id.alias("child_id"), SQL(str(START)).alias("code"))
            .where(ids_in(Batch.id, "ids")))
    up = base.cte("up", recursive=True, columns=("batch_id", "child_id", "code"))
    step = (
        BatchLink.select(BatchLink.parent, BatchLink.child, code)
        .join(up, on=(BatchLink.child == up.c.batch_id))
        .where(BatchLink.retracted == slot("retracted"))
    )
    up = up.union(step)
    return (
        up.select_from(up.c.batch_id, up.c.child_id, up.c.code, Batch.lot_code, Batch.product, Batch.origin_site,
                       Batch.origin_party, Batch.produced_on, Product.category)
        .join(Batch, on=(Batch.id == up.c.batch_id))
        .join(Product, on=(Batch.product == Product.id))
        .limit(slot("limit"))
    )


def walk_up(batch_ids: list[int]) -> tuple[dict[int, Lot], bool]:
    """Return every lot upstream of the batches (and the batches) with their parents, and whether it was cut.

    One recursive query; UNION keeps each (parent, child, link) once, so it ends on any graph.
    """
    rows = fetch("validity.walk_up", _walk_query, {"produced_on": Batch.produced_on},
                 ids=bind_ids(batch_ids), retracted=False, limit=MAX_ROWS + 1)
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    lots: dict[int, Lot] = {}
    for row in rows:
        if row.batch_id not in lots:
            lots[row.batch_id] = Lot(row.batch_id, row.lot_code, row.product_id, row.origin_site_id,
                                     row.origin_party_id, row.produced_on, row.category)
    for row in rows:
        if row.code != START and row.child_id in lots:
            parents = lots[row.child_id].parents
            parents[row.batch_id] = max(row.code, parents.get(row.batch_id, START))
    return lots, truncated


class _Judge:
    """Evaluates each lot's certificates on its own date and decides, once per lot and kind, what it carries."""

    def __init__(self, lots: dict[int, Lot], certificates: dict[tuple, list[LoadedCertificate]], truncated: bool):
        self.lots = lots
        self.certificates = certificates
        self.truncated = truncated
        self.states: dict[int, list[CertificateState]] = {}
        self.decided: dict[tuple[int, str], bool] = {}

    def covering(self, lot_id: int) -> list[CertificateState]:
        """Return the certificates covering a lot, in their state on its date (computed once per lot)."""
        found = self.states.get(lot_id)
        if found is None:
            lot = self.lots[lot_id]
            certs = [cert for key in batch_keys(lot.product_id, lot.site_id, lot.party_id, lot.id)
                     for cert in self.certificates.get(key, ())]
            found = [_on_its_date(cert, lot) for cert in certs]
            for state in found:
                state.lots = [lot.lot]
            found.sort(key=lambda state: (state.kind, state.valid_from, state.id))
            self.states[lot_id] = found
        return found

    def own(self, lot_id: int, kind: str) -> bool:
        """Tell whether a certificate of `kind` on the lot was valid on its date (only one on the batch itself
        counts for a lot made from inputs)."""
        lot = self.lots[lot_id]
        made = bool(lot.inputs())
        return any(state.kind == kind and state.state == VALID and state.date_vouched == lot.produced_on
                   and (not made or state.subject_kind == "batch") for state in self.covering(lot_id))

    def carries(self, lot_id: int, kind: str) -> bool:
        """Tell whether a lot carries a claim kind (memoised; a cycle counts as not carrying)."""
        key = (lot_id, kind)
        if key in self.decided:
            return self.decided[key]
        self.decided[key] = False
        inputs = self.lots[lot_id].inputs()
        result = self.own(lot_id, kind) or (
            bool(inputs) and not self.truncated and all(self.carries(parent, kind) for parent in inputs))
        self.decided[key] = result
        return result

    def claims(self, lot_id: int) -> list[Claim]:
        """Return the claims a lot carries and those only some of its inputs carried."""
        inputs = sorted(self.lots[lot_id].inputs(), key=lambda parent: self.lots[parent].lot)
        claims = []
        for kind in CLAIM_KINDS:
            with_claim = [self.lots[p].lot for p in inputs if self.carries(p, kind)]
            carried = self.carries(lot_id, kind)
            if carried or with_claim:
                without = [self.lots[p].lot for p in inputs if self.lots[p].lot not in with_claim]
                claims.append(Claim(kind, carried, self.own(lot_id, kind), with_claim, without))
        return claims

    def upstream(self, lot_id: int) -> list[CertificateState]:
        """Return the certificates that covered the lots upstream of one, each on its lot's date, merged."""
        seen: dict[tuple, CertificateState] = {
            (state.id, state.date_vouched): state for state in self.covering(lot_id)}
        merged: dict[tuple, CertificateState] = {}
        for ancestor in self._ancestors(lot_id):
            for state in self.covering(ancestor):
                key = (state.id, state.date_vouched)
                if not _listed(state) or key in seen:
                    continue
                if key in merged:
                    merged[key].lots.append(self.lots[ancestor].lot)
                else:
                    merged[key] = CertificateState(**{**state.__dict__, "lots": list(state.lots)})
        return sorted(merged.values(), key=lambda s: (not s.claim, s.kind, s.lots[0], s.valid_from, s.id))

    def _ancestors(self, lot_id: int) -> list[int]:
        found: list[int] = []
        todo = list(self.lots[lot_id].parents)
        seen = {lot_id}
        while todo:
            parent = todo.pop()
            if parent in seen:
                continue
            seen.add(parent)
            found.append(parent)
            todo.extend(self.lots[parent].parents)
        return sorted(found, key=lambda parent: self.lots[parent].lot)

    def certification(self, lot_id: int) -> BatchCertification:
        """Gather what stands behind one lot."""
        lot = self.lots[lot_id]
        own = [state for state in self.covering(lot_id) if _listed(state)]
        lots = {lot_id: lot.lot, **{ancestor: self.lots[ancestor].lot for ancestor in self._ancestors(lot_id)}}
        return BatchCertification(lot.lot, lot.produced_on, lot.event, own, self.upstream(lot_id),
                                  self.claims(lot_id), self.truncated, lots)


def _on_its_date(cert: LoadedCertificate, lot: Lot) -> CertificateState:
    """Evaluate a certificate on the date it vouches for the lot: the lot's own date, or, for a certificate on the
    batch itself issued later (a quarantine certificate for the shipment it travels with, a virus certificate for
    seedlings potted before it), the day it was issued. Claims count only on the lot's own date (`_Judge.own`)."""
    state = cert.evaluate(lot.produced_on, lot.event)
    if state.state == NOT_YET_VALID and cert.subject_kind == "batch":
        return cert.evaluate(cert.valid_from, ISSUE)
    return state


def _listed(state: CertificateState) -> bool:
    """Tell whether a certificate is listed for a lot: its period covered the date, or it is on the batch itself
    (listed in any state, "expired on ..." rather than hidden)."""
    return state.state in IN_PERIOD or state.subject_kind == "batch"


def certifications(batch_ids: list[int]) -> dict[int, BatchCertification]:
    """Return what stands behind each of the batches, by batch id (two queries, however many batches)."""
    if not batch_ids:
        return {}
    lots, truncated = walk_up(batch_ids)
    keys = {key for lot in lots.values() for key in batch_keys(lot.product_id, lot.site_id, lot.party_id, lot.id)}
    judge = _Judge(lots, load_certificates(keys), truncated)
    return {batch_id: judge.certification(batch_id) for batch_id in batch_ids if batch_id in lots}


def batch_certification(batch: Batch) -> BatchCertification:
    """Return the certificates behind a batch, on the date of the event each vouches for, and its claims."""
    return certifications([batch.id])[batch.id]


def claim_marks(batches: list[Batch]) -> dict[int, list[tuple[str, str]]]:
    """Return the certification marks (Chinese, English) of the claims each batch carries, by batch id."""
    found = certifications([batch.id for batch in batches])
    return {batch_id: [claim.mark for claim in cert.carried] for batch_id, cert in found.items()}
