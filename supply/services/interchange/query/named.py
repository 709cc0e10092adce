"""Named EPCIS queries: a party saves query parameters under a name and reads the matching events by that name.

A query belongs to the caller's party (shared by its users); a user of no party (an admin, an inspector) keeps
their own. Its events are always read with the permissions of the user asking (or, for a subscription, of the
user who subscribed).
"""

from __future__ import annotations

from peewee import IntegrityError

from supply.db import db
from supply.i18n import N_
from supply.models import EpcisQuery
from supply.models import User
from supply.services.errors import Conflict
from supply.services.errors import NotFound
from supply.services.interchange.query import events
from supply.services.interchange.query.params import PAGING_PARAMETERS
from supply.services.interchange.query.params import refuse
from supply.services.interchange.query.params import stored_form
from supply.services.webhooks import delivery

TAKEN = N_("A query with this name exists already.")


def _mine(actor: User):
    if actor.party_id is not None:
        return EpcisQuery.party == actor.party_id
    return EpcisQuery.party.is_null() & (EpcisQuery.owner == actor.id)


def list_queries(actor: User) -> list[EpcisQuery]:
    """Return the actor's named queries, by name."""
    return list(EpcisQuery.select().where(_mine(actor)).order_by(EpcisQuery.name))


def get_query(actor: User, name: str) -> EpcisQuery:
    """Return one of the actor's named queries; 404 when there is none of that name."""
    query = EpcisQuery.get_or_none(_mine(actor), EpcisQuery.name == name[:100])
    if query is None:
        raise NotFound(N_("No query with this name."))
    return query


def create_query(actor: User, name: str, raw: dict, base_url: str) -> EpcisQuery:
    """Save query parameters under a name (400 for a bad parameter, 409 for a name taken)."""
    params = stored_form(events.as_lists(raw), base_url)
    if EpcisQuery.select().where(_mine(actor), EpcisQuery.name == name).exists():
        raise Conflict.field("name", TAKEN)
    try:
        with db.atomic():
            return EpcisQuery.create(party=actor.party_id, owner=actor, name=name, params=params)
    except IntegrityError as exc:  # saved by a request that got there in between
        raise Conflict.field("name", TAKEN) from exc


def delete_query(actor: User, name: str) -> None:
    """Delete a named query and its subscriptions (their pending deliveries are no longer sent)."""
    query = get_query(actor, name)
    with db.atomic():
        for subscription in query.subscriptions:
            delivery.deactivate(subscription.endpoint_id)
        query.delete_instance(recursive=True)


def query_events(actor: User, name: str, paging: dict[str, list[str]], base_url: str) -> events.Answer:
    """Answer a page of a named query's events for the actor."""
    query = get_query(actor, name)
    for parameter in paging:
        if parameter not in PAGING_PARAMETERS:
            raise refuse(parameter, N_("A named query's parameters are saved with it: only paging is given here."))
    return events.answer(actor, query.params, paging, base_url, query_name=query.name)
