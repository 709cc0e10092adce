"""The recall benchmark on a small season (SQLite): the 1,000-pack chain is added once, recalls leave no trace."""

from __future__ import annotations

from bench import recall_speed
from bench.masterdata import ADMIN_EMAIL
from supply.models import Batch
from supply.models import Event
from supply.models import Recall
from supply.models import User
from supply.services.custody.chain import verify_all
from tests.builders.api import table_counts
from tests.builders.season import build


def test_recall_benchmark_adds_its_chain_once_and_rolls_recalls_back(tmp_path, bound):
    build(tmp_path / "bulk.sqlite", via_services=False)
    actor = User.get(User.email == ADMIN_EMAIL)
    season_batches = Batch.select().count()
    figures = recall_speed.measure_recalls(actor, rounds=1)
    assert figures["packs"] == 1000 and figures["lots"] == 1007 and figures["marked"] == 1007
    assert figures["holders"] >= 5 and figures["mock_p50_s"] > 0 and figures["recall_p50_s"] > 0
    assert Batch.select().count() == season_batches + 1009  # three farm lots, the merge, five trade lots, packs
    assert Recall.select().count() == 0
    assert not Batch.select().where(Batch.status == "recalled").exists()
    assert not Event.select().where(Event.disposition == "recalled").exists()
    before = table_counts()
    again = recall_speed.measure_recalls(actor, rounds=1)
    assert again["lot"] == figures["lot"] and table_counts() == before
    assert verify_all().intact
    assert "Aim: a recall or mock recall under 2 s" in recall_speed.table(figures)
