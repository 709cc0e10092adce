"""Builders for chain-of-custody tests: register lots through the services, post transformations."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from supply.clock import LOCAL_TZ
from supply.models import Batch
from supply.models import Holding
from supply.services.custody.batches import register_batch
from supply.services.custody.shipments import create_shipment
from supply.services.custody.transformations import transform
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in

# Seedlings come before their planting, and a harvest from a planting after it (register's default day is 07-01).
SEEDLINGS_ON = datetime.date(2026, 5, 20)
PLANTED_AT = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=LOCAL_TZ)


def register(user, site, product, quantity: str = "500", **extra) -> Batch:
    """Register a lot through the service, as a producer would."""
    data = {"product": product.code, "site": site.code, "quantity": Decimal(quantity),
            "produced_on": datetime.date(2026, 7, 1), **extra}
    return register_batch(user, data)


def run(user, kind: str, site, inputs: list[tuple], outputs: list[dict], **extra) -> dict:
    """Record a transformation; inputs as (batch, quantity or None), outputs with Decimal quantities."""
    data = {"kind": kind, "site": site.code,
            "inputs": [{"lot": b.lot_code, "quantity": None if q is None else Decimal(q)} for b, q in inputs],
            "outputs": [{**o, "quantity": Decimal(o["quantity"])} for o in outputs], **extra}
    if "loss" in data:
        data["loss"] = Decimal(data["loss"])
    return transform(user, data)


def shipping_world(app):
    """A cooperative with a packhouse and a lot on hand, an operator with a cold store, and their API headers."""
    coop = make_user()
    operator = make_user(role="operator")
    site = make_site(party=coop.party, kind="packhouse")
    return {"coop": coop, "operator": operator, "site": site, "batch": make_batch(site=site),
            "cold_store": make_site(party=operator.party, kind="cold_store"),
            "coop_h": auth_header(coop), "op_h": auth_header(operator)}


def records_world(app):
    """A cooperative producer with 500 kg of broccoli at its packhouse, and an operator with a cold store."""
    coop = make_user(role="producer", party=make_party(kind="cooperative"))
    packhouse = make_site(party=coop.party, kind="packhouse")
    operator = make_user(role="operator", party=make_party(kind="operator"))
    cold = make_site(party=operator.party, kind="cold_store")
    batch = register(coop, packhouse, make_product(category="vegetable", unit="kg"), "500", lot_code="REC-1")
    return SimpleNamespace(coop=coop, packhouse=packhouse, operator=operator, cold=cold, batch=batch)


def shipment_pages_world(client):
    """A signed-in cooperative producer holding 500 kg at its packhouse, and an operator to ship to."""
    sender = make_user(role="producer")
    site = make_site(party=sender.party, kind="packhouse")
    receiver_party = make_party(kind="operator")
    receiver = make_user(party=receiver_party, role="operator")
    cold = make_site(party=receiver_party, kind="cold_store")
    batch = make_batch(site=site, product=make_product(), quantity=Decimal("500"))
    log_in(client, sender)
    return SimpleNamespace(sender=sender, site=site, receiver=receiver, receiver_party=receiver_party, cold=cold,
                           batch=batch)


def idempotency_world():
    """A cooperative's producer, its site, a lot there, and an operator party to ship to."""
    coop = make_user()
    site = make_site(party=coop.party)
    return coop, site, make_batch(site=site), make_party(kind="operator")


def ship_form(world, /, lines=None, **overrides) -> dict:
    """Fill the shipment form with good values and five line rows (the first one filled)."""
    data = {"from_site": world.site.code, "to_party": world.receiver_party.code, "to_site": "",
            "carrier": "青海顺达物流", "vehicle_plate": "青A·12345", "departed_at": "2026-07-15T08:30",
            "doc_number": "DN-0715", "set_point": "4", "rows": "5"}
    lines = lines if lines is not None else [(world.batch.lot_code, "100")]
    for i in range(5):
        lot, quantity = lines[i] if i < len(lines) else ("", "")
        data[f"lines.{i}.lot"], data[f"lines.{i}.quantity"] = lot, quantity
    data.update(overrides)
    return data


def shipped(world, quantity: str = "100"):
    """Send part of the world's batch to the receiver through the service, on the morning of its harvest day."""
    return create_shipment(world.sender, {"from_site": world.site.code, "to_party": world.receiver_party.code,
                                          "departed_at": datetime.datetime(2026, 7, 15, 8, 30, tzinfo=LOCAL_TZ),
                                          "lines": [{"lot": world.batch.lot_code, "quantity": Decimal(quantity)}]})


def fresh(batch: Batch) -> Batch:
    """Read a batch again."""
    return Batch.get_by_id(batch.id)


def holding(batch: Batch, site) -> Decimal:
    """Return what is on hand of a batch at a site."""
    found = Holding.get_or_none(batch=batch.id, site=site.id)
    return found.on_hand if found else Decimal(0)


def producer_at_a_site(client):
    """A signed-in producer with a site and a vegetable product (the register page's tests)."""
    user = make_user(role="producer")
    site = make_site(party=user.party)
    product = make_product(category="vegetable", unit="kg")
    log_in(client, user)
    return user, site, product


def register_form(site, product, /, **overrides) -> dict:
    """Fill the register page's form with good values."""
    data = {"product": product.code, "site": site.code, "quantity": "250.5", "unit": "", "produced_on": "2026-07-01",
            "produced_at": "", "lot_code": "", "field_name": "3号地", "ear_tag": "", "notes": ""}
    data.update(overrides)
    return data
