"""The benchmark's bulk season writes what the services write, with intact hash chains (small, on SQLite)."""

from __future__ import annotations

from bench.masterdata import ADMIN_EMAIL
from bench.trace_speed import measure_traces
from bench.write_speed import measure_writes
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import Shipment
from supply.models import User
from supply.services.custody.chain import verify_all
from tests.builders.season import build
from tests.builders.season import depth_above


def test_bulk_season_has_intact_chains_and_marked_deep_and_wide_lots(tmp_path, bound):
    season, _ = build(tmp_path / "bulk.sqlite", via_services=False)
    report = verify_all()
    assert report.intact, report.as_dict()
    assert report.events_checked == season["events"] > season["batches"] > 80
    (deep,), (wide,) = season["deep"], season["wide"]
    assert depth_above(deep["leaf"]) >= 7
    wide_id = Batch.get(Batch.lot_code == wide["lot"]).id
    assert BatchLink.select().where(BatchLink.child == wide_id).count() >= 6
    assert BatchLink.select().where(BatchLink.parent == wide_id).count() == 12
    kinds = {e.data.get("kind") for e in Event.select().where(Event.event_type == "TransformationEvent")}
    assert kinds == {"merge", "split", "grade_pack", "repack", "slaughter", "cut", "planting"}


def test_bulk_season_writes_what_the_services_write(tmp_path, bound):
    _, bulk = build(tmp_path / "bulk.sqlite", via_services=False)
    _, services = build(tmp_path / "services.sqlite", via_services=True)
    assert verify_all().intact
    for table in bulk:
        assert bulk[table] == services[table], table


def test_benchmark_measures_traces_and_writes_on_the_season(tmp_path, bound):
    season, _ = build(tmp_path / "bulk.sqlite", via_services=False)
    actor = User.get(User.email == ADMIN_EMAIL)
    traces = measure_traces(actor, season, rounds=2)
    assert set(traces) == {"deep_upstream", "deep_downstream", "wide_upstream", "wide_downstream"}
    assert traces["deep_upstream"]["nodes"] >= 8 and traces["wide_downstream"]["nodes"] == 13
    assert all(row["samples"] == 2 and row["raw_p50_ms"] > 0 for row in traces.values())
    shipments = Shipment.select().count()
    writes = measure_writes(actor, operations=2)
    assert writes["operations"] == 2 and writes["transform_vs_insert"] > 0
    assert Shipment.select().where(Shipment.status == "received").count() == shipments + 2
    assert verify_all().intact
