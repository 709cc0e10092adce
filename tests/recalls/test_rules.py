"""Recalls through the services: scope over merges and splits, deadlines, marks and events, tracking, mock recall."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import RecallLot
from supply.services.custody import chain
from supply.services.errors import Conflict
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from supply.services.recalls import recalls
from supply.services.recalls.working_days import add_working_days
from supply.services.recalls.working_days import is_working_day
from tests.builders.api import table_counts
from tests.builders.api import unchanged
from tests.builders.recalls import merge_world

pytestmark = pytest.mark.usefixtures("app")


def statuses(*lots: str) -> dict[str, str]:
    """Return the status of each lot."""
    return dict(Batch.select(Batch.lot_code, Batch.status).where(Batch.lot_code.in_(lots)).tuples())


def recall_of(world: dict, lot: str, level: int = 2) -> recalls.Recall:
    """Open a recall on a lot as the world's inspector."""
    return recalls.open_recall(world["inspector"], {"lot": lot, "level": level, "reason": "农残超标"})


def test_recall_of_a_farm_lot_reaches_the_merge_and_every_pack_but_not_other_lots():
    world = merge_world()
    recall = recall_of(world, "F1")
    lots = {line.batch.lot_code: (line.relation, line.depth) for line in recalls.recall_lots(recall)}
    assert lots == {"F1": ("root", 0), "M": ("downstream", 1), "S1": ("downstream", 2), "S2": ("downstream", 2),
                    "P1": ("downstream", 3), "P2": ("downstream", 3), "P3": ("downstream", 3)}
    assert set(statuses("F1", "M", "S1", "S2", "P1", "P2", "P3").values()) == {"recalled"}
    assert statuses("F2", "F1X", "F2X") == {"F2": "consumed", "F1X": "active", "F2X": "active"}
    assert recall.code.startswith(f"RC{datetime.date.today().year}-") and len(recall.code) == 11
    assert recall.area == "城西区、湟中区"  # the counties of the sites where the lots were made or held
    assert recall.start_by - recall.opened_at == datetime.timedelta(hours=48)
    assert recall.finish_by == recalls.add_working_days(recall.opened_at, 20)


def test_recall_of_a_pack_reaches_its_sources_upstream_only():
    world = merge_world()
    recall = recall_of(world, "P1", level=1)
    lots = {line.batch.lot_code: line.relation for line in recalls.recall_lots(recall)}
    assert lots == {"P1": "root", "S1": "upstream", "M": "upstream", "F1": "upstream", "F2": "upstream"}
    assert statuses("S2", "P2", "P3") == {"S2": "consumed", "P2": "active", "P3": "active"}


def test_quantities_and_distributed_per_lot():
    world = merge_world()
    recall = recall_of(world, "F2")
    lines = {line.batch.lot_code: line for line in recalls.recall_lots(recall)}
    # F2: 200 kg made by farm 2, 195 kg arrived at the cooperative (5 kg lost on the way).
    assert (lines["F2"].quantity, lines["F2"].distributed) == (Decimal(200), Decimal(195))
    # P1: 20 cartons packed by the cooperative, 12 sent to the shop; M never left the cooperative.
    assert (lines["P1"].quantity, lines["P1"].distributed, lines["P1"].unit) == (Decimal(20), Decimal(12), "carton")
    assert lines["M"].distributed == 0
    assert all(line.recovered == 0 and line.destroyed == 0 for line in lines.values())


def test_recall_events_are_few_chained_and_marked_recalled():
    world = merge_world()
    before = Event.select().count()
    recall = recall_of(world, "F1")
    events = list(Event.select().where(Event.disposition == "recalled"))
    assert Event.select().count() - before == len(events)
    # One event per holder and site: the cooperative's packhouse (F1 was delivered there whole; M, S1, S2, P2, P3)
    # and the shop, which holds most of P1.
    assert sorted(e.site_id for e in events) == sorted([world["packhouse"].id, world["store"].id])
    assert {e.biz_step for e in events} == {"holding"} and {e.data["recall"] for e in events} == {recall.code}
    touched = EventBatch.select().join(Event).where(Event.disposition == "recalled").count()
    assert touched == 7
    for lot in ("F1", "M", "P1", "P3"):
        assert chain.verify_batch(Batch.get(Batch.lot_code == lot)).intact


