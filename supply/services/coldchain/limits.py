"""Temperature limits: each product category's, editable by admins; which limits watch a shipment or a stored lot.

A shipment carrying lots of several categories is held to the narrowest limits of them all; one whose set point is
at or below -18 °C carries frozen goods and is held to the frozen limit whatever its categories. Categories with no
limits (live yaks, seedlings) are not watched.
"""

from __future__ import annotations

from decimal import Decimal

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Batch
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import TemperatureLimit
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.coldchain.reading_input import celsius
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.units import CATEGORIES

FROZEN = "frozen"
FROZEN_SET_POINT = Decimal(-18)
LIMIT_CATEGORIES = (*CATEGORIES, FROZEN)

Limits = tuple[Decimal | None, Decimal | None]


def list_limits() -> list[TemperatureLimit]:
    """Return the limits of every category that has some, in the order of the categories."""
    rows = {row.category: row for row in TemperatureLimit.select()}
    return [rows[category] for category in LIMIT_CATEGORIES if category in rows]


def _bound(value, field: str) -> Decimal | None:
    return None if value is None or value == "" else celsius(value, field)


@audited("temperature_limits.set")
def set_limits(actor: User, category: str, low, high) -> TemperatureLimit:
    """Set a category's limits (admins); an empty bound is no bound on that side, both empty watches nothing."""
    permissions.require_admin(actor)
    if category not in LIMIT_CATEGORIES:
        raise NotFound(N_("No such product category."))
    low, high = _bound(low, "low"), _bound(high, "high")
    if low is not None and high is not None and low > high:
        raise Invalid.field("high", N_("The upper limit is below the lower one."))
    with db.atomic():
        row = TemperatureLimit.get_or_none(TemperatureLimit.category == category)
        if row is None:
            row = TemperatureLimit(category=category)
        row.low, row.high, row.updated_by, row.updated_at = low, high, actor, utcnow()
        row.save()
        return row


def _narrowest(limits: list[Limits]) -> Limits:
    lows = [low for low, _high in limits if low is not None]
    highs = [high for _low, high in limits if high is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _of_categories(categories: set[str]) -> Limits:
    rows = TemperatureLimit.select().where(TemperatureLimit.category.in_(sorted(categories)))
    return _narrowest([(row.low, row.high) for row in rows])


def shipment_limits(shipment: Shipment) -> Limits:
    """Return the limits a shipment is watched against (None, None: not watched)."""
    if shipment.set_point is not None and shipment.set_point <= FROZEN_SET_POINT:
        return _of_categories({FROZEN})
    categories = {row[0] for row in (Product.select(Product.category).join(Batch).join(ShipmentLine)
                                     .where(ShipmentLine.shipment == shipment.id).tuples())}
    return _of_categories(categories)


def lot_limits(batch: Batch) -> Limits:
    """Return the limits a stored lot is watched against."""
    return _of_categories({batch.product.category})
