"""Temperature readings ingested through the API: `python -m bench.readings_ingest [--readings N] [--batch B]`.

A shipment of its own (a cooperative, an operator, a lot of broccoli, created for the run, departed 40 days ago and
still on its way) receives N readings, one every 30 seconds with a 45-minute excursion every 10,000, posted as JSON
batches of B readings to `POST /api/v1/shipments/<code>/readings` through the real app: JSON parsed, every reading
checked, the batch written (COPY on PostgreSQL), the series' figures refreshed and the excursions found, each batch
one committed request with its audit entry. The baseline, in the same run and the same database: the same N rows
written to another series by a plain `executemany` INSERT in one transaction, nothing checked.
"""

from __future__ import annotations

import argparse
import datetime
import secrets
import tempfile
import time
from decimal import Decimal

from bench.database import bind
from supply import create_app
from supply.clock import utcnow
from supply.db import db
from supply.identifiers import uscc_check_char
from supply.models import Party
from supply.models import Product
from supply.models import ReadingSeries
from supply.models import Site
from supply.models import User
from supply.services.accounts.tokens import create_token
from supply.services.custody.batches import register_batch
from supply.services.custody.shipments import create_shipment

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_readings"
AIM_SECONDS = 5.0


def _party(tag: str, kind: str) -> Party:
    body = "9163" + "0100" + "".join(secrets.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return Party.create(code=f"BR-{tag}-{kind[:2]}", name=f"读数测速{kind}{tag}", kind=kind,
                        credit_code=body + uscc_check_char(body))


def _shipment(tag: str, departed: datetime.datetime):
    """Create the run's sender with a lot of broccoli, its receiver, and one shipment between them."""
    sender, receiver = _party(tag, "cooperative"), _party(tag, "operator")
    site = Site.create(party=sender, code=f"BR-{tag}-P", name="测速包装厂", kind="packhouse", county="湟中区")
    Site.create(party=receiver, code=f"BR-{tag}-C", name="测速冷库", kind="cold_store", county="城东区")
    product = Product.get_or_none(Product.code == "BR-BROCCOLI") or Product.create(
        code="BR-BROCCOLI", category="vegetable", name="西兰花", name_en="Broccoli", unit="kg")
    user = User.create(email=f"bench-readings-{tag}@example.com", name="Readings bench", role="producer",
                       party=sender, password_hash="!")
    lot = register_batch(user, {"product": product.code, "site": site.code, "quantity": Decimal(500),
                                "produced_on": (departed - datetime.timedelta(days=1)).date()})
    shipment = create_shipment(user, {"from_site": site.code, "to_party": receiver.code, "departed_at": departed,
                                      "lines": [{"lot": lot.lot_code, "quantity": Decimal(100)}]})
    return user, shipment


def _readings(start: datetime.datetime, count: int) -> list[tuple[datetime.datetime, Decimal]]:
    rows = []
    for i in range(count):
        hot = i % 10_000 >= 5_000 and i % 10_000 < 5_090  # 90 readings: 45 minutes outside
        rows.append((start + datetime.timedelta(seconds=30 * i), Decimal("7.2") if hot else Decimal(20 + i % 17) / 10))
    return rows


def run(url: str, count: int, batch: int) -> dict:
    """Time the API ingest of `count` readings and the plain INSERT of the same rows; return the figures."""
    bind(url)
    app = create_app({"DATABASE_URL": url}, instance_path=tempfile.mkdtemp(prefix="bench-readings-"))
    tag = secrets.token_hex(3).upper()
    departed = (utcnow() - datetime.timedelta(days=40)).replace(microsecond=0, tzinfo=datetime.UTC)
    user, shipment = _shipment(tag, departed)
    _other_user, other = _shipment(tag + "B", departed)
    token, _ = create_token(user)
    rows = _readings(departed + datetime.timedelta(minutes=1), count)
    bodies = [{"readings": [{"time": when.isoformat(), "temperature": str(value), "logger": "BENCH"}
                            for when, value in rows[start:start + batch]]} for start in range(0, count, batch)]
    db.close()
    client = app.test_client()
    started = time.perf_counter()
    excursions = 0
    for body in bodies:
        response = client.post(f"/api/v1/shipments/{shipment.code}/readings", json=body,
                               headers={"Authorization": f"Bearer {token}"})
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)[:500]}")
        excursions += len(response.get_json()["new_excursions"])
    api_seconds = time.perf_counter() - started
    db.connect(reuse_if_open=True)
    series = ReadingSeries.create(shipment=other)
    values = [(series.id, when.replace(tzinfo=None), int(value * 100), None, "BENCH") for when, value in rows]
    started = time.perf_counter()
    with db.atomic():
        db.cursor().executemany("INSERT INTO temperature_reading (series_id, taken_at, celsius, humidity, logger) "
                                "VALUES (%s, %s, %s, %s, %s)", values)
    plain_seconds = time.perf_counter() - started
    db.close()
    return {"readings": count, "batch": batch, "requests": len(bodies), "api_seconds": round(api_seconds, 2),
            "per_second": round(count / api_seconds), "plain_insert_seconds": round(plain_seconds, 2),
            "ratio": round(api_seconds / plain_seconds, 2), "excursions": excursions,
            "aim_met": api_seconds < AIM_SECONDS}


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    figures = run(args.database_url, args.readings, args.batch)
    for key, value in figures.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
