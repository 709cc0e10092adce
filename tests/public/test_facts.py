"""A lot's public facts kept in the database: a cold page is drawn from them without gathering, drawn the same as
from the records, and forgotten in the transaction of every write that changes what they show."""

from __future__ import annotations

import datetime
import re
import threading

import pytest

from supply.db import db
from supply.db.writers import share_writers_lock
from supply.models import Batch
from supply.models import Party
from supply.models import PublicLot
from supply.models import PublicVersion
from supply.services.audit.writes import announce_write
from supply.services.certification import certificates as workflow
from supply.services.inspection import inspections
from supply.services.jobs import queue as job_queue
from supply.services.masterdata.products import update_product
from supply.services.public import facts
from supply.services.public import facts_codec
from supply.services.public import facts_task
from supply.views import public
from tests.builders.certificates import make_certificate
from tests.builders.chains import ship_and_receive
from tests.builders.chains import strawberry_chain
from tests.builders.chains import vegetable_chain
from tests.builders.chains import yak_chain
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.live import TEST_DATABASE_URL

LANGUAGES = ({"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}, {"Accept-Language": "zh-TW"})


@pytest.fixture()
def gathers(monkeypatch):
    """Count the lots whose facts were gathered from the records."""
    calls = []
    real = facts.gather

    def counting(token):
        view = real(token)
        calls.append(view.batch.lot_code)
        return view

    monkeypatch.setattr(facts, "gather", counting)
    return calls


def page(client, lot: str, headers=LANGUAGES[0]) -> str:
    token = Batch.get(Batch.lot_code == lot).public_token
    response = client.get(f"/t/{token}", headers=headers)
    assert response.status_code == 200
    return re.sub(r"scanned \d+ times?|已被扫描 \d+ 次|已被掃描 \d+ 次", "", response.get_data(as_text=True))


def kept(*lots: str) -> set[str]:
    """The lots among these whose facts are kept."""
    ids = {b.id: b.lot_code for b in Batch.select().where(Batch.lot_code.in_(lots))}
    return {ids[row.batch_id] for row in PublicLot.select().where(PublicLot.batch_id.in_(list(ids)))}


def forget_pages(app) -> None:
    app.extensions["public_page_cache"].clear()


def test_a_cold_page_is_drawn_from_the_kept_facts_without_gathering(app, client, gathers):
    vegetable_chain()
    first = page(client, "VEG-P1")
    assert gathers == ["VEG-P1"] and kept("VEG-P1") == {"VEG-P1"}
    forget_pages(app)  # as on another host, or after the page left the cache
    assert page(client, "VEG-P1") == first
    assert gathers == ["VEG-P1"]


@pytest.mark.parametrize("chain, lots", [
    (vegetable_chain, ("VEG-A", "VEG-M", "VEG-S1", "VEG-P1")),
    (yak_chain, ("YAK-1", "YAK-C", "YAK-CUT1")),
    (strawberry_chain, ("SEED-1", "BERRY-1")),
])
def test_pages_drawn_from_kept_facts_equal_pages_gathered_from_the_records(app, client, chain, lots):
    chain()
    for lot in lots:
        for headers in LANGUAGES:
            gathered = page(client, lot, headers)
            forget_pages(app)
            assert kept(lot) == {lot}
            assert page(client, lot, headers) == gathered, (lot, headers)
            forget_pages(app)


def test_a_certificate_on_the_page_survives_the_round_trip(app, client):
    chain = vegetable_chain()
    make_certificate("organic", party=chain["coop"].party)
    gathered = page(client, "VEG-P1")
    assert "Organic" in gathered
    forget_pages(app)
    assert page(client, "VEG-P1") == gathered


def test_a_shipment_forgets_the_facts_of_its_lot_and_of_the_lots_made_from_it_only(client):
    chain = vegetable_chain()
    other = make_batch(lot_code="ELSEWHERE")
    for lot in ("VEG-B", "VEG-M", "VEG-S2", "ELSEWHERE"):
        page(client, lot)
    assert kept("VEG-B", "VEG-M", "VEG-S2", "ELSEWHERE") == {"VEG-B", "VEG-M", "VEG-S2", "ELSEWHERE"}
    operator, cold = chain["operator"], chain["cold"]
    buyer = make_user(role="operator", party=make_party(kind="operator"))
    ship_and_receive(operator, cold, buyer, make_site(party=buyer.party, kind="cold_store"), "VEG-S2", "240")
    assert kept("VEG-B", "VEG-M", "VEG-S2", "ELSEWHERE") == {"VEG-B", "VEG-M", "ELSEWHERE"}
    assert other.id


def test_a_recall_upstream_forgets_the_facts_downstream_and_shows(client):
    chain = vegetable_chain()
    assert "has been recalled" not in page(client, "VEG-P1")
    Batch.update(status="recalled").where(Batch.id == chain["a"].id).execute()  # even behind the services' back
    assert kept("VEG-P1") == set()
    announce_write()
    assert "A lot this batch was made from has been recalled" in page(client, "VEG-P1")


def test_a_certificate_decision_forgets_the_facts_of_the_partys_lots_and_their_products(client):
    chain = vegetable_chain()
    holder = chain["coop"]
    cert = make_certificate("organic", party=holder.party)
    stranger = make_batch(lot_code="STRANGER")
    for lot in ("VEG-A", "VEG-P1", "STRANGER"):
        page(client, lot)
    inspector = make_user(role="inspector", party=make_party(kind="inspector"))
    workflow.revoke_certificate(inspector, cert.id, "fraud", datetime.date(2026, 7, 2))
    assert kept("VEG-A", "VEG-P1", "STRANGER") == {"STRANGER"}
    assert "revoked from 2026-07-02" in page(client, "VEG-P1")
    assert stranger.id


def test_a_new_certificate_of_the_party_forgets_its_lots_facts(client):
    chain = vegetable_chain()
    page(client, "VEG-M")
    make_certificate("green_food", party=chain["coop"].party)
    assert kept("VEG-M") == set()


def test_a_test_result_forgets_the_facts_of_its_lot_and_downstream(client):
    vegetable_chain()
    for lot in ("VEG-S1", "VEG-P1", "VEG-S2"):
        page(client, lot)
    inspector = make_user(role="inspector", party=make_party(kind="inspector"))
    inspections.record_test(inspector, {"lot": "VEG-S1", "kind": "pesticide_rapid", "method": "test_strip",
                                         "passed": True})
    assert kept("VEG-S1", "VEG-P1", "VEG-S2") == {"VEG-S2"}
    assert "Pass" in page(client, "VEG-P1")


def test_a_shown_name_forgets_every_lots_facts_and_a_hidden_field_none(client):
    chain = vegetable_chain()
    page(client, "VEG-M")
    Party.update(phone="0971-1234567").where(Party.id == chain["coop"].party_id).execute()
    assert kept("VEG-M") == {"VEG-M"}
    update_product(make_user(role="admin"), chain["product"].code, {"name_en": "Purple broccoli"})
    assert kept("VEG-M") == set()
    assert "Purple broccoli" in page(client, "VEG-M")


def test_an_unrelated_write_leaves_a_kept_page_as_it_is(client, monkeypatch):
    vegetable_chain()
    drawn = []
    real = public.complete
    monkeypatch.setattr(public, "complete", lambda view, **kw: drawn.append(view.batch.lot_code) or real(view, **kw))
    page(client, "VEG-P1")
    make_batch(lot_code="UNRELATED")
    announce_write()
    page(client, "VEG-P1")
    assert drawn == ["VEG-P1"]  # the version moved, the facts did not: stamped, not drawn again


def test_facts_gathered_before_a_write_committed_are_not_kept(client):
    vegetable_chain()
    token = Batch.get(Batch.lot_code == "VEG-M").public_token
    found = facts.read(token)
    view = facts.gather(token)
    announce_write()  # a write committed while the facts were gathered
    assert facts.keep(view, found.data_version) is None
    assert kept("VEG-M") == set()
    current = PublicVersion.get_by_id(1).version
    assert facts.keep(facts.gather(token), current) == current and kept("VEG-M") == {"VEG-M"}


def test_facts_hold_only_public_fields_and_only_known_classes(client):
    chain = vegetable_chain()
    Party.update(phone="0971-7654321", address="城中区某路1号").where(Party.id == chain["coop"].party_id).execute()
    page(client, "VEG-M")
    text = PublicLot.get(PublicLot.batch_id == Batch.get(Batch.lot_code == "VEG-M").id).facts
    assert "0971-7654321" not in text and "城中区某路1号" not in text
    with pytest.raises(TypeError):
        facts_codec.dumps({"user": make_user()})
    with pytest.raises(KeyError):
        facts_codec.loads('{"$":"obj","c":"User","f":{}}')


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL's advisory lock; SQLite writes take turns anyway")
def test_facts_are_not_kept_while_an_audited_write_is_under_way(client):
    vegetable_chain()
    token = Batch.get(Batch.lot_code == "VEG-M").public_token
    under_way, finish = threading.Event(), threading.Event()

    def write():
        with db.connection_context(), db.atomic():
            share_writers_lock()  # what every audited write does first
            under_way.set()
            finish.wait(10)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert under_way.wait(10)
        current = PublicVersion.get_by_id(1).version
        assert facts.keep(facts.gather(token), current) is None
    finally:
        finish.set()
        writer.join()
    assert kept("VEG-M") == set()


def test_the_worker_keeps_the_facts_of_lots_nobody_scanned_yet(client, gathers):
    vegetable_chain()
    lots = ("VEG-A", "VEG-B", "VEG-M", "VEG-S1", "VEG-S2", "VEG-P1")
    assert kept(*lots) == set()
    assert facts.fill(4) == 4
    assert kept(*lots) == {"VEG-S1", "VEG-S2", "VEG-P1", "VEG-M"}  # newest first
    assert facts.fill(100) == 2 and kept(*lots) == set(lots)
    gathers.clear()
    page(client, "VEG-P1")
    assert gathers == []  # its first scan found them kept


def test_the_fill_runs_every_ten_seconds_in_the_worker():
    periodic = {task.task.name: task for task in job_queue.queue.periodic_registry.periodic_tasks.values()}
    assert periodic["public.fill_facts"].cron == facts_task.CRON


def test_the_command_line_keeps_the_facts(app):
    make_batch(lot_code="CLI-FACTS")
    result = app.test_cli_runner().invoke(args=["public-facts", "--limit", "5"])
    assert result.exit_code == 0 and "Kept the public facts of" in result.output
    assert kept("CLI-FACTS") == {"CLI-FACTS"}
