"""Who may do what: every role and party check of the service lives here."""

from __future__ import annotations

from supply.i18n import N_
from supply.models import Party
from supply.models import Site
from supply.models import User
from supply.services.errors import Forbidden
from supply.services.errors import NotFound

# Which party kinds a user of each role may belong to.
ROLE_PARTY_KINDS = {
    "admin": None,
    "producer": ("farm", "cooperative"),
    "operator": ("cooperative", "operator", "retailer"),
    "inspector": ("inspector", "certifier"),
    "observer": None,  # the city's bureau: reads the city's dashboard, writes nothing
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
    # The same answer as for a lot that does not exist: a stranger learns nothing of another party's lots.
    raise NotFound(N_("No batch with this lot code."))


def may_edit_batch(actor: User, holder_id: int) -> bool:
    """Tell whether the actor may change a batch held by this party (admins, or the holder's producers/operators)."""
    return is_admin(actor) or (actor.role in ("producer", "operator") and acts_for(actor, holder_id))


def require_edits_batch(actor: User, holder_id: int) -> None:
    """Refuse to edit a batch the actor's party does not hold."""
    if may_edit_batch(actor, holder_id):
        return
    raise Forbidden(N_("Only the party holding this batch may change it."))


# Shipments and error declarations.
# Events corrected through their own workflow (tests, holds, recalls) or that undo another (cancellations).
UNDECLARABLE_STEPS = ("inspecting", "holding", "void_shipping")


def may_receive(actor: User, receiver_id: int) -> bool:
    """Tell whether the actor may receive a shipment sent to this party (admins, or the receiving party)."""
    return is_admin(actor) or acts_for(actor, receiver_id)


def may_cancel(actor: User, sender_id: int) -> bool:
    """Tell whether the actor may cancel a shipment sent by this party (admins, or the sending party)."""
    return is_admin(actor) or acts_for(actor, sender_id)


def may_declare(actor: User, party_id: int) -> bool:
    """Tell whether the actor may declare in error an event recorded by this party (admins, or that party)."""
    return is_admin(actor) or acts_for(actor, party_id)


def require_receives(actor: User, receiver_id: int) -> None:
    """Refuse to receive a shipment sent to another party."""
    if not may_receive(actor, receiver_id):
        raise Forbidden(N_("Only the receiving party may receive this shipment."))


def require_cancels(actor: User, sender_id: int) -> None:
    """Refuse to cancel a shipment another party sent."""
    if not may_cancel(actor, sender_id):
        raise Forbidden(N_("Only the sending party may cancel this shipment."))


def require_declares(actor: User, party_id: int) -> None:
    """Refuse to declare in error an event another party recorded."""
    if not may_declare(actor, party_id):
        raise Forbidden(N_("Only the party that recorded this event may declare it in error."))


# Certification, inspection and recalls.
INSPECTING_ROLES = ("admin", "inspector")


def is_inspector(actor: User) -> bool:
    """Tell whether the actor reviews certificates, records tests, holds and recalls (inspectors and admins)."""
    return actor.role in INSPECTING_ROLES


def require_inspector(actor: User) -> None:
    """Refuse anyone but an inspector or an admin."""
    if not is_inspector(actor):
        raise Forbidden(N_("Only an inspector may do this."))


def require_submits_for(actor: User, party_id: int, field: str = "party") -> None:
    """Refuse to submit or issue a certificate for a party the actor does not act for (admins may for any)."""
    if is_admin(actor):
        return
    if actor.role not in ("producer", "operator"):
        raise Forbidden(N_("Your role may not submit certificates."))
    if not acts_for(actor, party_id):
        raise Forbidden.field(field, N_("You may only submit certificates of your own party."))


def require_reviews(actor: User, holder_party_id: int, submitted_by_id: int | None) -> None:
    """Refuse a review by anyone but an inspector, and by anyone reviewing their own party's certificate."""
    require_inspector(actor)
    if acts_for(actor, holder_party_id) or (submitted_by_id is not None and submitted_by_id == actor.id):
        raise Forbidden(N_("No one may review their own party's certificate."))


def sees_certificate(actor: User, holder_party_id: int, issuer_party_id: int | None) -> bool:
    """Tell whether the actor may see a certificate's private parts (documents, history, rejected ones)."""
    return reads_everything(actor) or acts_for(actor, holder_party_id) or acts_for(actor, issuer_party_id)


def require_sees_certificate(actor: User, holder_party_id: int, issuer_party_id: int | None) -> None:
    """Refuse to show a certificate's documents and history to another party."""
    if not sees_certificate(actor, holder_party_id, issuer_party_id):
        raise Forbidden(N_("This certificate belongs to another party."))


def require_reads_audit(actor: User) -> None:
    """Refuse the audit log to anyone but admins and inspectors."""
    if not reads_everything(actor):
        raise Forbidden(N_("Only administrators and inspectors may read the audit log."))
