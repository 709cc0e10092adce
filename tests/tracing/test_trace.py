"""Trace: recursive genealogy up and down, caps, retracted links, bounded queries, permission, the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from peewee import Value
from peewee import chunked
from playhouse.test_utils import count_queries

from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.services.custody.declarations import declare_error
from supply.services.errors import NotFound
from supply.services.tracing.trace import trace
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.chains import EAR_TAG
from tests.builders.chains import register
from tests.builders.chains import run
from tests.builders.chains import strawberry_chain
from tests.builders.chains import vegetable_chain
from tests.builders.chains import yak_chain
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

pytestmark = pytest.mark.usefixtures("database_url")


def depths(result) -> dict[str, int]:
    """Return the lots of a trace with their signed depth."""
    return {node.lot: node.depth for node in result.nodes}


def test_upstream_from_the_pack_reaches_the_member_lots():
    chain = vegetable_chain()
    result = trace(chain["operator"], "VEG-P1", direction="upstream")
    assert depths(result) == {"VEG-P1": 0, "VEG-S1": -1, "VEG-M": -2, "VEG-A": -3, "VEG-B": -3}
    assert result.truncated is False
    edges = {(e.parent, e.child): (e.quantity, e.unit, e.kind) for e in result.edges}
    assert edges == {
        ("VEG-A", "VEG-M"): (Decimal("300"), "kg", "merge"),
        ("VEG-B", "VEG-M"): (Decimal("200"), "kg", "merge"),
        ("VEG-M", "VEG-S1"): (Decimal("490"), "kg", "split"),
        ("VEG-S1", "VEG-P1"): (Decimal("250"), "kg", "grade_pack"),
    }
    assert all(e.event_id.startswith("urn:uuid:") for e in result.edges)


def test_downstream_from_a_member_lot_reaches_the_pack():
    chain = vegetable_chain()
    result = trace(chain["coop"], "VEG-A", direction="downstream")
    assert depths(result) == {"VEG-A": 0, "VEG-M": 1, "VEG-S1": 2, "VEG-S2": 2, "VEG-P1": 3}
    pack = next(node for node in result.nodes if node.lot == "VEG-P1")
    assert (pack.quantity, pack.unit, pack.on_hand, pack.status) == (Decimal("25"), "carton", Decimal("25"), "active")
    assert pack.holder.code == chain["operator"].party.code
    assert pack.origin_party.code == chain["operator"].party.code
    assert pack.site.code == chain["cold"].code
    assert pack.product.code == chain["product"].code and pack.category == "vegetable"


def test_both_directions_from_the_middle():
    chain = vegetable_chain()
    result = trace(chain["coop"], "VEG-M")
    assert depths(result) == {"VEG-A": -1, "VEG-B": -1, "VEG-M": 0, "VEG-S1": 1, "VEG-S2": 1, "VEG-P1": 2}
    assert len(result.edges) == 5


def test_events_are_time_ordered_in_local_time_with_lines(client):
    chain = vegetable_chain()
    result = trace(chain["coop"], "VEG-M", direction="upstream")
    steps = [(e.biz_step, e.data.get("kind")) for e in result.events]
    assert steps == [("commissioning", None), ("commissioning", None), ("commissioning", "merge"),
                     ("shipping", None), ("receiving", None), ("commissioning", "split")]
    times = [e.time for e in result.events]
    assert times == sorted(times)
    merge = result.events[2]
    assert {(line.lot, line.role, line.quantity) for line in merge.lines} == {
        ("VEG-A", "input", Decimal("300")), ("VEG-B", "input", Decimal("200")), ("VEG-M", "output", Decimal("500"))}
    assert merge.party.code == chain["coop"].party.code and merge.site.code == chain["field"].code
    body = client.get(f"{API}/batches/VEG-M/trace?direction=upstream", headers=auth_header(chain["coop"])).json
    assert body["events"][0]["time"].endswith("+08:00")
    assert body["events"][4]["data"]["losses"] == [{"lot": "VEG-M", "quantity": "10", "reason": "压伤"}]
    assert body["events"][4]["declared"] is False


def test_depth_cap_truncates():
    chain = vegetable_chain()
    result = trace(chain["operator"], "VEG-P1", direction="upstream", depth=2)
    assert depths(result) == {"VEG-P1": 0, "VEG-S1": -1, "VEG-M": -2}
    assert result.truncated is True
    exact = trace(chain["operator"], "VEG-P1", direction="upstream", depth=3)
    assert exact.truncated is False and len(exact.nodes) == 5


def test_node_cap_truncates_keeping_the_nearest():
    chain = vegetable_chain()
    result = trace(chain["coop"], "VEG-M", max_nodes=3)
    assert result.truncated is True
    assert len(result.nodes) == 3
    assert depths(result)["VEG-M"] == 0
    assert all(abs(depth) == 1 for lot, depth in depths(result).items() if lot != "VEG-M")
    assert all(e.parent in depths(result) and e.child in depths(result) for e in result.edges)
    assert trace(chain["coop"], "VEG-M", max_nodes=6).truncated is False


def test_caps_are_clamped():
    chain = vegetable_chain()
    result = trace(chain["coop"], "VEG-A", depth=500, max_nodes=10**6)
    assert (result.depth, result.max_nodes) == (50, 5000)


def test_retracted_link_is_left_out():
    chain = vegetable_chain()
    BatchLink.update(retracted=True).where(BatchLink.parent == chain["a"].id).execute()
    assert depths(trace(chain["coop"], "VEG-M", direction="upstream")) == {"VEG-M": 0, "VEG-B": -1}
    assert depths(trace(chain["coop"], "VEG-A", direction="downstream")) == {"VEG-A": 0}


def test_a_cycle_does_not_blow_up():
    user = make_user()
    site = make_site(party=user.party)
    product = make_product()
    first = register(user, site, product, "10", lot_code="CYC-1")
    second = register(user, site, product, "10", lot_code="CYC-2", source_lots=["CYC-1"])
    # Bad data no service writes: a link back from the child to its parent.
    BatchLink.create(parent=second, child=first, event=BatchLink.get(BatchLink.child == second.id).event, kind="source")
    result = trace(user, "CYC-1", depth=50)
    assert depths(result) == {"CYC-1": 0, "CYC-2": -1}
    assert {(e.parent, e.child) for e in result.edges} == {("CYC-1", "CYC-2"), ("CYC-2", "CYC-1")}
    assert result.truncated is False


def test_yak_ear_tag_stays_on_the_carcass_and_every_cut():
    chain = yak_chain()
    result = trace(chain["abattoir_user"], "YAK-CUT1", direction="upstream")
    assert depths(result) == {"YAK-CUT1": 0, "YAK-C": -1, "YAK-1": -2}
    assert {node.lot: node.ear_tag for node in result.nodes} == dict.fromkeys(("YAK-CUT1", "YAK-C", "YAK-1"), EAR_TAG)
    down = trace(chain["herder"], "YAK-1", direction="downstream")
    assert depths(down) == {"YAK-1": 0, "YAK-C": 1, "YAK-CUT1": 2, "YAK-CUT2": 2}
    assert all(node.ear_tag == EAR_TAG for node in down.nodes)
    slaughter = next(e for e in down.edges if e.kind == "slaughter")
    assert (slaughter.parent, slaughter.child, slaughter.quantity, slaughter.unit) == ("YAK-1", "YAK-C", 1, "head")


def test_berry_lot_traces_back_to_its_seedling_lot():
    chain = strawberry_chain()
    result = trace(chain["farm"], "BERRY-1", direction="upstream")
    assert depths(result) == {"BERRY-1": 0, "SEED-1": -1}
    (edge,) = result.edges
    assert (edge.kind, edge.quantity, edge.unit) == ("planting", Decimal("5000"), "plant")
    planting = next(e for e in result.events if e.biz_step == "planting")
    assert planting.planting == chain["planting"].code
    assert planting.site.code == chain["field"].code


def _fan(user, site, product, prefix: str, width: int) -> None:
    """Register `width` lots, merge them, split the merge into `width` lots."""
    lots = [register(user, site, product, "10", lot_code=f"{prefix}{i}").lot_code for i in range(width)]
    run(user, site, "merge", [(lot, "10") for lot in lots], [{"lot_code": f"{prefix}M", "quantity": str(10 * width)}])
    run(user, site, "split", [(f"{prefix}M", str(10 * width))],
        [{"lot_code": f"{prefix}S{i}", "quantity": "10"} for i in range(width)])


def test_query_count_does_not_grow_with_the_graph():
    user = make_user()
    site = make_site(party=user.party)
    product = make_product()
    _fan(user, site, product, "SMALL", 2)
    _fan(user, site, product, "LARGE", 12)
    with count_queries() as small:
        small_trace = trace(user, "SMALLM")
    with count_queries() as large:
        large_trace = trace(user, "LARGEM")
    assert (len(small_trace.nodes), len(large_trace.nodes)) == (5, 25)
    assert len(large_trace.events) > len(small_trace.events)
    assert small.count == large.count
    assert large.count <= 7


def test_another_partys_producer_may_not_trace():
    vegetable_chain()
    with pytest.raises(NotFound):  # as for a lot that does not exist
        trace(make_user(role="producer"), "VEG-M")


def test_an_inspector_traces_everything():
    vegetable_chain()
    result = trace(make_user(role="inspector"), "VEG-P1", direction="upstream")
    assert len(result.nodes) == 5


def test_api_trace(client):
    chain = vegetable_chain()
    response = client.get(f"{API}/batches/VEG-S1/trace?direction=downstream&depth=1",
                          headers=auth_header(chain["operator"]))
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["lot"], body["direction"], body["depth"], body["max_nodes"], body["truncated"]) == (
        "VEG-S1", "downstream", 1, 500, False)
    assert [(n["lot"], n["depth"]) for n in body["nodes"]] == [("VEG-S1", 0), ("VEG-P1", 1)]
    assert body["nodes"][1]["quantity"] == "25" and body["nodes"][1]["unit"] == "carton"
    assert body["edges"] == [{"parent": "VEG-S1", "child": "VEG-P1", "quantity": "250", "unit": "kg",
                              "kind": "grade_pack", "event_id": body["edges"][0]["event_id"]}]
    # Parties' phone numbers are private: no trace carries them.
    assert chain["coop"].party.phone and chain["coop"].party.phone not in response.get_data(as_text=True)
    assert "phone" not in response.get_data(as_text=True)


def test_api_trace_is_routed_past_the_batch_route(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"{API}/batches/VEG-M/trace")[0] == "api.get_batch_trace"
    assert adapter.match(f"{API}/batches/VEG-M/events")[0] == "api.get_batch_history"
    assert adapter.match(f"{API}/batches/VEG-M/balance")[0] == "api.get_batch_balance"
    assert adapter.match(f"{API}/batches/VEG-M")[0] == "api.get_batch"


@pytest.mark.parametrize("query", ["direction=sideways", "depth=0", "depth=51", "depth=two", "max_nodes=5001",
                                   "max_nodes=0", "colour=red"])
def test_api_trace_refuses_bad_parameters(client, query):
    chain = vegetable_chain()
    response = client.get(f"{API}/batches/VEG-M/trace?{query}", headers=auth_header(chain["coop"]))
    assert_error(response, 422, query.split("=")[0])


def test_api_trace_answers_404_for_unknown_and_unseen_lots(client):
    chain = vegetable_chain()
    assert_error(client.get(f"{API}/batches/NOPE/trace", headers=auth_header(chain["coop"])), 404)
    assert_error(client.get(f"{API}/batches/VEG-M/trace", headers=auth_header(make_user())), 404)
    assert_error(client.get(f"{API}/batches/VEG-M/trace"), 401)


def test_api_events_is_the_batchs_own_history(client):
    chain = vegetable_chain()
    response = client.get(f"{API}/batches/VEG-M/events", headers=auth_header(chain["coop"]))
    assert response.status_code == 200
    body = response.json
    assert body["lot"] == "VEG-M"
    assert [e["biz_step"] for e in body["events"]] == ["commissioning", "shipping", "receiving", "commissioning"]
    shipping = body["events"][1]
    assert shipping["data"]["carrier"] == "青海冷链物流" and shipping["data"]["set_point"] == "2.0"
    assert shipping["lines"] == [{"lot": "VEG-M", "role": "object", "quantity": "500", "unit": "kg",
                                  "ear_tag": None}]
    assert all(e["declared"] is False and e["declares"] is None for e in body["events"])


def test_five_thousand_lots_fit_under_the_node_cap():
    user = make_user(role="admin")
    site = make_site()
    product = make_product()
    root = register(user, site, product, "5000", lot_code="FAN-ROOT")
    event = Event.select().order_by(Event.id.desc()).get()
    rows = [{"lot_code": f"FAN{i:05d}", "public_token": f"tok{i:05d}", "product": product.id,
             "origin_party": site.party_id, "origin_site": site.id, "quantity": 1, "on_hand": 1, "unit": "kg",
             "produced_on": root.produced_on, "holder": site.party_id, "site": site.id} for i in range(5000)]
    for chunk in chunked(rows, 500):
        Batch.insert_many(chunk).execute()
    children = Batch.select(Value(root.id), Batch.id, Value(event.id), Value("split"), Value(""), Value(False)).where(
        Batch.lot_code.startswith("FAN0"))
    BatchLink.insert_from(children, [BatchLink.parent, BatchLink.child, BatchLink.event, BatchLink.kind,
                                     BatchLink.unit, BatchLink.retracted]).execute()
    full = trace(user, "FAN-ROOT", direction="downstream", depth=1, max_nodes=5000)
    assert len(full.nodes) == 5000 and len(full.edges) == 4999 and full.truncated is True
    assert trace(user, "FAN00042", direction="upstream").truncated is False


def test_api_events_marks_a_declared_event_and_shows_its_declaration(client):
    chain = vegetable_chain()
    headers = auth_header(chain["operator"])
    before = client.get(f"{API}/batches/VEG-P1/events", headers=headers).json["events"]
    (pack,) = [e for e in before if e["data"].get("kind") == "grade_pack"]
    declare_error(chain["operator"], pack["event_id"], "incorrect_data", "箱数写错")
    events = client.get(f"{API}/batches/VEG-P1/events", headers=headers).json["events"]
    assert [(e["event_id"] == pack["event_id"], e["declared"], e["declares"]) for e in events] == [
        (True, True, None), (False, False, pack["event_id"])]
    assert events[0]["declared_by"] == [events[1]["event_id"]]
    assert (events[1]["declaration_reason"], events[1]["data"]["note"]) == ("incorrect_data", "箱数写错")
    upstream = client.get(f"{API}/batches/VEG-P1/trace?direction=upstream", headers=headers).json
    assert [n["lot"] for n in upstream["nodes"]] == ["VEG-P1"] and upstream["edges"] == []
