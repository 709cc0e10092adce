"""Trace a lot's genealogy up to its sources and down to what was made of it, with recursive SQL.

The queries are compiled once per backend and run with bound values, rows read by name (supply.db.sqlcache):
a trace costs about what its five or six queries cost in the database, not what building them costs in peewee.
The walk's recursive query returns the nodes themselves (its final SELECT joins each batch reached to its
product, parties and site), so no list of ids goes back to the database for them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from peewee import JOIN
from peewee import SQL
from peewee import Select
from peewee import fn

from supply import permissions
from supply.db import is_sqlite
from supply.db.sqlcache import bind_ids
from supply.db.sqlcache import fetch
from supply.db.sqlcache import ids_in
from supply.db.sqlcache import slot
from supply.i18n import N_
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.services.custody.batches import handled_by
from supply.services.errors import NotFound
from supply.services.tracing.history import HistoryEvent
from supply.services.tracing.history import Named
from supply.services.tracing.history import events_touching
from supply.services.tracing.history import read_quantity

DIRECTIONS = ("upstream", "downstream", "both")
DEFAULT_DEPTH = 10
MAX_DEPTH = 50
DEFAULT_MAX_NODES = 500
MAX_NODES = 5000


@dataclass
class TraceNode:
    """A batch of the graph; `depth` is negative upstream of the start lot and positive downstream."""

    lot: str
    depth: int
    product: Named
    category: str
    origin_party: Named
    holder: Named
    site: Named | None
    quantity: Decimal
    on_hand: Decimal
    in_transit: Decimal
    unit: str
    status: str
    ear_tag: str | None
    produced_on: datetime.date


@dataclass
class TraceEdge:
    """A genealogy edge: `quantity` of the parent lot went into the child lot by the event."""

    parent: str
    child: str
    quantity: Decimal | None
    unit: str
    kind: str
    event_id: str


@dataclass
class Trace:
    """The genealogy graph around a lot and the events touching it; `truncated` when a cap cut it."""

    lot: str
    direction: str
    depth: int
    max_nodes: int
    truncated: bool
    nodes: list[TraceNode] = field(default_factory=list)
    edges: list[TraceEdge] = field(default_factory=list)
    events: list[HistoryEvent] = field(default_factory=list)


def _reached(upstream: bool):
    """The recursive CTE of the batches reached over live links from the start, with their distance."""
    near, far = (BatchLink.child, BatchLink.parent) if upstream else (BatchLink.parent, BatchLink.child)
    base = Batch.select(Batch.id.alias("batch_id"), SQL("0").alias("distance")).where(Batch.id == slot("start"))
    reached = base.cte("reached", recursive=True, columns=("batch_id", "distance"))
    step = (
        BatchLink.select(far, reached.c.distance + SQL("1"))
        .join(reached, on=(near == reached.c.batch_id))
        .where(BatchLink.retracted == slot("retracted"), reached.c.distance <= slot("depth"))
    )
    return reached.union(step)


def _walk_query(upstream: bool):
    """Select the batches reached, each once at its nearest distance, nearest first, one past the node cap."""
    reached = _reached(upstream)
    nearest = fn.MIN(reached.c.distance)
    return (
        reached.select_from(reached.c.batch_id, nearest.alias("distance"))
        .group_by(reached.c.batch_id)
        .order_by(nearest, reached.c.batch_id)
        .limit(slot("limit"))
    )


def walk(start_id: int, upstream: bool, depth: int, max_nodes: int) -> list[tuple[int, int]]:
    """Walk the live links from a batch with one recursive query; return rows (batch_id, distance), nearest first.

    The walk goes one level past `depth` and returns one row past `max_nodes`, so the caller can tell whether
    a cap cut the graph. UNION (not UNION ALL) drops repeated (batch, distance) pairs at each step, so diamonds
    of merges and splits cost rows per batch and level rather than per path, and the depth bound ends cycles.
    """
    name = "trace.walk_up" if upstream else "trace.walk_down"
    return fetch(name, lambda: _walk_query(upstream), start=start_id, retracted=False, depth=depth,
                 limit=max_nodes + 1)


_NODE_COLUMNS = (Batch.lot_code, Batch.quantity, Batch.on_hand, Batch.in_transit, Batch.unit, Batch.status,
                 Batch.ear_tag, Batch.produced_on)


def _walk_nodes_query(upstream: bool):
    """Select the batches `walk` reaches, nearest first and capped the same way, with what a node shows.

    The final SELECT of the recursive query joins each reached batch to its product, parties and site, so a
    trace reads its graph's nodes with the walk instead of sending their ids back in a second query.
    """
    reached = _reached(upstream)
    nearest = fn.MIN(reached.c.distance)
    found = (
        Select((reached,), (reached.c.batch_id, nearest.alias("distance")))
        .group_by(reached.c.batch_id)
        .order_by(nearest, reached.c.batch_id)
        .limit(slot("limit"))
        .alias("found")
    )
    origin = Party.alias("origin")
    holder = Party.alias("holder")
    return (
        Batch.select(
            found.c.batch_id, found.c.distance, *_NODE_COLUMNS,
            Product.code.alias("product_code"), Product.name.alias("product_name"),
            Product.name_en.alias("product_name_en"), Product.name_zh_hant.alias("product_name_zh_hant"),
            Product.category,
            origin.code.alias("origin_code"), origin.name.alias("origin_name"), origin.name_en.alias("origin_name_en"),
            origin.name_zh_hant.alias("origin_name_zh_hant"),
            holder.code.alias("holder_code"), holder.name.alias("holder_name"), holder.name_en.alias("holder_name_en"),
            holder.name_zh_hant.alias("holder_name_zh_hant"),
            Site.code.alias("site_code"), Site.name.alias("site_name"), Site.name_en.alias("site_name_en"),
            Site.name_zh_hant.alias("site_name_zh_hant"),
        )
        .from_(found)
        .join(Batch, on=(Batch.id == found.c.batch_id))
        .join(Product, on=(Batch.product == Product.id))
        .switch(Batch)
        .join(origin, on=(Batch.origin_party == origin.id))
        .switch(Batch)
        .join(holder, on=(Batch.holder == holder.id))
        .switch(Batch)
        .join(Site, JOIN.LEFT_OUTER, on=(Batch.site == Site.id))
        .order_by(found.c.distance, found.c.batch_id)
        .with_cte(reached)
    )


def _walk_nodes(start_id: int, upstream: bool, depth: int, max_nodes: int) -> list[tuple]:
    """Walk like `walk` and return each batch reached as a row (batch_id, distance, node columns), nearest first."""
    name = "trace.walk_nodes_up" if upstream else "trace.walk_nodes_down"
    # psycopg returns dates; SQLite returns text for the field to parse.
    readers = {"produced_on": Batch.produced_on} if is_sqlite() else None
    return fetch(name, lambda: _walk_nodes_query(upstream), readers, start=start_id, retracted=False, depth=depth,
                 limit=max_nodes + 1)


def _reach(start_id: int, direction: str, depth: int, max_nodes: int) -> tuple[dict[int, int], dict[int, tuple],
                                                                                bool]:
    """Return the batches to show, by id with their signed depth, their node rows, and whether a cap cut the graph."""
    rows: dict[int, tuple] = {}
    found: list[tuple[int, int]] = []
    for upstream, sign in ((True, -1), (False, 1)):
        if direction in ("upstream" if upstream else "downstream", "both"):
            for row in _walk_nodes(start_id, upstream, depth, max_nodes):
                rows[row.batch_id] = row
                if row.distance:
                    found.append((row.batch_id, sign * row.distance))
    found.sort(key=lambda item: (abs(item[1]), item[1], item[0]))
    depths = {start_id: 0}
    truncated = False
    for batch_id, signed in found:
        if batch_id in depths:
            continue
        if abs(signed) > depth or len(depths) >= max_nodes:
            truncated = True
            continue
        depths[batch_id] = signed
    return depths, rows, truncated


def _node_order(node: TraceNode) -> tuple[int, str]:
    """Order the nodes by signed depth (sources first), then lot code."""
    return node.depth, node.lot


def _nodes(depths: dict[int, int], rows: dict[int, tuple]) -> tuple[list[TraceNode], dict[int, str]]:
    """Build the nodes of the graph from the walk's rows; return them, ordered by depth and lot, and their lots."""
    nodes = []
    lots = {}
    for batch_id, signed in depths.items():
        row = rows[batch_id]
        lots[batch_id] = row.lot_code
        nodes.append(TraceNode(
            row.lot_code, signed,
            Named(row.product_code, row.product_name, row.product_name_en, name_zh_hant=row.product_name_zh_hant),
            row.category,
            Named(row.origin_code, row.origin_name, row.origin_name_en, name_zh_hant=row.origin_name_zh_hant),
            Named(row.holder_code, row.holder_name, row.holder_name_en, name_zh_hant=row.holder_name_zh_hant),
            Named(row.site_code, row.site_name, row.site_name_en, name_zh_hant=row.site_name_zh_hant)
            if row.site_code else None,
            read_quantity(row.quantity), read_quantity(row.on_hand), read_quantity(row.in_transit), row.unit,
            row.status, row.ear_tag, row.produced_on,
        ))
    nodes.sort(key=_node_order)
    return nodes, lots


