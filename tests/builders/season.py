"""A small benchmark season (SQLite) built by the bench package, described by codes for comparisons."""

from __future__ import annotations

import datetime
import random

from bench import database
from bench.lines import Lines
from bench.schedule import SeasonSpec
from bench.season import generate
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import EventBatch
from supply.models import Holding
from supply.models import Party
from supply.models import Planting
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site

SPEC = SeasonSpec(batches=100, seed=17, depth=7, wide_inputs=6, wide_outputs=12, specials=1)
DAY = datetime.date(2026, 7, 15)


def small_plan(world, spec):
    """One group of every line of produce, one deep and one wide chain."""
    lines = Lines(world, random.Random(spec.seed))
    return [lines.vegetable(DAY), lines.strawberry(DAY), lines.mushroom(DAY), lines.yak(DAY),
            lines.deep(DAY, spec.depth), lines.wide(DAY, spec.wide_inputs, spec.wide_outputs)]


def build(path, via_services: bool) -> tuple[dict, dict]:
    """Generate the small season into a fresh SQLite file; return the season and a snapshot of it."""
    database.bind(f"sqlite:///{path}", empty=True)
    season = generate(SPEC, via_services=via_services, echo=lambda *_: None, plan=small_plan)
    return season, snapshot()


def codes() -> tuple[dict, dict, dict]:
    """Return lot, party and site codes by id."""
    lots = dict(Batch.select(Batch.id, Batch.lot_code).tuples())
    return lots, dict(Party.select(Party.id, Party.code).tuples()), dict(Site.select(Site.id, Site.code).tuples())


def normalised(data: dict) -> dict:
    """Leave out what differs by nature: the services' random shipment and planting codes, the clock."""
    data = dict(data)
    if "shipment" in data:
        data["shipment"] = "SH"
    if "sources" in data:
        data["sources"] = [{**source, "planting": source["planting"] and "PL"} for source in data["sources"]]
    return data


def snapshot() -> dict:
    """Describe everything the season wrote by codes, not ids or random codes."""
    lots, parties, sites = codes()
    lines: dict[int, list] = {}
    for line in EventBatch.select().order_by(EventBatch.id):
        lines.setdefault(line.event_id, []).append((lots[line.batch_id], line.role, line.quantity, line.unit))
    return {
        "batches": sorted((b.lot_code, b.product_id, parties[b.origin_party_id], sites[b.origin_site_id], b.quantity,
                           b.unit, b.produced_on, b.field_name, b.ear_tag, b.notes, parties[b.holder_id],
                           sites.get(b.site_id), b.on_hand, b.in_transit, b.status) for b in Batch.select()),
        "holdings": sorted((lots[h.batch_id], parties[h.party_id], sites[h.site_id], h.on_hand)
                           for h in Holding.select()),
        "links": sorted((lots[k.parent_id], lots[k.child_id], k.kind, k.quantity, k.unit, k.retracted)
                        for k in BatchLink.select()),
        "events": [(e.event_type, e.action, e.biz_step, e.disposition, parties[e.party_id], sites.get(e.site_id),
                    e.doc_type, e.doc_number, e.event_tz, normalised(e.data), sorted(lines[e.id]), e.event_time)
                   for e in Event.select().order_by(Event.id)],
        "shipments": sorted((s.doc_number, parties[s.sender_id], sites[s.from_site_id], parties[s.receiver_id],
                             sites.get(s.to_site_id), s.carrier, s.vehicle_plate, s.departed_at, s.set_point, s.status,
                             s.received_at) for s in Shipment.select()),
        "shipment_lines": sorted((lots[line.batch_id], line.quantity, line.unit, line.received, line.loss,
                                  line.loss_reason) for line in ShipmentLine.select()),
        "plantings": sorted((parties[p.party_id], sites[p.site_id], p.planted_on) for p in Planting.select()),
    }


def depth_above(lot: str) -> int:
    """Count the transformations between a lot and its furthest source, walking the links upward."""
    parents: dict[int, list[int]] = {}
    for parent, child in BatchLink.select(BatchLink.parent, BatchLink.child).tuples():
        parents.setdefault(child, []).append(parent)

    def depth(batch_id: int) -> int:
        return 1 + max((depth(p) for p in parents.get(batch_id, [])), default=-1)

    return depth(Batch.get(Batch.lot_code == lot).id)
