"""The pool pings a connection on checkout only when it sat idle: no round trip per request under load."""

from __future__ import annotations

from types import SimpleNamespace

from supply import db as supply_db


class FakeAdapter:
    """Reads a fake connection's transaction status."""

    txn_idle, txn_unknown = "idle", "unknown"

    def txn_status(self, conn):
        return conn.status


class FakePool:
    """The parts of peewee's pooled database the helper wraps; records every ping."""

    def __init__(self):
        self._adapter = FakeAdapter()
        self.pings = []

    def _is_closed(self, conn):
        self.pings.append(conn)
        return conn.dead

    def _can_reuse(self, conn):
        return conn.status != "unknown"

    def conn_key(self, conn):
        return id(conn)


def test_only_idle_or_doubtful_connections_are_pinged(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(supply_db.time, "monotonic", lambda: clock[0])
    pool = FakePool()
    supply_db.ping_only_idle_connections(pool)
    conn = SimpleNamespace(closed=False, status="idle", dead=False)
    assert pool._is_closed(conn) is False and len(pool.pings) == 1  # never seen back: pinged
    assert pool._can_reuse(conn)
    clock[0] += 0.5
    assert pool._is_closed(conn) is False and len(pool.pings) == 1  # back half a second ago: handed out
    assert pool._is_closed(conn) is False and len(pool.pings) == 2  # checked out again without a return
    pool._can_reuse(conn)
    clock[0] += supply_db.LIVENESS_WINDOW + 1
    conn.dead = True
    assert pool._is_closed(conn) is True and len(pool.pings) == 3  # idle too long: pinged, found dead
    conn.dead = False
    pool._can_reuse(conn)
    conn.status = "active"
    assert pool._is_closed(conn) is False and len(pool.pings) == 4  # left in a transaction: pinged
    conn.status = "unknown"
    assert pool._can_reuse(conn) is False
    assert pool._is_closed(conn) is False and len(pool.pings) == 5
