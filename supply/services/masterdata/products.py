"""Products: created and changed by admins, read by every signed-in user."""

from __future__ import annotations

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.identifiers import normalise_gtin
from supply.models import Batch
from supply.models import Product
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.masterdata.lookup import create_coded
from supply.services.masterdata.lookup import product_by_code
from supply.units import unit_fits


def _normalise(data: dict) -> dict:
    data = dict(data)
    if "gtin" in data:
        data["gtin"] = normalise_gtin(data["gtin"]) if data["gtin"] else None
    return data


def _require_free_gtin(gtin: str | None, own_id: int | None = None) -> None:
    if not gtin:
        return
    clash = Product.select().where(Product.gtin == gtin)
    if own_id is not None:
        clash = clash.where(Product.id != own_id)
    if clash.exists():
        raise Conflict.field("gtin", N_("Another product has this GTIN."))


@audited("products.create")
def create_product(actor: User, data: dict) -> Product:
    """Register a new product."""
    permissions.require_admin(actor)
    data = _normalise(data)
    with db.atomic():
        _require_free_gtin(data.get("gtin"))
        return create_coded(Product, data)


@audited("products.update")
def update_product(actor: User, code: str, data: dict) -> Product:
    """Change a product; its category and unit stay fixed once batches use it."""
    permissions.require_admin(actor)
    data = _normalise(data)
    with db.atomic():
        product = product_by_code(code)
        category = data.get("category", product.category)
        unit = data.get("unit", product.unit)
        if not unit_fits(category, unit):
            raise Invalid.field("unit", N_("This unit does not fit the product category."))
        changes_kind = category != product.category or unit != product.unit
        if changes_kind and Batch.select().where(Batch.product == product).exists():
            raise Conflict(N_("Batches of this product exist: its category and unit can no longer change."))
        _require_free_gtin(data.get("gtin"), product.id)
        for key, value in data.items():
            setattr(product, key, value)
        product.updated_at = utcnow()
        product.save()
        return product


def list_products(filters: dict):
    """Return the query of products matching the filters, by code."""
    query = Product.select().order_by(Product.code)
    if filters.get("category"):
        query = query.where(Product.category == filters["category"])
    return query
