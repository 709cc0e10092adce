"""Select options of the shipment and transformation forms: own sites, other parties, lots on hand, products."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from supply import permissions
from supply.clock import to_local
from supply.clock import utcnow
from supply.services.custody import reads as custody_reads
from supply.services.masterdata import parties as party_service
from supply.services.masterdata import products as product_service
from supply.views.filters import local_name
from supply.views.filters import quantity
from supply.views.labels import UNIT_LABELS
from supply.views.pages import code_options
from supply.views.rows import lot_options

# Parties a shipment may go to.
RECEIVING_KINDS = ("operator", "cooperative", "retailer")


@dataclass
class LotChoice:
    """How a form offers lots: a select of what the party holds, or (too many, or an admin) typed with hints."""

    groups: list
    as_select: bool


def now_input() -> str:
    """Return the current Beijing time as a datetime-local input value."""
    return to_local(utcnow()).strftime("%Y-%m-%dT%H:%M")


def own_site_options() -> list[tuple[str, str]]:
    """List the sites the user may act at: every site for an admin, else the user's party's sites."""
    if permissions.is_admin(g.user):
        return code_options(party_service.list_sites({}))
    if g.user.party_id is None:
        return []
    return code_options(party_service.list_sites({"party": g.user.party.code}))


def receiving_parties() -> list:
    """List the parties a shipment from the user's party may go to."""
    return [party for party in party_service.list_parties({})
            if party.kind in RECEIVING_KINDS and party.id != g.user.party_id]


def sites_by_party(parties: list) -> list[tuple[str, list[tuple[str, str]]]]:
    """Group the sites of these parties by party, for a select box with one group per party."""
    wanted = {party.id for party in parties}
    groups: dict[int, tuple[str, list]] = {}
    for site in party_service.list_sites({}):
        if site.party_id in wanted:
            group = groups.setdefault(site.party_id, (f"{local_name(site.party)} ({site.party.code})", []))
            group[1].append((site.code, f"{local_name(site)} ({site.code})"))
    return list(groups.values())


def lot_choice(site_code: str | None = None, categories: tuple[str, ...] | None = None) -> LotChoice:
    """Offer the lots the user's party holds (an admin: those at the chosen site), grouped by site."""
    party_id = None if permissions.is_admin(g.user) else g.user.party_id
    holdings = custody_reads.holdings_of(party_id, site_code if party_id is None else None, categories)
    as_select = party_id is not None and len(holdings) < custody_reads.MAX_HOLDINGS
    return LotChoice(groups=lot_options(holdings), as_select=as_select)


def held_lot(lot_code: str) -> dict:
    """Return the site and quantity of the user's party's largest holding of a lot ({} when it holds none)."""
    if not lot_code or g.user.party_id is None:
        return {}
    holdings = custody_reads.holdings_of(g.user.party_id, lot_code=lot_code[:20])
    if not holdings:
        return {}
    best = max(holdings, key=lambda holding: holding.on_hand)
    return {"site": best.site.code, "quantity": quantity(best.on_hand)}


def product_options(categories: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """List products (of the given categories) with their default unit."""
    return [(product.code, f"{local_name(product)} ({product.code}) · {UNIT_LABELS.get(product.unit, product.unit)}")
            for product in product_service.list_products({})
            if categories is None or product.category in categories]
