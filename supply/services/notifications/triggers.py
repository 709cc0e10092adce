"""Who is told what, and when: after the writes that concern them (in the write's transaction), and reminders a
periodic job looks for (recall deadlines within 24 hours, certificates ending within 30 days)."""

from __future__ import annotations

import datetime

from supply.clock import local_today
from supply.clock import to_local
from supply.clock import utcnow
from supply.models import Batch
from supply.models import Certificate
from supply.models import Hold
from supply.models import HoldBatch
from supply.models import Holding
from supply.models import Recall
from supply.models import RecallLot
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.models import TestResult
from supply.models import User
from supply.models.certification import CertificateStatus
from supply.models.custody import ShipmentStatus
from supply.services.audit.writes import on_write
from supply.services.notifications.inbox import notify
from supply.services.notifications.kinds import DECISIONS

EXPIRING_DAYS = 30
DEADLINE_HOURS = 24
LOTS_NAMED = 5


def _users_of(party_ids) -> list[User]:
    ids = sorted(set(party_ids))
    return list(User.select().where(User.party.in_(ids), User.active == True)) if ids else []  # noqa: E712


def _when(value: datetime.datetime) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M")


def _holders_of_lots(batch_ids: list[int]) -> list[int]:
    """The parties that made, hold, held, received or are being sent these lots."""
    if not batch_ids:
        return []
    made = Batch.select(Batch.origin_party.alias("party")).where(Batch.id.in_(batch_ids))
    held = Holding.select(Holding.party).where(Holding.batch.in_(batch_ids))
    sent = (Shipment.select(Shipment.receiver).join(ShipmentLine)
            .where(ShipmentLine.batch.in_(batch_ids), Shipment.status != ShipmentStatus.CANCELLED))
    return [row[0] for row in (made | held | sent).tuples()]


def shipment_created(shipment: Shipment) -> None:
    """Tell the receiving party's users a shipment is on its way to them."""
    lots = [line.batch.lot_code for line in ShipmentLine.select(ShipmentLine, Batch).join(Batch)
            .where(ShipmentLine.shipment == shipment.id)]
    named = ", ".join(lots[:LOTS_NAMED]) + (" …" if len(lots) > LOTS_NAMED else "")
    notify(_users_of([shipment.receiver_id]), "shipment_waiting",
           {"code": shipment.code, "sender": shipment.sender.name, "lots": named,
            "departed": _when(shipment.departed_at)}, f"/shipments/{shipment.code}/receive",
           key=f"shipment:{shipment.id}")


def hold_placed(hold: Hold) -> None:
    """Tell every party that holds or held a held lot (the held lot and each one made from it)."""
    ids = [line.batch_id for line in HoldBatch.select(HoldBatch.batch).where(HoldBatch.hold == hold.id)]
    notify(_users_of(_holders_of_lots(ids)), "lot_held", {"lot": hold.batch.lot_code, "reason": hold.reason},
           f"/batches/{hold.batch.lot_code}", key=f"hold:{hold.id}")


def recall_opened(recall: Recall) -> None:
    """Tell every party that holds or held a recalled lot what to do and by when."""
    ids = [line.batch_id for line in RecallLot.select(RecallLot.batch).where(RecallLot.recall == recall.id)]
    notify(_users_of(_holders_of_lots(ids)), "lot_recalled",
           {"lot": recall.batch.lot_code, "level": recall.level, "reason": recall.reason,
            "deadline": _when(recall.finish_by)}, f"/batches/{recall.batch.lot_code}", key=f"recall:{recall.id}")


def certificate_decided(action: str, certificate: Certificate, arguments: dict) -> None:
    """Tell the holder's users what an inspector decided on their certificate."""
    data = arguments.get("data") or {}
    notify(_users_of([certificate.party_id]), "certificate_decision",
           {"number": certificate.number, "decision": DECISIONS[action], "reason": (data.get("reason") or "")},
           f"/certificates/{certificate.id}", key=f"decision:{certificate.id}:{action}:{utcnow().isoformat()}")


def excursions_found(ingested) -> None:
    """Tell the sender, the receiver (or the storing site's party) and inspectors of each new excursion."""
    carrier = ingested.carrier
    parties = ([carrier.shipment.sender_id, carrier.shipment.receiver_id] if carrier.shipment
               else [Site.get_by_id(carrier.storing.site_id).party_id] if carrier.storing.site_id else [])
    inspectors = User.select().where(User.role == "inspector", User.active == True)  # noqa: E712
    users = {user.id: user for user in [*_users_of(parties), *inspectors]}.values()
    lots = [b.lot_code for b in Batch.select(Batch.lot_code).where(Batch.id.in_(carrier.lot_ids))]
    link = f"/shipments/{carrier.shipment.code}" if carrier.shipment else (f"/batches/{lots[0]}" if lots else "")
    for excursion in ingested.excursions:
        limits = " – ".join(f"{value}" for value in (excursion.low, excursion.high) if value is not None)
        notify(users, "temperature_excursion",
               {"carrier": carrier.label, "lowest": str(excursion.lowest), "highest": str(excursion.highest),
                "started": _when(excursion.started_at), "ended": _when(excursion.ended_at), "limits": f"{limits} °C",
                "lots": ", ".join(lots[:LOTS_NAMED]) + (" …" if len(lots) > LOTS_NAMED else "")},
               link, key=f"excursion:{excursion.id}")


@on_write
def after_write(action: str, actor, result, arguments: dict) -> None:
    """Keep what the write tells, in its transaction."""
    if action == "shipments.create" and isinstance(result, Shipment):
        shipment_created(result)
    elif action == "hold.place" and isinstance(result, Hold):
        hold_placed(result)
    elif action == "test.record" and isinstance(result, TestResult) and not result.passed:
        for hold in Hold.select().where(Hold.test_result == result.id):
            hold_placed(hold)
    elif action == "recalls.open" and isinstance(result, Recall):
        recall_opened(result)
    elif action in DECISIONS and isinstance(result, Certificate):
        certificate_decided(action, result, arguments)
    elif action == "cold_chain.readings" and getattr(result, "excursions", None):
        excursions_found(result)


def remind(now: datetime.datetime | None = None) -> int:
    """Keep the reminders due: recalls whose deadline is within 24 hours (to inspectors), certificates that end
    within 30 days (to their holders). Each is told once (its key); return how many were kept."""
    now = now or utcnow()
    kept = 0
    inspectors = list(User.select().where(User.role == "inspector", User.active == True))  # noqa: E712
    soon = now + datetime.timedelta(hours=DEADLINE_HOURS)
    for recall in Recall.select(Recall, Batch).join(Batch).where(Recall.status == "open", Recall.finish_by <= soon,
                                                                 Recall.finish_by > now):
        kept += notify(inspectors, "recall_deadline", {"code": recall.code, "lot": recall.batch.lot_code,
                                                       "deadline": _when(recall.finish_by)},
                       f"/recalls/{recall.code}", key=f"deadline:{recall.id}")
    today = local_today()
    ending = Certificate.select().where(Certificate.status == CertificateStatus.APPROVED,
                                        Certificate.valid_to >= today,
                                        Certificate.valid_to <= today + datetime.timedelta(days=EXPIRING_DAYS))
    for certificate in ending:
        kept += notify(_users_of([certificate.party_id]), "certificate_expiring",
                       {"number": certificate.number, "valid_to": certificate.valid_to.isoformat()},
                       f"/certificates/{certificate.id}", key=f"expiring:{certificate.id}:{certificate.valid_to}")
    return kept