def _edges_query():
    return (
        BatchLink.select(BatchLink.parent, BatchLink.child, BatchLink.quantity, BatchLink.unit, BatchLink.kind,
                         Event.event_id)
        .join(Event, on=(BatchLink.event == Event.id))
        # "+ 0" keeps SQLite from probing the (parent, child) index once per pair of ids: parents by index,
        # children filtered as they come (PostgreSQL plans either form the same way).
        .where(ids_in(BatchLink.parent, "ids"), ids_in(BatchLink.child + SQL("0"), "ids"),
               BatchLink.retracted == slot("retracted"))
        .order_by(BatchLink.id)
    )


def _edges(lots: dict[int, str]) -> list[TraceEdge]:
    """Fetch the live links between the batches of the graph in one query (`lots`: their lot codes by id)."""
    rows = fetch("trace.edges", _edges_query, ids=bind_ids(lots), retracted=False)
    return [TraceEdge(lots[row.parent_id], lots[row.child_id], read_quantity(row.quantity), row.unit, row.kind,
                      row.event_id)
            for row in rows]


def _start_query():
    return Batch.select(Batch.id, Batch.lot_code, Batch.origin_party, Batch.holder).where(
        Batch.lot_code == slot("lot"))


def start_of(actor: User, lot_code: str) -> tuple[int, str]:
    """Return the id and lot code of a batch the actor may see (the check of get_batch, without its joins)."""
    rows = fetch("trace.start", _start_query, lot=lot_code)
    if not rows:
        raise NotFound(N_("No batch with this lot code."))
    start = rows[0]
    permissions.require_sees_batch(
        actor, start.origin_party_id, start.holder_id,
        handled=lambda: Batch.select().where(Batch.id == start.id, Batch.id.in_(handled_by(actor.party_id))).exists(),
    )
    return start.id, start.lot_code


