"""Read the EPCIS 2.0 query parameters we answer into an `EventQuery`; a bad one is a QueryParameterException.

Every parameter takes one or more values, repeated (`EQ_bizStep=a&EQ_bizStep=b`) or separated by `|`, and an event
matches when it matches any value of each parameter given. Times need an offset (`2026-05-01T00:00:00+08:00`).
Vocabulary values may be CBV short names (`shipping`) or URIs (`https://ref.gs1.org/cbv/BizStep-shipping`,
`urn:epcglobal:cbv:bizstep:shipping`); lots may be named by GS1 Digital Link URIs, LGTIN URNs, our lot URIs, and a
whole product by `urn:epc:idpat:sgtin:<prefix>.<item>.*` or a Digital Link URI without a lot. Our events name lots
at class level only, so `MATCH_epc` and `MATCH_epcClass` match the lots an event is about (its quantityList), and
`MATCH_anyEPC` also a transformation's inputs and outputs.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import unquote
from urllib.parse import urlsplit

from supply.clock import to_utc_naive
from supply.i18n import N_
from supply.services.errors import ServiceError
from supply.services.interchange.epcis_extensions import NS

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
LIST_PARAMETERS = ("eventType", "EQ_bizStep", "EQ_disposition", "EQ_bizLocation", "MATCH_epc", "MATCH_anyEPC",
                   "MATCH_epcClass", "EQ_eventID")
TIME_PARAMETERS = ("GE_eventTime", "LT_eventTime")
QUERY_PARAMETERS = (*LIST_PARAMETERS, *TIME_PARAMETERS)
PAGING_PARAMETERS = ("perPage", "nextPageToken")
MAX_VALUES = 100
MAX_VALUE_LENGTH = 2000
# Control characters and lone surrogates name nothing, and PostgreSQL refuses even to compare some of them.
UNREADABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
VOCABULARY_PREFIXES = {
    "EQ_bizStep": ("https://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:", f"{NS}BizStep-"),
    "EQ_disposition": ("https://ref.gs1.org/cbv/Disp-", "urn:epcglobal:cbv:disp:", f"{NS}Disp-"),
}
DIGITAL_LINK = re.compile(r"/01/(\d{8,14})(?:/10/([^/?#]+))?/?$")
LGTIN = re.compile(r"^urn:epc:class:lgtin:(\d{6,12})\.(\d{1,7})\.(.+)$")
SGTIN_PATTERN = re.compile(r"^urn:epc:idpat:sgtin:(\d{6,12})\.(\d{1,7})\.\*$")


class QueryParameterError(ServiceError):
    """EPCIS QueryParameterException: a parameter we do not know, or a value we cannot read (400)."""

    status = 400
    exception_type = "epcisException:QueryParameterException"


@dataclass(frozen=True)
class LotName:
    """A lot (or every lot of a GTIN when `lot_code` is None) named in a MATCH_ parameter."""

    lot_code: str | None
    gtin: str | None


@dataclass(frozen=True)
class EventQuery:
    """What a query asks for; empty tuples mean no condition. A name we do not know makes its condition match none."""

    event_types: tuple[str, ...] = ()
    ge_time: datetime.datetime | None = None
    lt_time: datetime.datetime | None = None
    biz_steps: tuple[str, ...] = ()
    dispositions: tuple[str, ...] = ()
    locations: tuple[str | None, ...] = ()
    epcs: tuple[LotName | None, ...] = ()
    any_epcs: tuple[LotName | None, ...] = ()
    epc_classes: tuple[LotName | None, ...] = ()
    event_ids: tuple[str, ...] = ()


def refuse(name: str, message: str) -> QueryParameterError:
    """Build the 400 naming the parameter and the reason."""
    return QueryParameterError.field(name, message)


def values_of(raw: dict[str, list[str]], *, paging: bool) -> dict[str, list[str]]:
    """Split `|`-separated values and check the parameter names; return {name: [values]} without empty values."""
    allowed = QUERY_PARAMETERS + (PAGING_PARAMETERS if paging else ())
    found: dict[str, list[str]] = {}
    for name, given in raw.items():
        if name not in allowed:
            raise refuse(name, N_("This query parameter is not supported."))
        values = [part.strip() for value in given for part in str(value).split("|") if part.strip()]
        if not values:
            raise refuse(name, N_("Give a value."))
        if len(values) > MAX_VALUES or any(len(value) > MAX_VALUE_LENGTH for value in values):
            raise refuse(name, N_("At most 100 values of at most 2000 characters."))
        if any(UNREADABLE.search(value) for value in values):
            raise refuse(name, N_("A value may not hold control characters."))
        if name in TIME_PARAMETERS + PAGING_PARAMETERS and len(values) > 1:
            raise refuse(name, N_("Give one value."))
        found[name] = values
    return found


def _time(name: str, text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise refuse(name, N_("Not a date and time (ISO 8601, such as 2026-05-01T08:00:00+08:00).")) from exc
    if value.tzinfo is None:
        raise refuse(name, N_("Give the time with its offset from UTC (such as +08:00 or Z)."))
    return to_utc_naive(value)


def _vocabulary(name: str, value: str) -> str:
    for prefix in VOCABULARY_PREFIXES[name]:
        if value.startswith(prefix):
            return unquote(value[len(prefix):])
    return value


def _location(base_url: str, value: str) -> str | None:
    prefix = f"{base_url}/site/"
    return unquote(value[len(prefix):]) if value.startswith(prefix) else None


def gtin14(company_prefix: str, item_reference: str) -> str | None:
    """Return the GTIN-14 of an SGTIN/LGTIN's company prefix and item reference (indicator digit first)."""
    if len(company_prefix) + len(item_reference) != 13:
        return None
    body = item_reference[0] + company_prefix + item_reference[1:]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def lot_name(name: str, base_url: str, value: str) -> LotName | None:
    """Read a lot (or product) identifier; None when it names nothing of ours; 400 when it is no URI at all."""
    if value.startswith(f"{base_url}/lot/"):
        return LotName(unquote(value[len(f"{base_url}/lot/"):]), None)
    if match := LGTIN.match(value):
        gtin = gtin14(match[1], match[2])
        return LotName(unquote(match[3]), gtin) if gtin else None
    if match := SGTIN_PATTERN.match(value):
        gtin = gtin14(match[1], match[2])
        return LotName(None, gtin) if gtin else None
    if value.startswith(("http://", "https://")):
        match = DIGITAL_LINK.search(urlsplit(value).path)
        return LotName(unquote(match[2]) if match[2] else None, match[1].zfill(14)) if match else None
    if value.startswith("urn:"):
        return None
    raise refuse(name, N_("Not an EPC URI (a GS1 Digital Link URI or an EPC URN)."))


