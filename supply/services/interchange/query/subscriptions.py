"""Subscriptions: a named query's new events pushed to a partner's webhook as signed EPCISQueryDocuments.

A subscription starts after the newest event at the moment it is made (it pushes new events, not history). Each
round (`find_new_events`, run in the background, never by the request that wrote an event) reads, for every
subscription, the matching events after its mark, with the permissions of the user who subscribed, enqueues them
as one delivery and moves the mark, in one transaction; the mark moves only from where the round read it, so two
rounds at once never deliver an event twice. The webhooks package signs, sends, retries and logs the deliveries.

Event ids are handed out when a transaction inserts, not when it commits: on PostgreSQL an event with a lower id
may become visible after one with a higher id. A round therefore reads only up to the settled horizon: the newest
id below which no id is missing, unless what follows the missing id was recorded over GAP_GRACE ago (a rolled-back
insert leaves a gap for ever; a transaction still open fills it within seconds).
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets

from peewee import fn

from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import EpcisQuery
from supply.models import EpcisSubscription
from supply.models import Event
from supply.models import User
from supply.models import WebhookDelivery
from supply.models import WebhookEndpoint
from supply.services.errors import NotFound
from supply.services.interchange.query import events
from supply.services.interchange.query import named
from supply.services.interchange.query import selection
from supply.services.interchange.query.params import parse
from supply.services.webhooks import delivery
from supply.services.webhooks.settings import WebhookSettings
from supply.services.webhooks.targets import require_target

logger = logging.getLogger(__name__)

# Events pushed in one delivery at most; more wait for the next round.
EVENTS_PER_DELIVERY = 200
GAP_GRACE = datetime.timedelta(seconds=30)
HORIZON_SCAN = 10_000
TOPIC = "epcis.subscription"


def subscribe(actor: User, query_name: str, dest: str, settings: WebhookSettings) -> tuple[EpcisSubscription, str]:
    """Subscribe a webhook to a named query's new events; return the subscription and its secret (shown once)."""
    query = named.get_query(actor, query_name)
    require_target(dest, settings.allow_private, "dest")
    with db.atomic():
        newest = Event.select(fn.MAX(Event.id)).scalar() or 0
        endpoint = delivery.create_endpoint(query.party, dest)
        subscription = EpcisSubscription.create(public_id=secrets.token_urlsafe(12), query=query, owner=actor,
                                                endpoint=endpoint, last_event_id=newest)
    return subscription, endpoint.secret


def list_subscriptions(actor: User, query_name: str) -> list[EpcisSubscription]:
    """Return a named query's subscriptions, oldest first."""
    query = named.get_query(actor, query_name)
    return list(
        EpcisSubscription.select(EpcisSubscription, WebhookEndpoint)
        .join(WebhookEndpoint)
        .where(EpcisSubscription.query == query.id)
        .order_by(EpcisSubscription.id)
    )


def get_subscription(actor: User, query_name: str, public_id: str) -> EpcisSubscription:
    """Return a subscription of one of the actor's named queries; 404 otherwise."""
    query = named.get_query(actor, query_name)
    found = EpcisSubscription.get_or_none(EpcisSubscription.query == query.id,
                                          EpcisSubscription.public_id == public_id[:40])
    if found is None:
        raise NotFound(N_("No subscription with this id."))
    return found


def unsubscribe(actor: User, query_name: str, public_id: str) -> None:
    """End a subscription: nothing more is enqueued or sent for it."""
    subscription = get_subscription(actor, query_name, public_id)
    with db.atomic():
        delivery.deactivate(subscription.endpoint_id)
        subscription.delete_instance()


def deliveries(actor: User, query_name: str, public_id: str, limit: int = 100) -> list[WebhookDelivery]:
    """Return a subscription's delivery log, newest first."""
    subscription = get_subscription(actor, query_name, public_id)
    return delivery.delivery_log(subscription.endpoint, limit)


def horizon_of(rows: list[tuple[int, datetime.datetime]], after: int, cutoff: datetime.datetime) -> int:
    """Return the settled horizon from (id, record_time) rows after an id, in id order (see the module's rule)."""
    horizon = after
    for event_id, recorded in rows:
        if event_id != horizon + 1 and recorded > cutoff:
            break
        horizon = event_id
    return horizon


def settled_horizon(after: int) -> int:
    """Return the newest event id up to which every event after `after` is committed (or never will be)."""
    rows = (
        Event.select(Event.id, Event.record_time)
        .where(Event.id > after)
        .order_by(Event.id)
        .limit(HORIZON_SCAN)
        .tuples()
    )
    return horizon_of(list(rows), after, utcnow() - GAP_GRACE)


def _enqueue_new(subscription: EpcisSubscription, horizon: int, base_url: str) -> int:
    """Enqueue the subscription's matching events up to the horizon as one delivery, move its mark; return how many."""
    owner: User = subscription.owner
    query = parse(subscription.query.params, base_url)
    ids = selection.matching(owner, query).where(Event.id > subscription.last_event_id, Event.id <= horizon)
    page = selection.load_page(ids, 0, EVENTS_PER_DELIVERY, "")
    found = page.events.events
    mark = found[-1].id if page.next_token else horizon
    moved = (
        EpcisSubscription.update(last_event_id=mark)
        .where(EpcisSubscription.id == subscription.id,
               EpcisSubscription.last_event_id == subscription.last_event_id)
        .execute()
    )
    if moved != 1 or not found:
        return 0  # nothing new (the mark moves on), or another round got here first (nothing is written)
    document = events.query_document(page.events, base_url, subscription.query.name, subscription.public_id)
    delivery.enqueue(subscription.endpoint, json.dumps(document, ensure_ascii=False), TOPIC)
    return len(found)


def find_new_events(base_url: str) -> int:
    """Enqueue every active subscription's new matching events; return how many events were enqueued."""
    active = (
        EpcisSubscription.select(EpcisSubscription, EpcisQuery, User, WebhookEndpoint)
        .join(EpcisQuery)
        .switch(EpcisSubscription)
        .join(User, on=(EpcisSubscription.owner == User.id))
        .switch(EpcisSubscription)
        .join(WebhookEndpoint)
        .where(WebhookEndpoint.active == True, User.active == True)  # noqa: E712 (peewee expressions)
        .order_by(EpcisSubscription.id)
    )
    subscriptions = list(active)
    if not subscriptions:
        return 0
    horizon = settled_horizon(min(s.last_event_id for s in subscriptions))
    enqueued = 0
    for subscription in subscriptions:
        if subscription.last_event_id >= horizon:
            continue
        with db.atomic():
            enqueued += _enqueue_new(subscription, horizon, base_url)
    return enqueued


def run_round(base_url: str, settings: WebhookSettings) -> tuple[int, int]:
    """Enqueue new events, then send what is due; return (events enqueued, deliveries attempted)."""
    return find_new_events(base_url), delivery.send_due(settings)
