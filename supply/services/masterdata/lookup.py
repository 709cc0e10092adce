"""Find master-data records by code (with the error a user should see when one is missing), and create them."""

from __future__ import annotations

from peewee import IntegrityError

from supply.db import db
from supply.i18n import N_
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound


def party_by_code(code: str, field: str | None = None) -> Party:
    """Return the party with this code; unknown is a field error when `field` is given, else 404."""
    party = Party.get_or_none(Party.code == code)
    if party is None:
        if field:
            raise Invalid.field(field, N_("Unknown party code."))
        raise NotFound(N_("No party with this code."))
    return party


def site_by_code(code: str, field: str | None = None) -> Site:
    """Return the site with this code (and its party); unknown is a field error or 404."""
    site = Site.select(Site, Party).join(Party).where(Site.code == code).get_or_none()
    if site is None:
        if field:
            raise Invalid.field(field, N_("Unknown site code."))
        raise NotFound(N_("No site with this code."))
    return site


def product_by_code(code: str, field: str | None = None) -> Product:
    """Return the product with this code; unknown is a field error or 404."""
    product = Product.get_or_none(Product.code == code)
    if product is None:
        if field:
            raise Invalid.field(field, N_("Unknown product code."))
        raise NotFound(N_("No product with this code."))
    return product


def create_coded(model, data: dict):
    """Create a master-data record whose code must be free: a taken code, checked or raced in, is a 409 on `code`."""
    if model.select().where(model.code == data["code"]).exists():
        raise Conflict.field("code", N_("This code is taken."))
    try:
        with db.atomic():
            return model.create(**data)
    except IntegrityError as exc:
        raise Conflict.field("code", N_("This code is taken.")) from exc
