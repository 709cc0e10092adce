"""Captured EPCIS events per second, against the same events through the JSON API: `python -m bench.epcis_capture`.

One run, one PostgreSQL database, two sets of the same events over the same master data (a cooperative with a field,
an operator with a cold store, a product), each through its interface in the app's own WSGI stack (test client:
routing, token, schema, services, audit, hash chain; no sockets):
- the JSON API: N `POST /batches` by the cooperative, N/5 `POST /shipments` (five lots each), N/5
  `POST /shipments/<code>/receive` by the operator: one request per event;
- the capture interface: the same events as two EPCISDocuments (the cooperative's commissioning and shipping
  events, then the operator's receiving events), each `POST /epcis/capture`, its job run within the request
  (CAPTURE_BACKGROUND off, so the figure is the capture's own work, not a worker's polling interval).

Events per second = events written / wall seconds, and per CPU second (this process and its PostgreSQL backend).
The whole run is one transaction rolled back at the end (requests reuse the open connection), so the database stays
as it was; the figures leave out the final commit. Which side runs first alternates with --reverse.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time

from bench.database import create_postgres_database
from bench.import_speed import _backend_cpu
from bench.import_speed import _party
from supply import create_app
from supply.db import db
from supply.migrate import apply_migrations
from supply.models import Product
from supply.models import Shipment
from supply.models import Site
from supply.models import User
from supply.services.accounts.tokens import create_token

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_capture"
BASE = "https://trace.example.cn"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
           {"xn": "https://trace.xining.example/epcis/"}]
PER_SHIPMENT = 5


def _world(tag: str) -> dict:
    """Create the run's cooperative (a field), operator (a cold store), product, users and their tokens."""
    coop = _party(f"BC-{tag}", f"采集测速合作社{tag}", "cooperative")
    field = Site.create(party=coop, code=f"BC-{tag}-F1", name="多巴镇试验田", kind="field", county="湟中区")
    buyer = _party(f"BC-{tag}-B", f"采集测速冷链{tag}", "operator")
    cold = Site.create(party=buyer, code=f"BC-{tag}-B1", name="甘河冷库", kind="cold_store", county="湟中区")
    product = Product.create(code=f"BC-{tag}-BROC", category="vegetable", name="西兰花", name_en="Broccoli",
                             unit="kg")
    users = [User.create(email=f"bench-capture-{tag}-{n}@example.com", name="Capture bench", role=role, party=p,
                         password_hash="!") for n, (role, p) in enumerate((("producer", coop), ("operator", buyer)))]
    tokens = [{"Authorization": f"Bearer {create_token(user)[0]}"} for user in users]
    return {"field": field, "cold": cold, "product": product, "coop_h": tokens[0], "op_h": tokens[1]}


def _lots(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:06d}" for i in range(n)]


def _groups(lots: list[str]) -> list[list[str]]:
    return [lots[i:i + PER_SHIPMENT] for i in range(0, len(lots), PER_SHIPMENT)]


def through_json_api(client, world: dict, lots: list[str]) -> int:
    """Write the events one request each; return how many."""
    def post(url, body, headers):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.json

    for lot in lots:
        post("/api/v1/batches", {"lot_code": lot, "product": world["product"].code, "site": world["field"].code,
                                 "quantity": "100", "produced_on": "2026-07-01", "field_name": "一号地"},
             world["coop_h"])
    codes = [post("/api/v1/shipments", {
        "from_site": world["field"].code, "to_party": world["cold"].party.code, "to_site": world["cold"].code,
        "departed_at": "2026-07-02T10:00:00+08:00", "carrier": "青海冷链物流",
        "lines": [{"lot": lot, "quantity": "40"} for lot in group]}, world["coop_h"])["code"]
        for group in _groups(lots)]
    for code in codes:
        post(f"/api/v1/shipments/{code}/receive", {"site": world["cold"].code,
                                                   "received_at": "2026-07-02T15:00:00+08:00"}, world["op_h"])
    return len(lots) + 2 * len(codes)


def _document(events: list[dict]) -> bytes:
    return json.dumps({"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
                       "creationDate": "2026-07-02T18:00:00+08:00", "epcisBody": {"eventList": events}},
                      ensure_ascii=False).encode()


