"""Builders for chain-of-custody tests: register lots through the services, post transformations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from supply.models import Batch
from supply.services.custody.batches import register_batch
from supply.services.custody.transformations import transform


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
