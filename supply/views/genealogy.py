"""Lay out a trace as a left-to-right graph for server-side SVG: sources on the left, products on the right."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from supply.services.tracing.trace import Trace
from supply.services.tracing.trace import TraceNode
from supply.views.filters import local_name
from supply.views.filters import quantity
from supply.views.labels import UNIT_LABELS

NODE_WIDTH = 176
NODE_HEIGHT = 62
COLUMN_GAP = 92
ROW_GAP = 20
MARGIN = 12
# What a node's text may take, in widths of a Latin letter (a Chinese character counts two).
TEXT_BUDGET = 26


@dataclass
class Box:
    """A batch drawn as a linked box."""

    node: TraceNode
    x: int
    y: int
    href: str | None
    lines: list[str]
    start: bool = False


@dataclass
class Arrow:
    """A genealogy edge drawn as a curve with its quantity halfway."""

    path: str
    label: str
    label_x: int
    label_y: int
    kind: str


@dataclass
class Graph:
    """Everything the SVG template draws."""

    width: int
    height: int
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


def fit(text: str, budget: int = TEXT_BUDGET) -> str:
    """Cut a text to what fits in a box, counting wide (Chinese) characters twice."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used > budget:
            return text[:i].rstrip() + "…"
    return text


def unit_text(value, unit: str) -> str:
    """Show a quantity with its unit label."""
    return f"{quantity(value)} {UNIT_LABELS.get(unit, unit)}"


def _columns(trace: Trace) -> dict[int, list[TraceNode]]:
    """Group the nodes by depth, ordering each column by where its neighbours nearer the start lot sit."""
    columns: dict[int, list[TraceNode]] = {}
    for node in trace.nodes:
        columns.setdefault(node.depth, []).append(node)
    neighbours: dict[str, set[str]] = {}
    for edge in trace.edges:
        neighbours.setdefault(edge.parent, set()).add(edge.child)
        neighbours.setdefault(edge.child, set()).add(edge.parent)
    rank: dict[str, float] = {}
    for depth in sorted(columns, key=abs):
        def place(node: TraceNode) -> tuple[float, str]:
            near = [rank[lot] for lot in neighbours.get(node.lot, ()) if lot in rank]
            return (sum(near) / len(near) if near else 0.0, node.lot)

        columns[depth].sort(key=place)
        for index, node in enumerate(columns[depth]):
            rank[node.lot] = index - (len(columns[depth]) - 1) / 2
    return columns


def _box_lines(node: TraceNode) -> list[str]:
    holder = local_name(node.holder)
    return [
        fit(node.lot),
        fit(local_name(node.product)),
        fit(f"{unit_text(node.on_hand, node.unit)} · {holder}"),
    ]


def _curve(x1: int, y1: int, x2: int, y2: int) -> tuple[str, int, int]:
    """Return the path from a parent's right side to a child's left side, and where its label goes."""
    if x2 > x1:
        bend = (x2 - x1) // 2
        return f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}", x1 + bend, (y1 + y2) // 2 - 4
    # Same column or backwards (data no service writes): loop out to the right of the child and back.
    end = x2 + NODE_WIDTH
    return f"M{x1},{y1} C{x1 + 60},{y1} {end + 60},{y2} {end},{y2}", max(x1, end) + 30, (y1 + y2) // 2 - 4


def _edge_labels(trace: Trace) -> list[str]:
    """Label each edge with the quantity that went along it.

    A link stores the quantity of the parent used; where one lot was split into several, each branch is
    labelled with what it made instead, so that a 490 kg split into 250 and 240 kg does not read 490 twice.
    """
    parents: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}
    for edge in trace.edges:
        parents.setdefault(edge.event_id, set()).add(edge.parent)
        children.setdefault(edge.event_id, set()).add(edge.child)
    nodes = {node.lot: node for node in trace.nodes}
    labels = []
    for edge in trace.edges:
        if len(parents[edge.event_id]) == 1 and len(children[edge.event_id]) > 1:
            child = nodes[edge.child]
            labels.append(unit_text(child.quantity, child.unit))
        else:
            labels.append(unit_text(edge.quantity, edge.unit) if edge.quantity is not None else "")
    return labels


def layout(trace: Trace, href: Callable[[TraceNode], str | None]) -> Graph:
    """Place every node in the column of its depth and draw each edge from its parent to its child.

    `href` gives the link of a node's box, or None for a lot the reader may not open.
    """
    columns = _columns(trace)
    depths = sorted(columns)
    tallest = max((len(nodes) for nodes in columns.values()), default=1)
    height = 2 * MARGIN + tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP
    width = 2 * MARGIN + len(depths) * NODE_WIDTH + max(len(depths) - 1, 0) * COLUMN_GAP
    graph = Graph(width=width, height=height)
    where: dict[str, Box] = {}
    for column, depth in enumerate(depths):
        nodes = columns[depth]
        top = MARGIN + (height - 2 * MARGIN - len(nodes) * NODE_HEIGHT - (len(nodes) - 1) * ROW_GAP) // 2
        for row, node in enumerate(nodes):
            box = Box(node, MARGIN + column * (NODE_WIDTH + COLUMN_GAP), top + row * (NODE_HEIGHT + ROW_GAP),
                      href(node), _box_lines(node), start=node.lot == trace.lot)
            where[node.lot] = box
            graph.boxes.append(box)
    for edge, label in zip(trace.edges, _edge_labels(trace), strict=True):
        parent, child = where.get(edge.parent), where.get(edge.child)
        if parent is None or child is None:
            continue
        x1, y1 = parent.x + NODE_WIDTH, parent.y + NODE_HEIGHT // 2
        x2, y2 = child.x, child.y + NODE_HEIGHT // 2
        path, label_x, label_y = _curve(x1, y1, x2, y2)
        graph.arrows.append(Arrow(path, label, label_x, label_y, edge.kind))
    return graph
