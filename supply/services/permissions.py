"""Who may do what: every role and party check of the service lives here."""

from __future__ import annotations

from supply.models import Party
from supply.models import Site
from supply.models import User
from supply.services.errors import N_
from supply.services.errors import Forbidden

# Which party kinds a user of each role may belong to.
ROLE_PARTY_KINDS = {
    "admin": None,
    "producer": ("farm", "cooperative"),
    "operator": ("cooperative", "operator", "retailer"),
    "inspector": ("inspector", "certifier"),
}
# Roles that may register batches (at their own party's sites; admins anywhere).
REGISTERING_ROLES = ("admin", "producer", "operator")


def is_admin(actor: User) -> bool:
    """Tell whether the actor administers the service."""
    return actor.role == "admin"


def reads_everything(actor: User) -> bool:
    """Tell whether the actor may read every party's records (admins and inspectors)."""
    return actor.role in ("admin", "inspector")


def require_admin(actor: User) -> None:
    """Refuse anyone but an admin."""
    if not is_admin(actor):
        raise Forbidden(N_("Only an administrator may do this."))


def acts_for(actor: User, party_id: int | None) -> bool:
    """Tell whether the actor acts for the party with this id."""
    return actor.party_id is not None and actor.party_id == party_id


def sees_private(actor: User, party: Party) -> bool:
    """Tell whether the actor may see a party's private data (contact phone)."""
    return reads_everything(actor) or acts_for(actor, party.id)


def require_can_register_at(actor: User, site: Site) -> None:
    """Refuse a batch registration at a site the actor may not use."""
    if actor.role not in REGISTERING_ROLES:
        raise Forbidden(N_("Your role may not register batches."))
    if not is_admin(actor) and not acts_for(actor, site.party_id):
        raise Forbidden.field("site", N_("This site belongs to another party."))


def require_acts_at(actor: User, site: Site, field: str = "site") -> None:
    """Refuse to record goods moving at a site of another party, or by a role that does not handle goods."""
    if actor.role not in REGISTERING_ROLES:
        raise Forbidden(N_("Your role may not record movements of goods."))
    if not is_admin(actor) and not acts_for(actor, site.party_id):
        raise Forbidden.field(field, N_("This site belongs to another party."))


def require_sees_batch(actor: User, origin_party_id: int, holder_id: int, handled=lambda: False) -> None:
    """Refuse to show a batch to a user of a party that neither started, holds nor ever handled it.

    `handled` tells (lazily: it costs a query) whether the actor's party held or was sent part of the batch.
    """
    if reads_everything(actor) or acts_for(actor, origin_party_id) or acts_for(actor, holder_id):
        return
    if actor.party_id is not None and handled():
        return
    raise Forbidden(N_("This batch belongs to another party."))


def may_edit_batch(actor: User, holder_id: int) -> bool:
    """Tell whether the actor may change a batch held by this party (admins, or the holder's producers/operators)."""
    return is_admin(actor) or (actor.role in ("producer", "operator") and acts_for(actor, holder_id))


def require_edits_batch(actor: User, holder_id: int) -> None:
    """Refuse to edit a batch the actor's party does not hold."""
    if may_edit_batch(actor, holder_id):
        return
    raise Forbidden(N_("Only the party holding this batch may change it."))
