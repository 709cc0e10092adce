"""Answer EPCIS queries: matching events, a page at a time, as an EPCISQueryDocument; one event by its eventID."""

from __future__ import annotations

from dataclasses import dataclass

from supply.i18n import N_
from supply.models import Event
from supply.models import User
from supply.services.errors import NotFound
from supply.services.interchange import epcis
from supply.services.interchange import exports
from supply.services.interchange.exports import EventSet
from supply.services.interchange.query import selection
from supply.services.interchange.query.params import parse
from supply.services.interchange.query.params import refuse
from supply.services.interchange.query.params import values_of

AD_HOC_QUERY = "SimpleEventQuery"


@dataclass(frozen=True)
class Answer:
    """An EPCISQueryDocument and the token of the next page (None on the last page)."""

    document: dict
    next_token: str | None


def query_document(events: EventSet, base_url: str, query_name: str, subscription_id: str | None = None) -> dict:
    """Wrap events, written as the EPCIS export writes them, in an EPCISQueryDocument."""
    document = epcis.build_document(events, base_url)
    results: dict = {"queryName": query_name}
    if subscription_id:
        results["subscriptionID"] = subscription_id
    results["resultsBody"] = {"eventList": document["epcisBody"]["eventList"]}
    return {"@context": document["@context"], "type": "EPCISQueryDocument", "schemaVersion": "2.0",
            "creationDate": document["creationDate"], "epcisBody": {"queryResults": results}}


def as_lists(raw: dict) -> dict[str, list[str]]:
    """Turn {name: value or [values]} (a JSON body, or request arguments) into {name: [values]}; 400 otherwise."""
    lists: dict[str, list[str]] = {}
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in values):
            raise refuse(str(name), N_("Give a text value or a list of text values."))
        lists[str(name)] = values
    return lists


def answer(actor: User, stored: dict[str, list[str]], paging: dict[str, list[str]], base_url: str,
           query_name: str = AD_HOC_QUERY) -> Answer:
    """Answer one page of a query (its parameters, then perPage and nextPageToken) for the actor."""
    query = parse({**stored, **paging}, base_url, paging=True)
    values = values_of({**stored, **paging}, paging=True)
    size = selection.per_page(values)
    query_digest = selection.digest(values)
    after = selection.read_token(values.get("nextPageToken", [None])[0], query_digest)
    page = selection.load_page(selection.matching(actor, query), after, size, query_digest)
    return Answer(query_document(page.events, base_url, query_name), page.next_token)


def query_events(actor: User, raw: dict[str, list[str]], base_url: str) -> Answer:
    """Answer an ad hoc query (GET .../events with the standard parameters)."""
    paging = {name: raw[name] for name in ("perPage", "nextPageToken") if name in raw}
    stored = {name: values for name, values in raw.items() if name not in paging}
    return answer(actor, stored, paging, base_url)


def event_by_id(actor: User, event_id: str, base_url: str) -> dict:
    """Answer one event the actor may read, by its eventID; 404 for an unknown or another party's event."""
    found = exports.visible_to(actor, Event.select(Event.id).where(Event.event_id == event_id[:200]))
    if not found.exists():
        raise NotFound(N_("No event with this eventID."))
    return query_document(exports.load_events(found), base_url, AD_HOC_QUERY)