def test_holders_with_quantities_and_contacts():
    world = merge_world()
    recall = recall_of(world, "F1")
    holders = {h.code: h for h in recalls.recall_holders(world["inspector"], recall)}
    parties = world["parties"]
    assert set(holders) == {parties["farm1"].code, parties["coop"].code, parties["shop"].code}
    shop = holders[parties["shop"].code]
    assert [(lot.lot, lot.on_hand, lot.received) for lot in shop.lots] == [("P1", Decimal(12), Decimal(12))]
    coop = {lot.lot: lot for lot in holders[parties["coop"].code].lots}
    assert coop["F1"].received == Decimal(300) and coop["P1"].on_hand == Decimal(8)
    assert holders[parties["coop"].code].phone == "0971-5550000"
    assert holders[parties["coop"].code].address == "湟中区鲁沙尔镇1号"


@pytest.mark.parametrize(("level", "start_hours", "finish"), [
    (1, 24, datetime.datetime(2026, 11, 20, 7, 0)),
    (2, 48, datetime.datetime(2026, 12, 4, 7, 0)),
    (3, 72, datetime.datetime(2026, 12, 18, 7, 0)),
])
def test_deadlines_by_level_from_a_friday(level, start_hours, finish):
    # Friday 2026-11-06 15:00 in Xining = 07:00 UTC; 10/20/30 working days on (weekends skipped) are Fridays too.
    opened = datetime.datetime(2026, 11, 6, 7, 0)
    start_by, finish_by = recalls.deadlines(level, opened)
    assert start_by == opened + datetime.timedelta(hours=start_hours)
    assert finish_by == finish


def test_working_days_follow_the_2026_holiday_notice():
    assert not is_working_day(datetime.date(2026, 10, 5))  # National Day holiday, a Monday
    assert is_working_day(datetime.date(2026, 10, 10))  # a Saturday worked instead
    assert not is_working_day(datetime.date(2026, 12, 5))  # an ordinary Saturday
    # Opened Wednesday 30 September 2026, 09:00 in Xining: 1-8 October off except the make-up Saturday 10th.
    opened = datetime.datetime(2026, 9, 30, 1, 0)
    assert add_working_days(opened, 1) == datetime.datetime(2026, 10, 8, 1, 0)
    assert add_working_days(opened, 3) == datetime.datetime(2026, 10, 10, 1, 0)


def test_a_late_evening_opening_counts_days_in_beijing_time():
    # Friday 23:30 in Xining is 15:30 UTC the same Friday: the next working day is Monday.
    opened = datetime.datetime(2026, 12, 11, 15, 30)
    assert add_working_days(opened, 1) == datetime.datetime(2026, 12, 14, 15, 30)


def test_only_inspectors_and_admins_open_recalls():
    world = merge_world()
    with unchanged(), pytest.raises(Forbidden):
        recalls.open_recall(world["coop"], {"lot": "F1", "level": 1, "reason": "x"})
    assert statuses("F1")["F1"] == "consumed"


@pytest.mark.parametrize(("data", "field"), [
    ({"lot": "NOPE", "level": 1, "reason": "x"}, "lot"),
    ({"lot": "F1", "level": 4, "reason": "x"}, "level"),
    ({"lot": "F1", "level": 1, "reason": "  "}, "reason"),
])
def test_bad_input_names_the_field_and_writes_nothing(data, field):
    world = merge_world()
    with unchanged(), pytest.raises(Invalid) as caught:
        recalls.open_recall(world["inspector"], data)
    assert field in caught.value.errors


