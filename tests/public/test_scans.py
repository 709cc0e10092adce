"""Scans held by the worker and written together: counted on the page at once, written within the delay."""

from __future__ import annotations

import datetime
import re
import threading
from types import SimpleNamespace

from peewee import DatabaseProxy

from supply.models import Scan
from supply.services.public import scan_buffer
from supply.services.public.scan_buffer import ScanBuffer
from tests.builders.factories import make_batch

EN = {"Accept-Language": "en"}
AT = datetime.datetime(2026, 7, 1, 8, 0)


def scanned(client, url: str) -> int:
    """Return the scan count a page shows."""
    return int(re.search(r"scanned (\d+) times?", client.get(url, headers=EN).get_data(as_text=True)).group(1))


def test_held_scans_count_on_the_page_and_are_written_on_flush(app, client):
    app.config["SCAN_BUFFER_SECONDS"] = 60
    batch = make_batch()
    url = f"/t/{batch.public_token}"
    assert [scanned(client, url) for _ in range(3)] == [1, 2, 3]
    buffer = app.extensions["scan_buffer"]
    assert buffer.held(batch.id)[0] == 3
    assert Scan.select().where(Scan.batch_id == batch.id).count() == 0
    assert buffer.flush()
    assert buffer.held(batch.id) == (0, None)
    assert Scan.select().where(Scan.batch_id == batch.id).count() == 3
    assert scanned(client, url) == 4
    buffer.flush()
    assert Scan.select().where(Scan.batch_id == batch.id).count() == 4


def test_the_first_scan_shown_is_the_earliest_held_or_written(app, client):
    app.config["SCAN_BUFFER_SECONDS"] = 60
    batch = make_batch()
    Scan.insert(batch_id=batch.id, scanned_at=AT).execute()
    text = client.get(f"/t/{batch.public_token}", headers=EN).get_data(as_text=True)
    assert "scanned 2 times since 2026-07-01 16:00" in text  # 08:00 UTC is 16:00 in Xining
    app.extensions["scan_buffer"].flush()


def test_a_full_buffer_is_written_at_once_off_the_requests_thread(monkeypatch):
    written, threads, done = [], [], threading.Event()

    def write(rows):
        written.extend(rows)
        threads.append(threading.current_thread())
        done.set()
        return True

    monkeypatch.setattr(scan_buffer, "write_scans", write)
    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(is_closed=lambda: False, obj="bound"))
    buffer = ScanBuffer(delay=60, size=3)
    buffer.add(1, AT)
    buffer.add(2, AT)
    assert not done.wait(0.2) and buffer.held(1) == (1, AT)
    buffer.add(3, AT)
    assert done.wait(5)
    assert written == [(1, AT, ""), (2, AT, ""), (3, AT, "")] and threads != [threading.current_thread()]
    assert buffer.held(1) == (0, None)


def test_without_delay_each_scan_is_written_at_once(app):
    batch = make_batch()
    buffer = ScanBuffer(delay=0)
    assert buffer.add(batch.id, AT)
    assert Scan.select().where(Scan.batch_id == batch.id, Scan.scanned_at == AT).count() == 1
    assert buffer.held(batch.id) == (0, None)


def test_held_scans_are_written_by_the_timer(monkeypatch):
    written, done = [], threading.Event()

    def write(rows):
        written.extend(rows)
        done.set()
        return True

    monkeypatch.setattr(scan_buffer, "write_scans", write)
    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(is_closed=lambda: False, obj="bound"))
    buffer = ScanBuffer(delay=0.05)
    buffer.add(7, AT)
    buffer.add(8, AT)
    assert buffer.held(7) == (1, AT)
    assert done.wait(5)
    assert written == [(7, AT, ""), (8, AT, "")] and buffer.held(7) == (0, None)


def test_a_failed_write_is_logged_not_raised(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise scan_buffer.PeeweeException("server gone")

    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(param="?", execute_sql=broken))
    assert scan_buffer.write_scans([(1, AT, "")]) is False
    assert "1 scans not recorded" in caplog.text


def test_counts_need_no_query_until_the_refresh_and_never_count_a_scan_twice(app, monkeypatch):
    batch, other = make_batch(), make_batch()
    clock = [100.0]
    monkeypatch.setattr(scan_buffer, "clock", lambda: clock[0])
    reads = []
    real = scan_buffer.read_counts
    monkeypatch.setattr(scan_buffer, "read_counts", lambda ids: reads.append(sorted(ids)) or real(ids))
    earlier = AT - datetime.timedelta(days=1)
    buffer = ScanBuffer(delay=60, refresh=5)
    assert buffer.count(batch.id) == (0, None)
    buffer.add(batch.id, AT)  # held by this worker: counts at once
    assert buffer.count(batch.id) == (1, AT)
    Scan.insert(batch_id=batch.id, scanned_at=earlier).execute()  # another worker's scan
    assert buffer.flush()
    clock[0] += 9
    assert buffer.count(batch.id) == (1, AT) and len(reads) == 1  # no query within twice the refresh
    buffer.read_stale()  # the writer thread's read after a write: the tallies older than the refresh
    assert buffer.count(batch.id) == (2, earlier)  # the other worker's scan, ours once
    assert reads == [[batch.id], [batch.id]]
    clock[0] += 3
    assert buffer.count(other.id) == (0, None)  # read with the tallies already half as old as the refresh
    assert reads[-1] == sorted([batch.id, other.id])
    buffer.add(batch.id, AT)
    buffer.add(other.id, AT)
    clock[0] += 9
    assert buffer.count(batch.id) == (3, earlier) and buffer.count(other.id) == (1, AT)
    assert len(reads) == 3
    buffer.flush()
    clock[0] += 1
    assert buffer.count(batch.id) == (3, earlier) and buffer.count(other.id) == (1, AT)
    assert len(reads) == 4  # twice the refresh: the request read them itself


