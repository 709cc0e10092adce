"""Chain checks off the request path: writes record the lots they checked, the verifier re-checks the rest
round-robin, least recently verified first, and tells every host's kept pages when a lot turns broken."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from supply.models import AuditEntry
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import LotVerification
from supply.models import PublicVersion
from supply.services.custody import chain
from supply.services.custody.observations import record_storing
from supply.services.custody.verifier import verify_round
from tests.builders.chains import vegetable_chain
from tests.builders.custody import register
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.tampering import tampering

pytestmark = pytest.mark.usefixtures("app")

LONG_AGO = datetime.datetime(2026, 1, 1, 0, 0)


def check(lot: Batch) -> LotVerification:
    """Return the stored check of a lot."""
    return LotVerification.get_by_id(lot.id)


def version() -> int:
    """Return the public data version."""
    return PublicVersion.get_by_id(1).version


def first_event(lot: Batch) -> Event:
    """Return the first event of a lot (its registration)."""
    return Event.select().join(EventBatch).where(EventBatch.batch == lot.id).order_by(Event.id).first()


def forge(event: Event, doc_number: str = "forged") -> None:
    """Alter an event behind the service's back, as someone with database access would."""
    with tampering("event"):
        Event.update(doc_number=doc_number).where(Event.id == event.id).execute()


def lots(count: int) -> list[Batch]:
    """Register lots through the service."""
    user = make_user()
    site, product = make_site(party=user.party), make_product()
    return [register(user, site, product, "5") for _ in range(count)]


def test_a_write_records_the_lots_whose_chain_it_checked_as_verified_then():
    [lot] = lots(1)
    event = first_event(lot)
    stored = check(lot)
    assert (stored.intact, stored.verified_at, stored.problem, stored.broken_at) == (
        True, event.record_time, None, None)


def test_a_batch_inserted_any_way_has_a_row_not_yet_verified():
    stored = check(make_batch())  # inserted directly, as a generated season or an old database's lots are
    assert (stored.verified_at, stored.intact) == (None, None)


def test_a_write_onto_an_altered_chain_records_the_lot_broken():
    user = make_user()
    site = make_site(party=user.party)
    lot = register(user, site, make_product(), "5")
    registration = first_event(lot)
    forge(registration)
    stored = record_storing(user, {"lot": lot.lot_code, "site": site.code, "temperature_min": Decimal("1"),
                                   "temperature_max": Decimal("3")})
    after = check(lot)
    assert (after.intact, after.problem, after.broken_at, after.verified_at) == (
        False, "content", registration.event_id, stored.record_time)


def test_rounds_take_never_verified_lots_first_then_the_least_recently_verified():
    old, older, recent = lots(3)
    never = make_batch()
    LotVerification.update(verified_at=LONG_AGO + datetime.timedelta(days=2)).where(
        LotVerification.batch == old.id).execute()
    LotVerification.update(verified_at=LONG_AGO).where(LotVerification.batch == older.id).execute()

    first = verify_round(2)
    assert (first.lots, first.broken, first.announced) == (2, [], False)
    assert first.oldest is None  # it took a lot never verified
    assert {lot.id for lot in (never, older)} == {
        row.batch_id for row in LotVerification.select().where(LotVerification.verified_at == first.started)}

    second = verify_round(2)
    assert second.oldest == LONG_AGO + datetime.timedelta(days=2)
    assert check(old).verified_at == second.started and check(recent).verified_at == second.started
    third = verify_round(1)  # round and round: the two checked first, the lower id first
    assert third.lots == 1 and check(older).verified_at == third.started and check(never).verified_at == first.started
    assert all(check(lot).intact for lot in (old, older, recent, never))


def test_a_round_finds_an_altered_event_records_it_and_moves_the_public_version():
    lot, other = lots(2)
    event = first_event(lot)
    forge(event)
    before, entries = version(), AuditEntry.select().count()

    report = verify_round(10)

    assert (report.lots, report.broken, report.newly_broken, report.announced) == (2, [lot.lot_code],
                                                                                   [lot.lot_code], True)
    stored = check(lot)
    assert (stored.intact, stored.problem, stored.broken_at, stored.verified_at) == (
        False, "content", event.event_id, report.started)
    assert check(other).intact is True
    assert version() == before + 1
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert AuditEntry.select().count() == entries + 1
    assert (entry.action, entry.table, entry.record_key, entry.actor_id) == (
        "chain.verify", "lot_verification", lot.lot_code, None)
    assert entry.changes == {"broken": [lot.lot_code], "intact_again": [], "lots_checked": 2}
    assert f"BROKEN now: {lot.lot_code}" in report.line() and "1 intact, 1 broken" in report.line()
    assert report.as_dict()["newly_broken"] == [lot.lot_code] and report.as_dict()["lots"] == 2

    # Still broken next time: recorded again, but nothing new to tell the pages.
    again = verify_round(10)
    assert (again.broken, again.newly_broken, again.announced) == ([lot.lot_code], [], False)
    assert version() == before + 1

    forge(event, event.doc_number)  # put back as it was: intact again, and the pages are told
    repaired = verify_round(10)
    assert (repaired.broken, repaired.intact_again, repaired.announced) == ([], [lot.lot_code], True)
    assert check(lot).intact is True and check(lot).problem is None and version() == before + 2


def test_a_round_of_intact_lots_moves_no_version():
    assert verify_round(10).line().endswith(" no lot to check")
    lots(3)
    before = version()
    report = verify_round(10)
    assert (report.lots, report.broken, report.announced) == (3, [], False)
    assert version() == before


def test_a_lot_with_deleted_last_events_is_found_by_its_head():
    [lot] = lots(1)
    registration = first_event(lot)
    with tampering():
        EventBatch.delete().where(EventBatch.event == registration.id).execute()
        Event.delete().where(Event.id == registration.id).execute()
    report = verify_round(10)
    assert report.newly_broken == [lot.lot_code]
    assert (check(lot).problem, check(lot).broken_at) == ("head", None)


def test_checking_lots_together_finds_what_checking_each_finds():
    vegetable_chain()
    every = list(Batch.select().order_by(Batch.id))
    forge(first_event(Batch.get(Batch.lot_code == "VEG-A")))
    together = chain.verify_lots(every).reports
    assert {b.lot_code: together[b.id] for b in every} == {b.lot_code: chain.verify_batch(b) for b in every}
    assert [b.lot_code for b in every if not together[b.id].intact] == ["VEG-A"]


def test_verify_chain_watch_prints_one_line_a_round(app, monkeypatch):
    lot, _other = lots(2)
    forge(first_event(lot))
    rounds = []

    def pause(seconds: float) -> None:
        rounds.append(seconds)
        if len(rounds) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("supply.cli.time.sleep", pause)
    result = app.test_cli_runner().invoke(args=["verify-chain", "--watch", "--slice", "1", "--pause", "0.5"])
    assert result.exit_code == 0, result.output
    first, second, stopped = result.output.splitlines()
    assert "checked 1 lot(s)" in first and "previously verified" in first
    assert f"BROKEN now: {lot.lot_code}" in first + second and stopped == "Stopped."
    assert rounds == [0.5, 0.5] and check(lot).intact is False
    # Without --watch, the whole-database check and its exit code stay as they were.
    assert app.test_cli_runner().invoke(args=["verify-chain"]).exit_code == 1
