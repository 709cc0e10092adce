"""What the batch page shows of the chain: the timeline, the genealogy graph and the mass balance."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from flask import g
from flask import request
from flask import url_for

from supply.models import Batch
from supply.services.tracing import balance
from supply.services.tracing import history
from supply.services.tracing import trace
from supply.services.tracing.history import EventLine
from supply.services.tracing.history import HistoryEvent
from supply.services.tracing.trace import TraceNode
from supply.views.genealogy import layout

PAGE_DEPTHS = (1, 2, 3, 5, 10)
PAGE_DEFAULT_DEPTH = 3
# A graph larger than this is not readable on a page; the API serves up to trace.MAX_NODES.
PAGE_MAX_NODES = 150


@dataclass
class Entry:
    """One event of a batch's timeline, seen from that batch."""

    event: HistoryEvent
    line: EventLine | None
    kind: str | None
    inputs: list[EventLine]
    outputs: list[EventLine]
    losses: list[dict]
    declared_event: HistoryEvent | None = None
    declarations: list[HistoryEvent] = field(default_factory=list)

    @property
    def role(self) -> str | None:
        """Return the batch's role in the event: object, input or output."""
        return self.line.role if self.line else None

    @property
    def carcass_tag(self) -> str | None:
        """Return the ear tag of the carcass a cut was made from."""
        return next((line.ear_tag for line in self.inputs if line.ear_tag), None)


def timeline(batch: Batch, events: list[HistoryEvent]) -> list[Entry]:
    """Turn a batch's events into timeline entries, linking declarations and declared events."""
    by_id = {event.event_id: event for event in events}
    entries = []
    for event in events:
        losses = [loss for loss in event.data.get("losses") or [] if loss.get("lot") == batch.lot_code]
        entries.append(Entry(
            event=event, line=event.line_for(batch.lot_code), kind=event.data.get("kind"),
            inputs=event.lines_of("input"), outputs=event.lines_of("output"), losses=losses,
            declared_event=by_id.get(event.declares) if event.declares else None,
            declarations=[by_id[d] for d in event.declared_by if d in by_id],
        ))
    return entries


def trace_options(args) -> tuple[str, int]:
    """Read the graph's direction and depth from the query string, falling back to the defaults."""
    direction = args.get("direction")
    depth = args.get("depth", type=int)
    return (direction if direction in trace.DIRECTIONS else "both",
            depth if depth in PAGE_DEPTHS else PAGE_DEFAULT_DEPTH)


def chain_context(batch: Batch) -> dict:
    """Gather the timeline, the graph and the balance of a batch the user may see."""
    direction, depth = trace_options(request.args)
    # The page's timeline is the batch's own history, so the graph's events are not fetched.
    graph = trace.trace_from(batch, direction, depth, PAGE_MAX_NODES, with_events=False)
    events = history.events_touching([batch.id])

    visible = trace.lots_visible_to(g.user, [node.lot for node in graph.nodes])

    def href(node: TraceNode) -> str | None:
        if node.lot not in visible:
            return None
        return url_for("batches.detail", lot_code=node.lot, direction=direction, depth=depth) + "#genealogy"

    return {
        "timeline": timeline(batch, events),
        "party_names": history.party_names(events),
        "trace": graph,
        "graph": layout(graph, href),
        "direction": direction,
        "depth": depth,
        "depth_choices": PAGE_DEPTHS,
        "balance": balance.balance_of(batch),
    }