def lots_visible_to(actor: User, lots: list[str]) -> set[str]:
    """Return which of the lots the actor may open (a trace shows lots of other parties too), in one query."""
    if permissions.reads_everything(actor):
        return set(lots)
    if actor.party_id is None or not lots:
        return set()
    party = actor.party_id
    query = Batch.select(Batch.lot_code).where(
        Batch.lot_code.in_(lots),
        (Batch.origin_party == party) | (Batch.holder == party) | Batch.id.in_(handled_by(party)),
    )
    return {lot for (lot,) in query.tuples()}


def clamp(value: int | None, default: int, highest: int) -> int:
    """Keep a cap between 1 and its highest value."""
    return default if value is None else max(1, min(int(value), highest))


def trace(actor: User, lot_code: str, direction: str = "both", depth: int = DEFAULT_DEPTH,
          max_nodes: int = DEFAULT_MAX_NODES, with_events: bool = True) -> Trace:
    """Trace a lot the actor may see: the genealogy graph in one or both directions and the events touching it.

    Seven queries at most (the start lot, a walk per direction with its nodes, edges, events, their lines),
    however large the graph; without `with_events` the events are left out and their queries are not run.
    """
    return _trace(*start_of(actor, lot_code), direction, depth, max_nodes, with_events)


def trace_from(start: Batch, direction: str = "both", depth: int = DEFAULT_DEPTH,
               max_nodes: int = DEFAULT_MAX_NODES, with_events: bool = True) -> Trace:
    """Trace from a batch already shown to be visible (six queries at most, however large the graph)."""
    return _trace(start.id, start.lot_code, direction, depth, max_nodes, with_events)


def _trace(start_id: int, lot_code: str, direction: str, depth: int, max_nodes: int, with_events: bool) -> Trace:
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    depth = clamp(depth, DEFAULT_DEPTH, MAX_DEPTH)
    max_nodes = clamp(max_nodes, DEFAULT_MAX_NODES, MAX_NODES)
    depths, rows, truncated = _reach(start_id, direction, depth, max_nodes)
    nodes, lots = _nodes(depths, rows)
    return Trace(
        lot=lot_code, direction=direction, depth=depth, max_nodes=max_nodes, truncated=truncated,
        nodes=nodes, edges=_edges(lots), events=events_touching(list(depths)) if with_events else [],
    )