def test_recalled_lots_cannot_ship_or_be_transformed():
    from tests.builders.chains import run
    from tests.builders.chains import ship_and_receive

    world = merge_world()
    recall_of(world, "F1")
    with pytest.raises(Conflict) as caught:
        ship_and_receive(world["coop"], world["packhouse"], world["shop"], world["store"], "P2", "1")
    assert caught.value.status == 409 and caught.value.errors["lot"] == ["P2"]
    with pytest.raises(Conflict):
        run(world["coop"], world["packhouse"], "repack", [("P3", "1")], [{"quantity": "1", "unit": "carton"}])


def test_tracking_recovered_destroyed_notices_and_close():
    world = merge_world()
    inspector = world["inspector"]
    recall = recall_of(world, "F1")
    line = recalls.update_recall_lot(inspector, recall.code, "P1", {"recovered": Decimal("12"),
                                                                   "destroyed": Decimal("11.5")})
    assert (line.recovered, line.destroyed) == (Decimal(12), Decimal("11.5"))
    with unchanged(), pytest.raises(Invalid) as caught:
        recalls.update_recall_lot(inspector, recall.code, "P1", {"destroyed": Decimal("20.001")})
    assert "destroyed" in caught.value.errors
    notice = recalls.record_notice(inspector, recall.code, {"party": world["parties"]["shop"].code,
                                                            "channel": "phone", "note": "已电话通知下架"})
    assert notice.sent_at is not None and recalls.recall_notices(recall) == [notice]
    closed = recalls.close_recall(inspector, recall.code, "全部召回并销毁")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(Conflict):
        recalls.update_recall_lot(inspector, recall.code, "P1", {"recovered": Decimal(1)})
    assert statuses("P1")["P1"] == "recalled"


def test_every_write_is_audited():
    from supply.models import AuditEntry

    world = merge_world()
    inspector = world["inspector"]
    recall = recall_of(world, "F1")
    recalls.update_recall_lot(inspector, recall.code, "M", {"recovered": Decimal(100)})
    recalls.record_notice(inspector, recall.code, {"party": world["parties"]["coop"].code, "channel": "visit"})
    recalls.close_recall(inspector, recall.code, "结束")
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.actor == inspector.id).order_by(AuditEntry.id)]
    assert actions == ["recalls.open", "recalls.update_lot", "recalls.notice", "recalls.close"]


def test_mock_recall_writes_nothing_and_balances_a_step_each_way():
    world = merge_world()
    before = table_counts()
    states = statuses("F1", "M", "S1", "S2", "P1", "P2", "P3")
    heads = dict(Batch.select(Batch.lot_code, Batch.chain_head).tuples())
    result = recalls.mock_recall(world["inspector"], "M", level=1)
    assert table_counts() == before
    assert statuses("F1", "M", "S1", "S2", "P1", "P2", "P3") == states
    assert dict(Batch.select(Batch.lot_code, Batch.chain_head).tuples()) == heads
    assert {lot.lot for lot in result.scope.lots} == {"M", "F1", "F2", "S1", "S2", "P1", "P2", "P3"}
    assert result.milliseconds > 0 and result.start_by is not None
    balances = {balance.lot: (relation, balance) for relation, balance in result.balances}
    assert set(balances) == {"M", "F1", "F2", "S1", "S2"}  # one step back, one step forward
    relation, merged = balances["M"]
    assert relation == "root" and merged.produced == Decimal(495) and merged.used == Decimal(495) and merged.balanced
    assert balances["F2"][1].loss == Decimal(5) and balances["F2"][1].balanced
    assert {h.code for h in result.holders} >= {world["parties"]["coop"].code, world["parties"]["shop"].code}


def test_mock_recall_of_an_unknown_lot():
    world = merge_world()
    with pytest.raises(Invalid) as caught:
        recalls.mock_recall(world["inspector"], "NOPE")
    assert "lot" in caught.value.errors


def test_recall_lines_are_unique_per_lot():
    world = merge_world()
    recall = recall_of(world, "M")
    assert RecallLot.select().where(RecallLot.recall == recall.id).count() == 8
