"""The fast read paths of traces and histories give what the models give, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models.fields import QuantityField
from supply.services.custody.declarations import declare_error
from supply.services.tracing.history import batch_history
from supply.services.tracing.history import events_touching
from supply.services.tracing.history import read_quantity
from supply.services.tracing.trace import trace
from supply.services.tracing.trace import trace_from
from supply.services.tracing.trace import walk
from tests.builders.chains import EAR_TAG
from tests.builders.chains import vegetable_chain
from tests.builders.chains import yak_chain
from tests.builders.factories import make_user

pytestmark = pytest.mark.usefixtures("database_url")


def expected_lines(event: Event) -> list[tuple]:
    """Return an event's lines read through the models, ordered by role and lot code."""
    rows = (EventBatch.select(EventBatch, Batch).join(Batch).where(EventBatch.event == event.id))
    return sorted((row.role, row.batch.lot_code, row.quantity, row.unit, row.batch.ear_tag) for row in rows)


def test_read_quantity_gives_what_the_field_gives():
    field = QuantityField()
    for stored in (0, 1, -1, 999, 1000, 1500, -2500, 490_000, 123_456_789_012, -(10**15), None):
        fast, slow = read_quantity(stored), field.python_value(stored)
        assert repr(fast) == repr(slow)
    assert str(read_quantity(0)) == "0.000" and str(read_quantity(250_000)) == "250.000"


def test_events_touching_gives_what_the_models_give():
    chain = vegetable_chain()
    pack = next(event for event in Event.select() if event.data.get("kind") == "grade_pack")
    declare_error(chain["operator"], pack.event_id, "incorrect_data", "箱数写错")
    batch_ids = [batch.id for batch in Batch.select(Batch.id).where(Batch.lot_code.startswith("VEG-"))]
    events = events_touching(batch_ids)
    stored = {event.event_id: event for event in Event.select()}
    assert [e.event_id for e in events] == [e.event_id for e in sorted(stored.values(),
                                                                        key=lambda e: (e.event_time, e.id))]
    for event in events:
        model = stored[event.event_id]
        assert (event.id, event.time, event.biz_step, event.event_type, event.data) == (
            model.id, model.event_time, model.biz_step, model.event_type, model.data or {})
        assert isinstance(event.time, datetime.datetime)
        assert (event.party.code, event.party.name) == (model.party.code, model.party.name)
        assert (event.site.code if event.site else None) == (model.site.code if model.site_id else None)
        lines = [(line.role, line.lot, str(line.quantity), line.unit, line.ear_tag) for line in event.lines]
        expected = [(role, lot, str(quantity), unit, tag) for role, lot, quantity, unit, tag in expected_lines(model)]
        assert lines == expected
    declared = [e for e in events if e.declared]
    (declaration,) = [e for e in events if e.declares]
    assert [e.event_id for e in declared] == [declaration.declares] == [pack.event_id]
    assert declared[0].declared_by == [declaration.event_id]


def test_a_history_without_events_is_empty():
    assert events_touching([]) == []
    assert events_touching([10**9]) == []


def test_history_lines_keep_the_ear_tag_and_the_unit():
    chain = yak_chain()
    _, events = batch_history(chain["abattoir_user"], "YAK-C")
    slaughter = next(e for e in events if e.data.get("kind") == "slaughter")
    assert [(line.role, line.lot, line.unit, line.ear_tag) for line in slaughter.lines] == [
        ("input", "YAK-1", "head", EAR_TAG), ("output", "YAK-C", "kg", EAR_TAG)]
    assert slaughter.line_for("YAK-1").quantity == Decimal("1.000")


def test_trace_nodes_give_what_the_models_give():
    chain = vegetable_chain()
    result = trace(chain["coop"], "VEG-M")
    assert [(node.depth, node.lot) for node in result.nodes] == sorted((node.depth, node.lot) for node in result.nodes)
    for node in result.nodes:
        batch = Batch.get(Batch.lot_code == node.lot)
        assert (node.quantity, node.on_hand, node.in_transit) == (batch.quantity, batch.on_hand, batch.in_transit)
        assert str(node.quantity) == str(batch.quantity)
        assert (node.unit, node.status, node.ear_tag, node.produced_on) == (
            batch.unit, batch.status, batch.ear_tag, batch.produced_on)
        assert isinstance(node.produced_on, datetime.date)
        assert (node.product.code, node.product.name, node.category) == (
            batch.product.code, batch.product.name, batch.product.category)
        assert (node.origin_party.code, node.holder.code) == (batch.origin_party.code, batch.holder.code)
        assert (node.site.code if node.site else None) == (batch.site.code if batch.site_id else None)


def test_a_one_way_trace_walks_once_and_brings_its_nodes_with_the_walk():
    chain = vegetable_chain()
    with count_queries() as log:
        result = trace(chain["operator"], "VEG-P1", direction="upstream")
    sent = [record.msg[0] for record in log.get_queries()]
    walks = [sql for sql in sent if "RECURSIVE" in sql.upper()]
    assert len(walks) == 1 and '"lot_code"' in walks[0]
    assert len(sent) == 5
    assert len(result.nodes) == 5 and len(result.events) == 7


def test_trace_from_without_events_sends_no_event_query():
    vegetable_chain()
    start = Batch.get(Batch.lot_code == "VEG-M")
    with count_queries() as log:
        result = trace_from(start, "both", with_events=False)
    assert result.events == [] and len(result.nodes) == 6
    assert log.count == 3


def test_both_directions_cap_the_nodes_across_both_walks():
    chain = vegetable_chain()
    result = trace(chain["coop"], "VEG-M", max_nodes=4)
    assert result.truncated is True and len(result.nodes) == 4
    assert {node.lot: node.depth for node in result.nodes}["VEG-M"] == 0
    assert sorted(abs(node.depth) for node in result.nodes) == [0, 1, 1, 1]


def test_walk_still_returns_ids_and_distances():
    chain = vegetable_chain()
    up = walk(chain["a"].id, False, depth=10, max_nodes=100)
    lots = {batch.id: batch.lot_code for batch in Batch.select()}
    assert [(lots[batch_id], distance) for batch_id, distance in up] == [
        ("VEG-A", 0), ("VEG-M", 1), ("VEG-S1", 2), ("VEG-S2", 2), ("VEG-P1", 3)]


def test_an_inspector_trace_reads_every_lot():
    vegetable_chain()
    result = trace(make_user(role="inspector"), "VEG-S1", direction="both", depth=1)
    assert {node.lot: node.depth for node in result.nodes} == {"VEG-M": -1, "VEG-S1": 0, "VEG-P1": 1}
    assert result.truncated is True
