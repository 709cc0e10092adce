"""Builders for cold chain tests: a shipment of vegetables over 14 hours, and logger files with excursions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from supply.clock import LOCAL_TZ
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from tests.builders.custody import register
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

DEPARTED = datetime.datetime(2026, 7, 15, 8, 0, tzinfo=LOCAL_TZ)
ARRIVED = DEPARTED + datetime.timedelta(hours=14)
STEP = datetime.timedelta(minutes=5)


def cold_chain_world(received: bool = True, category: str = "vegetable") -> SimpleNamespace:
    """A cooperative ships 100 kg of a vegetable lot to an operator's cold store over 14 hours (08:00 to 22:00)."""
    coop = make_user(role="producer", party=make_party(kind="cooperative"))
    packhouse = make_site(party=coop.party, kind="packhouse")
    operator = make_user(role="operator", party=make_party(kind="operator"))
    cold = make_site(party=operator.party, kind="cold_store")
    inspector = make_user(role="inspector")
    batch = register(coop, packhouse, make_product(category=category, unit="kg"), "500")
    shipment = create_shipment(coop, {"from_site": packhouse.code, "to_party": operator.party.code,
                                      "to_site": cold.code, "departed_at": DEPARTED, "set_point": Decimal("2"),
                                      "lines": [{"lot": batch.lot_code, "quantity": Decimal("100")}]})
    if received:
        receive_shipment(operator, shipment.code, {"site": cold.code, "received_at": ARRIVED})
    return SimpleNamespace(coop=coop, packhouse=packhouse, operator=operator, cold=cold, inspector=inspector,
                           batch=batch, shipment=shipment, coop_h=auth_header(coop), op_h=auth_header(operator),
                           inspector_h=auth_header(inspector))


def temperatures(excursion_minutes: int = 0, at_minute: int = 240, hot: str = "6.5") -> list[tuple]:
    """Readings every 5 minutes from departure to arrival, between 0.5 and 3.8 °C, with one excursion of
    `excursion_minutes` (outside from `at_minute`, back inside that many minutes later) at `hot` °C."""
    rows, when, i = [], DEPARTED, 0
    while when <= ARRIVED:
        minute = i * 5
        value = Decimal("0.5") if i == 3 else Decimal("3.8") if i == 7 else Decimal("2.0") + Decimal(i % 4) / 10
        if excursion_minutes and at_minute <= minute < at_minute + excursion_minutes:
            value = Decimal(hot) + Decimal(i % 3) / 10
        rows.append((when, value))
        when, i = when + STEP, i + 1
    return rows


def logger_csv(rows: list[tuple], header: str = "time,temperature,humidity", logger: str = "RC5-0042") -> bytes:
    """Write readings as the generic logger file (ISO 8601 times with +08:00, °C, a humidity column)."""
    lines = [f"# logger: {logger}", header]
    lines += [f"{when.isoformat()},{value},85" for when, value in rows]
    return ("\n".join(lines) + "\n").encode()


def reading_batch(rows: list[tuple], logger: str = "") -> dict:
    """Write readings as the API's JSON batch."""
    return {"readings": [{"time": when.isoformat(), "temperature": str(value), **({"logger": logger} if logger
                                                                                  else {})}
                         for when, value in rows]}
