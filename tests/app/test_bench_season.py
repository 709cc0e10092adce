"""The benchmark's bulk season writes what the services write, with intact hash chains (small; also on PostgreSQL)."""

from __future__ import annotations

import pytest

from bench import database
from bench.masterdata import ADMIN_EMAIL
from bench.pg_load import FOREIGN_KEYS_SQL
from bench.pg_load import INDEXES_SQL
from bench.season import generate
from bench.sink import WRITE_ORDER
from bench.trace_speed import measure_traces
from bench.write_speed import measure_writes
from supply.db import db
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import Shipment
from supply.models import User
from supply.services.custody.chain import verify_all
from tests.builders.live import TEST_DATABASE_URL
from tests.builders.live import scratch_database_url
from tests.builders.season import SPEC
from tests.builders.season import build
from tests.builders.season import depth_above
from tests.builders.season import small_plan
from tests.builders.season import snapshot


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
    assert writes["operations"] == 2 and writes["transform_vs_insert"] > 0 and writes["transform_vs_durable"] > 0
    trips = writes["round_trips"]
    # A baseline INSERT is BEGIN, INSERT, COMMIT; a service write sends more, its COMMIT included.
    assert trips["durable_insert"] == trips["baseline_insert"] == 3
    assert trips["create_shipment"] > 3 and trips["transform"] > 3
    assert writes["round_trips_by_statement"]["transform"]["COMMIT"] == 1
    assert "bench_insert_durable" not in db.get_tables()
    assert Shipment.select().where(Shipment.status == "received").count() == shipments + 2
    assert verify_all().intact


def schema_objects() -> tuple[list, list]:
    """Return the secondary indexes and the foreign keys of the tables the bulk path writes, with definitions."""
    tables = [model._meta.table_name for model in WRITE_ORDER]
    return db.execute_sql(INDEXES_SQL, (tables,)).fetchall(), db.execute_sql(FOREIGN_KEYS_SQL, (tables,)).fetchall()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="only the PostgreSQL load drops and rebuilds indexes and keys")
def test_bulk_season_on_postgresql_rebuilds_every_index_and_key_and_writes_what_sqlite_gets(tmp_path, bound):
    _, on_sqlite = build(tmp_path / "bulk.sqlite", via_services=False)
    with scratch_database_url("bench") as url:
        database.bind(url)
        try:
            before = schema_objects()
            assert len(before[0]) > 40 and len(before[1]) > 25
            season = generate(SPEC, echo=lambda *_: None, plan=small_plan)
            assert schema_objects() == before
            assert verify_all().intact
            assert snapshot() == on_sqlite
            assert season["batches"] == Batch.select().count() > 80
        finally:
            db.close()
