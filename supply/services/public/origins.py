"""Where a processed lot came from: the first-mile origins of its genealogy and the upstream steps that made it.

A buyer cares about the first mile: a yak pack comes from the Datong pasture where the ear-tagged animal was
registered, not from the cutting plant; a cooperative's merged lot from its member farms. The origins of a lot made
from other lots are the sites where the first registered lots up its genealogy were registered, largest quantity
first: walking up through transformations only, a lot no transformation made (a harvest, a yak at birth) is where
things started, even when it names a planting or a source lot (berries start on the farm, not at their seedlings'
nursery). The upstream steps are those lots' own steps (registration, storage, shipments and
receipts with their temperatures, slaughter, cutting, packing, planting), each naming its lot. Two queries beside
the trace, however many lots: the lots' pages and origin sites, then their events (with their lines).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from supply.models import Batch
from supply.models import Party
from supply.models import Site
from supply.models.batch import BatchStatus
from supply.services.tracing.history import Named
from supply.services.tracing.trace import Trace

# First-mile origins named on the page; the rest are counted ("and 12 more farms").
ORIGINS_SHOWN = 5
# Links by which a registered lot names what it came from; they do not make it a made lot.
REGISTRATION_LINKS = ("source", "planting")


@dataclass
class UpstreamLot:
    """A lot this batch was made from: its public page, product, producer and production day."""

    id: int
    lot: str
    token: str
    product: Named
    origin: Named
    produced_on: datetime.date
    recalled: bool
    first_mile: bool  # made from nothing: registered where it started
    category: str = ""  # of its product: the words of its steps follow it


@dataclass
class Origin:
    """A first-mile origin: a site where lots at the top of the genealogy were registered, and how much."""

    party: Named
    site: Named
    county: str
    latitude: Decimal | None
    longitude: Decimal | None
    quantity: Decimal
    unit: str
    lots: list[str] = field(default_factory=list)


def _origin_rows(lots: list[str]):
    """Read the upstream lots' tokens, quantities and origin sites and parties, in one query."""
    return (
        Batch.select(Batch.id, Batch.lot_code, Batch.public_token, Batch.quantity, Batch.unit,
                     Site.code, Site.name, Site.name_en, Site.name_zh_hant, Site.county, Site.latitude,
                     Site.longitude, Party.code, Party.name, Party.name_en, Party.name_zh_hant, Party.county)
        .join(Site, on=(Batch.origin_site == Site.id))
        .switch(Batch)
        .join(Party, on=(Batch.origin_party == Party.id))
        .where(Batch.lot_code.in_(lots))
    )


def upstream_of(graph: Trace) -> tuple[list[UpstreamLot], list[Origin]]:
    """Return the lots upstream of a trace's start (nearest first) and its first-mile origins, largest first."""
    nodes = [node for node in graph.nodes if node.depth < 0]
    if not nodes:
        return [], []
    rows = {batch.lot_code: batch for batch in _origin_rows([node.lot for node in nodes])}
    first = _first_mile(graph)
    upstream, origins = [], {}
    for node in sorted(nodes, key=lambda n: (-n.depth, n.lot)):
        batch = rows[node.lot]
        upstream.append(UpstreamLot(batch.id, node.lot, batch.public_token, node.product, node.origin_party,
                                    node.produced_on, node.status == BatchStatus.RECALLED, node.lot in first,
                                    node.category))
        if node.lot in first:
            site, party = batch.origin_site, batch.origin_party
            origin = origins.get((party.code, site.code, batch.unit))
            if origin is None:
                origin = origins[(party.code, site.code, batch.unit)] = Origin(
                    Named(party.code, party.name, party.name_en, name_zh_hant=party.name_zh_hant),
                    Named(site.code, site.name, site.name_en, name_zh_hant=site.name_zh_hant),
                    site.county or party.county, site.latitude, site.longitude, Decimal(0), batch.unit)
            origin.quantity += batch.quantity
            origin.lots.append(node.lot)
    return upstream, sorted(origins.values(), key=lambda o: (-o.quantity, o.party.code, o.site.code))


def _first_mile(graph: Trace) -> set[str]:
    """Return the first registered lots met walking up from the start through transformations only."""
    made_from: dict[str, list[str]] = {}
    for edge in graph.edges:
        if edge.kind not in REGISTRATION_LINKS:
            made_from.setdefault(edge.child, []).append(edge.parent)
    first: set[str] = set()
    todo, seen = list(made_from.get(graph.lot, ())), {graph.lot}
    while todo:
        lot = todo.pop()
        if lot in seen:
            continue
        seen.add(lot)
        if lot in made_from:
            todo.extend(made_from[lot])
        else:
            first.add(lot)
    return first