def documents(world: dict, lots: list[str]) -> tuple[bytes, bytes]:
    """The same events as the cooperative's document and the operator's."""
    field, cold = f"{BASE}/site/{world['field'].code}", f"{BASE}/site/{world['cold'].code}"
    own = [{"type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning", "disposition": "active",
            "eventTime": "2026-07-01T00:00:00+08:00", "eventTimeZoneOffset": "+08:00",
            "quantityList": [{"epcClass": f"{BASE}/lot/{lot}", "quantity": 100, "uom": "KGM"}],
            "bizLocation": {"id": field}, "ilmd": {"xn:producedOn": "2026-07-01", "xn:fieldName": "一号地"},
            "xn:lots": [{"xn:lotCode": lot, "xn:productCode": world["product"].code}]} for lot in lots]
    received = []
    for group in _groups(lots):
        quantities = [{"epcClass": f"{BASE}/lot/{lot}", "quantity": 40, "uom": "KGM"} for lot in group]
        own.append({"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
                    "eventTime": "2026-07-02T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
                    "quantityList": quantities, "readPoint": {"id": field}, "xn:carrier": "青海冷链物流",
                    "destinationList": [
                        {"type": "owning_party", "destination": f"{BASE}/party/{world['cold'].party.code}"},
                        {"type": "location", "destination": cold}]})
        received.append({"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving",
                         "disposition": "in_progress", "eventTime": "2026-07-02T15:00:00+08:00",
                         "eventTimeZoneOffset": "+08:00", "quantityList": quantities, "bizLocation": {"id": cold}})
    return _document(own), _document(received)


def through_capture(client, world: dict, lots: list[str]) -> int:
    """Capture the events as two documents; return how many were written."""
    written = 0
    for body, headers in zip(documents(world, lots), (world["coop_h"], world["op_h"]), strict=True):
        response = client.post("/api/v1/epcis/capture", data=body, content_type="application/ld+json",
                               headers=headers)
        assert response.status_code == 202, response.get_data(as_text=True)
        job = client.get(response.headers["Location"], headers=headers).json
        assert job["status"] == "done", job
        written += job["result"]["events"]
    return written


def _timed(name: str, write, client, world: dict, lots: list[str]) -> dict:
    backend, started, cpu = _backend_cpu(), time.perf_counter(), time.process_time()
    events = write(client, world, lots)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    figures = {f"{name}_events": events, f"{name}_seconds": round(seconds, 2),
               f"{name}_events_per_second": round(events / seconds, 1)}
    after = _backend_cpu()
    if backend is not None and after is not None:
        figures[f"{name}_events_per_cpu_second"] = round(events / (cpu + after - backend), 1)
    return figures


def measure(database_url: str, lots: int, reverse: bool = False) -> dict:
    """Write the same events through both interfaces in one rolled-back transaction; report events per second."""
    create_postgres_database(database_url)
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "CAPTURE_BACKGROUND": False,
                      "PUBLIC_BASE_URL": BASE})
    figures: dict = {}
    with db.connection_context():
        apply_migrations()
        with db.atomic() as run:
            try:
                tag = secrets.token_hex(3).upper()
                sides = [("json_api", through_json_api, "J"), ("capture", through_capture, "C")]
                for name, write, prefix in reversed(sides) if reverse else sides:
                    world = _world(f"{tag}{prefix}")
                    figures.update(_timed(name, write, app.test_client(), world, _lots(f"BC{tag}{prefix}", lots)))
                assert Shipment.select().where(Shipment.status == "received").count() >= 2 * (lots // PER_SHIPMENT)
            finally:
                run.rollback()
    figures["capture_vs_json_api"] = round(figures["capture_events_per_second"]
                                           / figures["json_api_events_per_second"], 2)
    figures["load_average"] = round(os.getloadavg()[0], 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.epcis_capture", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--lots", type=int, default=1000, help="lots registered (events: lots * 1.4)")
    parser.add_argument("--reverse", action="store_true", help="capture first, then the JSON API")
    args = parser.parse_args(argv)
    for key, value in measure(args.database_url, args.lots, args.reverse).items():
        print(f"{key:>34}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
