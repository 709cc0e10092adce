"""Select the events an EPCIS query matches, in SQL, a page at a time, scoped to what the caller may read.

Pages follow the log's insertion order (event id), so paging is stable while events are added: a `nextPageToken`
carries the last id of the page and a digest of the query, and a token of another query is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from peewee import Select

from supply.i18n import N_
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.services.interchange import exports
from supply.services.interchange.exports import EventSet
from supply.services.interchange.query.params import EventQuery
from supply.services.interchange.query.params import LotName
from supply.services.interchange.query.params import refuse

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000


@dataclass(frozen=True)
class Page:
    """One page of matching events, oldest first, and the token of the next page (None on the last)."""

    events: EventSet
    next_token: str | None


def _gtins(gtin: str) -> list[str]:
    """Return the ways a GTIN-14 may be stored (GTIN-8, -12, -13 keep no leading zeros)."""
    return [gtin[-n:] for n in (8, 12, 13, 14) if set(gtin[:-n] or "0") == {"0"}]


def _lots(names: tuple[LotName | None, ...], roles: tuple[str, ...]):
    condition = None
    for name in names:
        if name is None:
            continue
        part = Batch.lot_code == name.lot_code if name.lot_code is not None else None
        if name.gtin is not None:
            by_gtin = Product.gtin.in_(_gtins(name.gtin))
            part = by_gtin if part is None else part & by_gtin
        condition = part if condition is None else condition | part
    if condition is None:
        return Event.id.in_([])
    touching = (
        EventBatch.select(EventBatch.event)
        .join(Batch, on=(EventBatch.batch == Batch.id))
        .join(Product, on=(Batch.product == Product.id))
        .where(EventBatch.role.in_(roles), condition)
    )
    return Event.id.in_(touching)


def matching(actor: User, query: EventQuery) -> Select:
    """Select the ids of the events the actor may read that match the query."""
    selection = exports.visible_to(actor, Event.select(Event.id))
    if query.event_types:
        selection = selection.where(Event.event_type.in_(query.event_types))
    if query.ge_time is not None:
        selection = selection.where(Event.event_time >= query.ge_time)
    if query.lt_time is not None:
        selection = selection.where(Event.event_time < query.lt_time)
    if query.biz_steps:
        selection = selection.where(Event.biz_step.in_(query.biz_steps))
    if query.dispositions:
        selection = selection.where(Event.disposition.in_(query.dispositions))
    if query.locations:
        sites = Site.select(Site.id).where(Site.code.in_([code for code in query.locations if code is not None]))
        # The EPCIS writer gives shipping events no bizLocation (goods leaving are not at a business location).
        selection = selection.where(Event.site.in_(sites), Event.biz_step != "shipping")
    if query.epcs:
        selection = selection.where(_lots(query.epcs, ("object",)))
    if query.epc_classes:
        selection = selection.where(_lots(query.epc_classes, ("object",)))
    if query.any_epcs:
        selection = selection.where(_lots(query.any_epcs, ("object", "input", "output")))
    if query.event_ids:
        selection = selection.where(Event.event_id.in_(query.event_ids))
    return selection


def digest(values: dict[str, list[str]]) -> str:
    """Return a short digest of a query's parameters (without paging), which a page token must carry."""
    plain = {name: values[name] for name in sorted(values) if name not in ("perPage", "nextPageToken")}
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:16]


def page_token(after: int, query_digest: str) -> str:
    """Write the token of the page after the event with this id."""
    return base64.urlsafe_b64encode(json.dumps({"after": after, "q": query_digest}).encode()).decode().rstrip("=")


def read_token(token: str | None, query_digest: str) -> int:
    """Return the event id a page token continues after (0 without a token); 400 for a token not of this query."""
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after = data["after"] if data["q"] == query_digest else None
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise refuse("nextPageToken", N_("Not a page token of this query.")) from exc
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**63:
        raise refuse("nextPageToken", N_("Not a page token of this query."))
    return after


def per_page(values: dict[str, list[str]]) -> int:
    """Return the page size asked for (1 to 1000, 100 by default); 400 for anything else."""
    text = values.get("perPage", [str(DEFAULT_PER_PAGE)])[0]
    if not text.isdigit() or not 1 <= int(text) <= MAX_PER_PAGE:
        raise refuse("perPage", N_("Give a whole number from 1 to 1000."))
    return int(text)


def load_page(ids: Select, after: int, size: int, query_digest: str) -> Page:
    """Load the events of a selection after an id, at most `size`, with the token of the next page."""
    found = [row.id for row in ids.where(Event.id > after).order_by(Event.id).limit(size + 1)]
    page_ids, more = found[:size], len(found) > size
    events = exports.load_events(Event.select(Event.id).where(Event.id.in_(page_ids)))
    events.events.sort(key=lambda event: event.id)
    return Page(events, page_token(page_ids[-1], query_digest) if more else None)