def test_without_delay_a_request_reads_its_tally_after_the_refresh(app, monkeypatch):
    batch = make_batch()
    clock = [100.0]
    monkeypatch.setattr(scan_buffer, "clock", lambda: clock[0])
    buffer = ScanBuffer(delay=0, refresh=5)
    buffer.add(batch.id, AT)
    assert buffer.count(batch.id) == (1, AT)
    Scan.insert(batch_id=batch.id, scanned_at=AT).execute()
    assert buffer.count(batch.id) == (1, AT)
    clock[0] += 5
    assert buffer.count(batch.id) == (2, AT)


def test_a_failed_write_is_not_counted_once_the_count_is_read_again(app, monkeypatch):
    batch = make_batch()
    clock = [100.0]
    monkeypatch.setattr(scan_buffer, "clock", lambda: clock[0])
    buffer = ScanBuffer(delay=60, refresh=5)
    buffer.add(batch.id, AT)
    assert buffer.count(batch.id) == (1, AT)
    monkeypatch.setattr(scan_buffer, "write_scans", lambda rows: False)
    assert buffer.flush() is False
    assert buffer.count(batch.id)[0] == 1
    clock[0] += 10
    assert buffer.count(batch.id) == (0, AT)


def test_held_scans_are_dropped_not_written_once_the_apps_database_is_gone(monkeypatch, caplog):
    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(obj="live", is_closed=lambda: False))
    buffer = ScanBuffer(delay=60)
    buffer.add(1, AT)
    monkeypatch.setattr(scan_buffer, "db", DatabaseProxy())  # the live server's teardown unbinds the proxy
    assert buffer.flush() is False
    assert "1 scans dropped" in caplog.text
    buffer.add(2, AT)
    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(obj="another test's database", is_closed=lambda: False))
    assert buffer.flush() is False and buffer.held(2) == (0, None)


def test_an_unexpected_error_while_writing_is_logged_not_raised(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise AttributeError("Cannot use uninitialized Proxy.")

    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(obj="live", is_closed=broken))
    buffer = ScanBuffer(delay=60)
    buffer.add(1, AT)
    assert buffer.flush() is False
    assert "1 scans not recorded" in caplog.text


def test_scans_are_written_at_once_when_testing_unless_a_test_buffers_them(app, client):
    batch = make_batch()
    client.get(f"/t/{batch.public_token}")
    buffer = app.extensions["scan_buffer"]
    assert buffer.delay == 0 and buffer.refresh == 0
    assert Scan.select().where(Scan.batch_id == batch.id).count() == 1


def _unreachable() -> scan_buffer.PeeweeException:
    """The error peewee raises when the server cannot be reached: a driver OperationalError behind it."""
    import psycopg

    try:
        try:
            raise psycopg.OperationalError("connection refused")
        except psycopg.OperationalError as driver:
            raise scan_buffer.PeeweeException("connection refused") from driver
    except scan_buffer.PeeweeException as exc:
        return exc


def test_scans_are_held_while_the_database_is_unreachable_and_written_when_it_is_back(monkeypatch):
    written, attempts, done = [], [], threading.Event()

    def write(rows):
        attempts.append(list(rows))
        if len(attempts) == 1:
            raise _unreachable()
        written.extend(rows)
        done.set()
        return True

    monkeypatch.setattr(scan_buffer, "write_scans", write)
    monkeypatch.setattr(scan_buffer, "RETRY", 0.05)
    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(is_closed=lambda: False, obj="bound"))
    buffer = ScanBuffer(delay=0.01)
    buffer.add(7, AT)
    assert done.wait(5)
    assert attempts == [[(7, AT, "")], [(7, AT, "")]] and written == [(7, AT, "")]


def test_counts_come_from_the_workers_tally_while_the_database_is_unreachable(app, monkeypatch):
    batch = make_batch()
    clock = [100.0]
    monkeypatch.setattr(scan_buffer, "clock", lambda: clock[0])
    buffer = ScanBuffer(delay=60, refresh=5)
    buffer.add(batch.id, AT)
    assert buffer.count(batch.id) == (1, AT)
    clock[0] += 20

    def down(ids):
        raise _unreachable()

    monkeypatch.setattr(scan_buffer, "read_counts", down)
    assert buffer.count(batch.id) == (1, AT)  # no error, no page lost: what the worker knows
    buffer.add(batch.id, AT)
    assert buffer.count(batch.id) == (2, AT)
