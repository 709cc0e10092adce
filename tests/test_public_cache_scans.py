"""Scans held by the worker and written together: counted on the page at once, written within the delay."""

from __future__ import annotations

import datetime
import re
import threading
from types import SimpleNamespace

from supply.models import Scan
from supply.services import scan_buffer
from supply.services.scan_buffer import ScanBuffer
from tests.factories import make_batch

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
    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(is_closed=lambda: False))
    buffer = ScanBuffer(delay=60, size=3)
    buffer.add(1, AT)
    buffer.add(2, AT)
    assert not done.wait(0.2) and buffer.held(1) == (1, AT)
    buffer.add(3, AT)
    assert done.wait(5)
    assert written == [(1, AT), (2, AT), (3, AT)] and threads != [threading.current_thread()]
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
    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(is_closed=lambda: False))
    buffer = ScanBuffer(delay=0.05)
    buffer.add(7, AT)
    buffer.add(8, AT)
    assert buffer.held(7) == (1, AT)
    assert done.wait(5)
    assert written == [(7, AT), (8, AT)] and buffer.held(7) == (0, None)


def test_a_failed_write_is_logged_not_raised(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise scan_buffer.PeeweeException("server gone")

    monkeypatch.setattr(scan_buffer, "db", SimpleNamespace(param="?", execute_sql=broken))
    assert scan_buffer.write_scans([(1, AT)]) is False
    assert "1 scans not recorded" in caplog.text
