"""The label sheet's speed, a part of bench/scan_speed.py: 500 labels on A4, cold, from the disk cache and warm."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.masterdata import ADMIN_EMAIL
from supply import create_app
from supply.db import db
from supply.models import User
from supply.services.public import qr

SHEET_AIM_S = 2.0
SHEET_LABELS = 500


def time_sheet(args: argparse.Namespace, instance: Path) -> dict:
    """Render a 500-label A4 sheet through the real view, signed in: cold, from the disk cache, warm."""
    app = create_app({"DATABASE_URL": args.database_url}, instance_path=str(instance))
    admin = User.get(User.email == ADMIN_EMAIL)
    lots = [lot for (lot,) in db.execute_sql("SELECT lot_code FROM batch ORDER BY random() LIMIT %s",
                                             (SHEET_LABELS + 1,)).fetchall()]
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = admin.id
        session["pw"] = admin.password_hash[-12:]

    def render(chosen: list[str]) -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get("/labels", query_string={"lots": ",".join(chosen), "format": "sheet"})
        seconds = time.perf_counter() - started
        if response.status_code != 200 or b"<svg" not in response.data:
            raise RuntimeError(f"/labels answered {response.status_code} without labels")
        return seconds, len(response.data)

    def use_codes(folder) -> None:  # a new QrCodes keeps nothing in memory
        app.extensions["qr_codes"] = qr.QrCodes(folder)

    sheet = lots[:SHEET_LABELS]
    use_codes(instance / "qr-warm-up")
    render(lots[SHEET_LABELS:])  # templates compiled and the view imported, on a lot outside the sheet
    folder = instance / "qr-cold"
    use_codes(folder)
    cold, size = render(sheet)
    use_codes(folder)
    disk, _ = render(sheet)
    warm = min(render(sheet)[0] for _ in range(3))
    return {"labels": len(sheet), "sheets": -(-len(sheet) // 24), "bytes": size, "cold_s": round(cold, 3),
            "disk_cache_s": round(disk, 3), "warm_s": round(warm, 3),
            "qr_files_made": sum(1 for _ in folder.glob("*.txt"))}
