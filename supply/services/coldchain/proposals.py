"""Holds an excursion proposes: listed among the holds as `proposed`; an inspector confirms one (a normal hold is
placed on the lot and everything made from it) or dismisses it with a reason.

A proposed hold does not stop the lot: only a confirmed one does (supply.services.inspection.holds).
"""

from __future__ import annotations

from peewee import JOIN

from supply import permissions
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Batch
from supply.models import Excursion
from supply.models import HoldProposal
from supply.models import ReadingSeries
from supply.models import Shipment
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.custody import stock
from supply.services.custody import timeline
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.inspection.holds import place_hold
from supply.units import quantity_text

PROPOSED, CONFIRMED, DISMISSED = "proposed", "confirmed", "dismissed"
PROPOSAL_STATUSES = (PROPOSED, CONFIRMED, DISMISSED)


def propose(excursion: Excursion, batch_ids: list[int]) -> None:
    """Propose a hold on each lot the excursion's goods were (in the caller's transaction)."""
    HoldProposal.insert_many([{"excursion": excursion.id, "batch": batch_id, "created_at": utcnow()}
                              for batch_id in sorted(set(batch_ids))]).execute()


def list_proposals(actor: User, status: str = PROPOSED):
    """Return the hold proposals (proposed ones unless asked otherwise), newest first, for inspectors and admins."""
    permissions.require_inspector(actor)
    query = (HoldProposal.select(HoldProposal, Excursion, Batch, ReadingSeries, Shipment)
             .join(Excursion).join(ReadingSeries).join(Shipment, JOIN.LEFT_OUTER)
             .switch(HoldProposal).join(Batch))
    if status in PROPOSAL_STATUSES:
        query = query.where(HoldProposal.status == status)
    return query.order_by(HoldProposal.created_at.desc(), HoldProposal.id.desc())


def get_proposal(proposal_id: int) -> HoldProposal:
    """Return a hold proposal by its id, or 404."""
    proposal = HoldProposal.get_or_none(HoldProposal.id == proposal_id)
    if proposal is None:
        raise NotFound(N_("No proposed hold with this id."))
    return proposal


def excursion_text(excursion: Excursion) -> str:
    """Describe an excursion in figures (a confirmed hold's reason when the inspector gives none)."""
    series = excursion.series
    where = series.shipment.code if series.shipment_id else series.storing.event_id
    return (f"{where}: {quantity_text(excursion.lowest)}–{quantity_text(excursion.highest)} °C, "
            f"{timeline.stamp(excursion.started_at)} – {timeline.stamp(excursion.ended_at)}")


def _decidable(proposal_id: int) -> HoldProposal:
    proposal = get_proposal(proposal_id)
    stock.lock_batches([proposal.batch_id])
    proposal = get_proposal(proposal_id)  # again under the lot's lock: one decision wins
    if proposal.status != PROPOSED:
        raise Conflict(N_("This proposed hold has been decided already."))
    return proposal


@audited("hold_proposal.confirm")
def confirm_proposal(actor: User, proposal_id: int, reason: str = "") -> HoldProposal:
    """Confirm a proposed hold: the lot and everything made from it are held."""
    permissions.require_inspector(actor)
    with db.atomic():
        proposal = _decidable(proposal_id)
        hold = place_hold(actor, proposal.batch, (reason or "").strip() or excursion_text(proposal.excursion))
        (HoldProposal.update(status=CONFIRMED, hold=hold, decided_by=actor, decided_at=utcnow(),
                             reason=(reason or "").strip())
         .where(HoldProposal.id == proposal.id).execute())
        return HoldProposal.get_by_id(proposal.id)


@audited("hold_proposal.dismiss")
def dismiss_proposal(actor: User, proposal_id: int, reason: str) -> HoldProposal:
    """Dismiss a proposed hold with a reason; the lot was never stopped by it."""
    permissions.require_inspector(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", N_("Give a reason for dismissing the proposed hold."))
    with db.atomic():
        proposal = _decidable(proposal_id)
        (HoldProposal.update(status=DISMISSED, decided_by=actor, decided_at=utcnow(), reason=reason)
         .where(HoldProposal.id == proposal.id).execute())
        return HoldProposal.get_by_id(proposal.id)