def parse(raw: dict[str, list[str]], base_url: str, *, paging: bool = False) -> EventQuery:
    """Read the query parameters (raw: {name: [values]}) into an EventQuery; 400 naming a bad parameter."""
    values = values_of(raw, paging=paging)
    for event_type in values.get("eventType", ()):
        if event_type not in EVENT_TYPES:
            raise refuse("eventType", N_("Not an EPCIS event type."))
    times = {name: _time(name, values[name][0]) for name in TIME_PARAMETERS if name in values}
    lots = {name: tuple(lot_name(name, base_url, v) for v in values.get(name, ()))
            for name in ("MATCH_epc", "MATCH_anyEPC", "MATCH_epcClass")}
    return EventQuery(
        event_types=tuple(values.get("eventType", ())),
        ge_time=times.get("GE_eventTime"),
        lt_time=times.get("LT_eventTime"),
        biz_steps=tuple(_vocabulary("EQ_bizStep", v) for v in values.get("EQ_bizStep", ())),
        dispositions=tuple(_vocabulary("EQ_disposition", v) for v in values.get("EQ_disposition", ())),
        locations=tuple(_location(base_url, v) for v in values.get("EQ_bizLocation", ())),
        epcs=lots["MATCH_epc"],
        any_epcs=lots["MATCH_anyEPC"],
        epc_classes=lots["MATCH_epcClass"],
        event_ids=tuple(values.get("EQ_eventID", ())),
    )


def stored_form(raw: dict[str, list[str]], base_url: str) -> dict[str, list[str]]:
    """Check a named query's parameters (no paging) and return them as kept: {name: [values]}."""
    parse(raw, base_url)
    return values_of(raw, paging=False)
