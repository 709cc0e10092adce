"""What the public scan page shows of a batch: origin, journey, upstream lots, recall, verification, scans.

Only names of parties and sites, places and dates leave this module: never phone numbers, ID numbers,
credit codes, addresses of people, user names or emails.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from supply.analytes import analyte_names
from supply.clock import LOCAL_TZ
from supply.clock import local_today
from supply.clock import to_local
from supply.clock import to_utc_naive
from supply.identifiers import is_public_token
from supply.models import Batch
from supply.models import LotVerification
from supply.models.batch import BatchStatus
from supply.names import record_names
from supply.places import county_names
from supply.services.certification.claims import BatchCertification
from supply.services.certification.claims import batch_certification
from supply.services.certification.lot_tests import TestReport
from supply.services.certification.lot_tests import test_reports
from supply.services.certification.standing import ClaimStanding
from supply.services.certification.standing import lot_standings
from supply.services.certification.validity import CertificateState
from supply.services.custody.batches import with_origin
from supply.services.custody.verification import verification_of
from supply.services.public.cold_chain import ColdChain
from supply.services.public.cold_chain import cold_chain_of
from supply.services.public.facts_codec import fact_class
from supply.services.public.origins import Origin
from supply.services.public.origins import UpstreamLot
from supply.services.public.origins import upstream_of
from supply.services.tracing.history import HistoryEvent
from supply.services.tracing.history import Named
from supply.services.tracing.history import events_touching
from supply.services.tracing.history import party_names
from supply.services.tracing.trace import trace_from


@fact_class
@dataclass
class Step:
    """One step of the journey: a code for the template, when, where, and the figures it names."""

    kind: str
    time: datetime.datetime
    place: Named | None
    party: Named | None = None
    quantity: Decimal | None = None
    unit: str = ""
    count: int = 0
    ear_tag: str | None = None
    other: Named | None = None
    lots: list[str] = field(default_factory=list)
    temp_min: str | None = None
    temp_max: str | None = None
    day: datetime.date | None = None  # shown instead of `time` (a registration shows its harvest date)
    category: str = ""  # of the registered lot: its words (harvested, propagated, born) follow the category
    lot: str | None = None  # the upstream lot the step happened to (None: this batch)


@fact_class
@dataclass
class PublicView:
    """Everything the page shows, gathered in a fixed number of queries."""

    batch: Batch
    steps: list[Step]
    upstream: list[UpstreamLot]
    recalled: bool
    upstream_recalled: bool
    verification: LotVerification | None  # the last check of the lot's hash chain (never made on the page)
    certification: BatchCertification | None = None
    tests: list[TestReport] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)  # first-mile origins of a lot made from others
    standings: list[ClaimStanding] = field(default_factory=list)  # how each carried claim may be shown today
    cold_chain: ColdChain | None = None  # the temperatures logged on its way (supply.services.public.cold_chain)


def batch_by_token(token: str) -> Batch | None:
    """Return the batch of a well-formed public token, with its product, origin party and site; else None."""
    if not is_public_token(token):
        return None
    return (
        with_origin()
        .where(Batch.public_token == token)
        .first()
    )


READ = object()  # `complete`: read the verification


def public_view(batch: Batch) -> PublicView:
    """Gather the page of a batch as it stands today: its facts, then what depends on the day and the chain."""
    return complete(gather_view(batch))


def gather_view(batch: Batch) -> PublicView:
    """Gather the facts of a batch's page: its own steps and those of the lots upstream, its certificates and
    tests, in a fixed number of queries (what depends on the day or the chain's check is left to `complete`)."""
    graph = trace_from(batch, "upstream", with_events=False)
    upstream, origins = upstream_of(graph)
    events = events_touching([batch.id, *(lot.id for lot in upstream)])
    certification = batch_certification(batch)
    return PublicView(
        batch=batch,
        steps=journey(batch.lot_code, events, batch.product.category, {lot.lot: lot.category for lot in upstream}),
        upstream=upstream,
        origins=origins,
        recalled=batch.status == BatchStatus.RECALLED,
        upstream_recalled=any(u.recalled for u in upstream),
        verification=None,
        certification=certification,
        tests=test_reports(list(certification.lots)),
        cold_chain=cold_chain_of([batch.id, *(lot.id for lot in upstream)]),
    )


def complete(view: PublicView, today: datetime.date | None = None, verification=READ) -> PublicView:
    """Add to a page's facts what is not a fact: how each claim may be shown today, and the last check of the lot's
    chain (`verification`, read here unless the caller read it with the facts)."""
    today = today or local_today()
    view.standings = lot_standings(view.certification, view.batch.status, view.upstream_recalled, today)
    view.verification = verification_of(view.batch.id) if verification is READ else verification
    return view


def journey(lot: str, events: list[HistoryEvent], category: str = "", upstream: dict[str, str] | None = None,
            ) -> list[Step]:
    """Turn the events (oldest first) of a lot and of the `upstream` lots it was made from into the steps a shopper
    reads, leaving out retracted events; an upstream step names its lot. `category` is the lot's product category,
    `upstream` the category of each upstream lot by lot code (their words follow it)."""
    upstream = upstream or {}
    names = party_names(events)
    steps = []
    for event in events:
        if event.declared or event.declares:
            continue
        if event.line_for(lot) is not None:
            step = _step(lot, event, names, category)
            steps.extend([step] if step is not None else [])
        else:
            steps.extend(_upstream_steps(event, upstream, names))
    steps.sort(key=_when)
    return steps


def _when(step: Step) -> tuple[datetime.datetime, int]:
    """Order steps by when they happened: a registration at its production time, or before anything else on its
    production day when only the day is known (also when its event is dated the day it was typed in, as lots
    registered before commissioning took the production time are). Ties keep the log's order (a stable sort)."""
    if step.day is None:
        return step.time, 1
    return min(step.time, day_start(step.day)), 0


def day_start(day: datetime.date) -> datetime.datetime:
    """Return the first moment of a day in Asia/Shanghai as a stored (naive UTC) time."""
    return to_utc_naive(datetime.datetime.combine(day, datetime.time.min, LOCAL_TZ))


def _step(lot: str, event: HistoryEvent, names: dict[str, Named], category: str = "") -> Step | None:
    own = event.line_for(lot)
    base = {"time": event.time, "place": event.site, "party": event.party}
    if event.event_type == "TransformationEvent":
        return _transformation(lot, event, base)
    if event.disposition == "recalled":
        return Step("recalled", **base)
    data = event.data
    quantity = own.quantity if own else None
    unit = own.unit if own else ""
    if event.biz_step == "commissioning":
        # A production time shows as a time; a production day alone as its date.
        day = None if data.get("produced_at") else _date_of(data.get("produced_on"))
        return Step("registered", quantity=quantity, unit=unit, day=day, category=category, **base)
    if event.biz_step == "storing":
        return Step("stored", temp_min=data.get("temperature_min"), temp_max=data.get("temperature_max"), **base)
    if event.biz_step == "shipping":
        return Step("shipped", quantity=quantity, unit=unit, other=names.get(data.get("to_party")), **base)
    if event.biz_step == "receiving":
        temperature = data.get("temperature") or {}
        return Step("received", quantity=quantity, unit=unit, other=names.get(data.get("from_party")),
                    temp_min=temperature.get("min"), temp_max=temperature.get("max"), **base)
    if event.biz_step == "void_shipping":
        return Step("cancelled", **base)
    if event.biz_step in ("inspecting", "sampling"):
        return Step("inspected", **base)
    return None


def _upstream_steps(event: HistoryEvent, upstream: dict[str, str], names: dict[str, Named]) -> list[Step]:
    """Return the steps an event made of upstream lots: a transformation once, for the lot it made; else per lot."""
    if event.event_type == "TransformationEvent":
        made = [line.lot for line in event.lines_of("output") if line.lot in upstream]
        planted = [line.lot for line in event.lines_of("input") if line.lot in upstream]
        lots = made[:1] if made else planted if event.data.get("kind") == "planting" else []
    else:
        lots = sorted({line.lot for line in event.lines if line.lot in upstream})
    steps = []
    for lot in lots:
        step = _step(lot, event, names, upstream[lot])
        if step is not None and step.kind not in ("used", "recalled"):
            step.lot = lot
            steps.append(step)
    return steps


def _date_of(text: str | None) -> datetime.date | None:
    """Read an ISO date from event data, or None."""
    try:
        return datetime.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _transformation(lot: str, event: HistoryEvent, base: dict) -> Step:
    inputs = event.lines_of("input")
    outputs = event.lines_of("output")
    kind = event.data.get("kind", "")
    if kind == "planting":
        return Step("planted", **base)
    if lot not in {line.lot for line in outputs}:
        return Step("used", lots=[line.lot for line in outputs], **base)
    tags = [line.ear_tag for line in inputs if line.ear_tag]
    if kind in ("cut", "slaughter") and tags:
        return Step("cut" if kind == "cut" else "slaughtered", ear_tag=tags[0], **base)
    if kind == "merge":
        return Step("merged", count=len(inputs), lots=[line.lot for line in inputs], **base)
    return Step("made", count=len(inputs), lots=[line.lot for line in inputs], **base)


def _name(named) -> dict | None:
    """Name a record in every language: {"name", "name_zh_hant", "name_en"} (supply.names)."""
    return record_names(named)


def traceability_json(view: PublicView) -> dict:
    """Return the public record of a lot as JSON-ready data (the same facts as the page, nothing private)."""
    batch = view.batch
    site = batch.origin_site
    return {
        "lot": batch.lot_code,
        "product": {**_name(batch.product), "variety": record_names(batch.product, "variety"),
                    "gtin": batch.product.gtin},
        "produced_on": batch.produced_on.isoformat(),
        "quantity": str(batch.quantity), "unit": batch.unit, "ear_tag": batch.ear_tag,
        "origin": {"producer": _name(batch.origin_party),
                   "county": county_names(site.county or batch.origin_party.county),
                   "site": _name(site),
                   "latitude": None if site.latitude is None else str(site.latitude),
                   "longitude": None if site.longitude is None else str(site.longitude)},
        "journey": [
            {"step": s.kind, "time": to_local(s.time).isoformat(), "place": _name(s.place),
             "counterpart": _name(s.other),
             "quantity": None if s.quantity is None else str(s.quantity), "unit": s.unit or None,
             "ear_tag": s.ear_tag, "lots": s.lots, "temperature_min": s.temp_min, "temperature_max": s.temp_max,
             "lot": s.lot or batch.lot_code}
            for s in view.steps
        ],
        "first_mile": [{"producer": _name(o.party), "site": _name(o.site), "county": county_names(o.county),
                        "latitude": None if o.latitude is None else str(o.latitude),
                        "longitude": None if o.longitude is None else str(o.longitude),
                        "quantity": str(o.quantity), "unit": o.unit, "lots": o.lots} for o in view.origins],
        "made_from": [{"lot": u.lot, "page": f"/t/{u.token}", "product": _name(u.product), "producer": _name(u.origin),
                       "produced_on": u.produced_on.isoformat(), "recalled": u.recalled, "first_mile": u.first_mile}
                      for u in view.upstream],
        "recalled": view.recalled or view.upstream_recalled,
        # Whether the last check found the chain intact (None: not checked yet), and when it was made.
        "record_verified": view.verification.intact if view.verification else None,
        "record_verified_at": _checked_at(view.verification),
    }


def _checked_at(verification: LotVerification | None) -> str | None:
    at = verification.verified_at if verification else None
    return None if at is None else to_local(at).isoformat(timespec="seconds")


def _day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def certificate_json(state: CertificateState) -> dict:
    """Return one certificate as it stood on the date it vouches for, with its later revocation or suspension."""
    return {
        "kind": state.kind, "kind_name": state.kind_name, "claim": state.claim, "number": state.number,
        "subject": state.subject_kind, "issuer": _name(state.issuer),
        "valid_from": _day(state.valid_from), "valid_to": _day(state.valid_to), "permanent": state.permanent,
        "state_on_date": state.state, "date_vouched": _day(state.date_vouched), "event": state.event,
        "revoked_from": _day(state.revoked_from), "suspended_from": _day(state.suspended_from), "lots": state.lots,
    }


def certification_json(batch: Batch, certification: BatchCertification, tests: list[TestReport]) -> dict:
    """Return the certificates behind a lot, its claims and its tests as JSON-ready data (nothing private)."""
    return {
        "lot": batch.lot_code,
        "date_vouched": _day(certification.date_vouched),
        "event": certification.event,
        "certificates": [certificate_json(state) for state in certification.certificates],
        "upstream_certificates": [certificate_json(state) for state in certification.upstream],
        "claims": [{"kind": claim.kind, "kind_name": claim.kind_name, "carried": claim.carried, "own": claim.own,
                    "inputs": claim.inputs, "inputs_with": claim.with_claim, "inputs_without": claim.without_claim}
                   for claim in certification.claims],
        "tests": [{"lot": test.lot, "kind": test.kind, "method": test.method or None,
                   "analyte": analyte_names(test.analyte),
                   "value": None if test.value is None else format(test.value.normalize(), "f"),
                   "unit": test.value_unit or None, "passed": test.passed,
                   "tested_at": to_local(test.tested_at).isoformat(timespec="seconds"), "lab": _name(test.lab)}
                  for test in tests],
        "complete": not certification.truncated,
    }


def lot_certification_json(batch: Batch) -> dict:
    """Gather and return the certification JSON of a lot (three queries)."""
    certification = batch_certification(batch)
    return certification_json(batch, certification, test_reports(list(certification.lots)))


def recall_json(view: PublicView) -> dict:
    """Return whether the lot, or a lot it was made from, is recalled."""
    return {
        "lot": view.batch.lot_code,
        "recalled": view.recalled or view.upstream_recalled,
        "batch_recalled": view.recalled,
        "recalled_upstream_lots": [u.lot for u in view.upstream if u.recalled],
        "status": view.batch.status,
    }
