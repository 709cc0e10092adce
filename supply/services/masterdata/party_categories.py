"""Which product categories a party works with, so that its forms offer those products first and no others.

The rule: the categories of the lots the party has registered or holds; a party with no lots yet works with what its
sites are for (a field grows vegetables and strawberries, a pasture keeps live yak, an abattoir makes yak meat). A
party with neither (or an admin) is offered every category. This only narrows what a form offers: the services still
accept any product that fits the site, so a cooperative that starts on a new crop can pick it from the full list.
"""

from __future__ import annotations

from supply.models import Batch
from supply.models import Product
from supply.models import Site
from supply.units import CATEGORIES

SITE_KIND_CATEGORIES = {
    "field": ("vegetable", "strawberry"),
    "greenhouse": ("vegetable", "strawberry", "mushroom"),
    "nursery": ("strawberry_seedling",),
    "pasture": ("live_yak",),
    "abattoir": ("live_yak", "yak_meat"),
    "processing_plant": ("yak_meat",),
}


def categories_of_party(party_id: int | None) -> tuple[str, ...]:
    """Return the categories a party works with, in the usual order (every category when nothing says)."""
    if party_id is None:
        return CATEGORIES
    worked = {row.category for row in (
        Product.select(Product.category)
        .join(Batch, on=(Batch.product == Product.id))
        .where((Batch.origin_party == party_id) | (Batch.holder == party_id))
        .distinct()
    )}
    if not worked:
        kinds = {site.kind for site in Site.select(Site.kind).where(Site.party == party_id)}
        worked = {category for kind in kinds for category in SITE_KIND_CATEGORIES.get(kind, ())}
    return tuple(category for category in CATEGORIES if category in worked) or CATEGORIES
