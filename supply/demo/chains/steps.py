"""The steps the demo's chains are written with: each loads its input through the API's schema and calls the
API's service, as the user of the party that acts (the demo logins where the party has one, else the admin)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from supply.clock import LOCAL_TZ
from supply.clock import local_today
from supply.models import Batch
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.schemas.batch import BatchCreateSchema
from supply.schemas.custody import ReceiveSchema
from supply.schemas.custody import ShipmentCreateSchema
from supply.schemas.custody import TransformationSchema
from supply.schemas.events import StoringSchema
from supply.schemas.inspections import TestCreateSchema
from supply.schemas.recalls import RecallOpenSchema
from supply.services.custody import batches
from supply.services.custody import observations
from supply.services.custody import shipments
from supply.services.custody import transformations
from supply.services.inspection import inspections
from supply.services.recalls import recalls
from supply.units import LOT_PREFIXES

SEASON_YEAR = 2026
ADMIN_EMAIL = "admin@example.com"
INSPECTOR_EMAIL = "inspector@example.com"


def registered(number: int) -> Batch:
    """Return the demo batch registered nth (1-based) from the fixed list of `supply/demo/data.py`."""
    [batch] = Batch.select().order_by(Batch.id).offset(number - 1).limit(1)  # .get() would drop the offset
    return batch


def day_of(month_day: str) -> datetime.date:
    """Return a date of the season ("07-21"), or today when a demo loaded mid-season has not reached it yet."""
    return min(datetime.date.fromisoformat(f"{SEASON_YEAR}-{month_day}"), local_today())


def at(month_day: str, clock: str) -> str:
    """Return a Beijing time of the season ("07-21", "09:30") as the API takes it, never later than now."""
    moment = datetime.datetime.fromisoformat(f"{SEASON_YEAR}-{month_day}T{clock}:00").replace(tzinfo=LOCAL_TZ)
    return min(moment, datetime.datetime.now(LOCAL_TZ).replace(microsecond=0)).isoformat()


def later(month_day: str, days: int) -> str:
    """Return the month and day `days` after a day of the season ("07-21", 3 -> "07-24")."""
    moment = datetime.date.fromisoformat(f"{SEASON_YEAR}-{month_day}") + datetime.timedelta(days=days)
    return f"{moment:%m-%d}"


class Steps:
    """Writes the chains: numbers the lots it makes after the fixed ones, and picks who acts for each party."""

    def __init__(self, first_number: int) -> None:
        self.number = first_number
        self.admin = User.get(User.email == ADMIN_EMAIL)
        self.inspector = User.get(User.email == INSPECTOR_EMAIL)
        logins = User.select().where(User.party.is_null(False), User.role.in_(("producer", "operator")))
        self.by_party = {user.party.code: user for user in logins}
        self.categories = dict(Product.select(Product.code, Product.category).tuples())
        self.site_parties = {site.code: site.party.code for site in Site.select(Site, Site.party)}

    def actor_at(self, site: str) -> User:
        """Return who records what happens at a site: its party's demo login, or the admin."""
        return self.by_party.get(self.site_parties[site], self.admin)

    def lot_code(self, product: str, day: datetime.date) -> str:
        """Return the next demo lot code: the category's prefix, the date and the running number."""
        self.number += 1
        return f"{LOT_PREFIXES[self.categories[product]]}{day:%y%m%d}-{self.number:03d}"

    def register(self, site: str, product: str, quantity: str, month_day: str, field_name: str = "",
                 notes: str = "", planting: str | None = None) -> str:
        """Register a harvest (from a planting when named) at its site; return the lot code."""
        day = day_of(month_day)
        data = BatchCreateSchema().load(dict(
            lot_code=self.lot_code(product, day), product=product, site=site, quantity=quantity,
            produced_on=day.isoformat(), field_name=field_name, notes=notes, planting=planting,
        ))
        return batches.register_batch(self.actor_at(site), data).lot_code

    def ship(self, from_site: str, to_site: str, lines: list[tuple[str, Decimal | str]], departed_at: str,
             carrier: str = "", plate: str = "", doc_number: str = "", set_point: str | None = None) -> str:
        """Send lots from a site to another party's site; return the shipment code."""
        data = ShipmentCreateSchema().load(dict(
            from_site=from_site, to_party=self.site_parties[to_site], to_site=to_site,
            lines=[{"lot": lot, "quantity": str(quantity)} for lot, quantity in lines], carrier=carrier,
            vehicle_plate=plate, departed_at=departed_at, doc_number=doc_number, set_point=set_point,
        ))
        return shipments.create_shipment(self.actor_at(from_site), data).code

    def receive(self, code: str, site: str, received_at: str, low: str | None = None, high: str | None = None,
                short: tuple[str, int | str, str] | None = None) -> None:
        """Receive a shipment at the receiver's site; `short` is (lot, quantity received, reason) for a shortfall."""
        lines = [{"lot": short[0], "received": str(short[1]), "loss_reason": short[2]}] if short else []
        data = ReceiveSchema().load(dict(site=site, received_at=received_at, lines=lines,
                                         temperature_min=low, temperature_max=high))
        shipments.receive_shipment(self.actor_at(site), code, data)

    def deliver(self, from_site: str, to_site: str, lines: list[tuple[str, Decimal | str]], departed_at: str,
                received_at: str, low: str | None = None, high: str | None = None, **shipment) -> str:
        """Send lots and receive them complete (with the temperatures logged on the way when given)."""
        code = self.ship(from_site, to_site, lines, departed_at, **shipment)
        self.receive(code, to_site, received_at, low, high)
        return code

    def transform(self, kind: str, site: str, time: str, inputs: list[tuple[str, Decimal | str | None]],
                  outputs: list[tuple[str, Decimal | int | str, str]] = (), loss: Decimal | str | None = None,
                  loss_reason: str = "") -> dict:
        """Record a transformation; outputs are (product, quantity, notes), numbered as demo lots of its day."""
        day = datetime.datetime.fromisoformat(time).date()
        data = TransformationSchema().load(dict(
            kind=kind, site=site, time=time,
            inputs=[{"lot": lot, "quantity": None if q is None else str(q)} for lot, q in inputs],
            outputs=[{"lot_code": self.lot_code(product, day), "product": product, "quantity": str(quantity),
                      "notes": notes} for product, quantity, notes in outputs],
            loss=None if loss is None else str(loss), loss_reason=loss_reason,
        ))
        return transformations.transform(self.actor_at(site), data)

    def make(self, kind: str, site: str, time: str, inputs: list[tuple[str, Decimal | str | None]],
             outputs: list[tuple[str, Decimal | int | str, str]], **balance) -> list[str]:
        """Record a transformation that makes lots; return their lot codes."""
        return [batch.lot_code for batch in self.transform(kind, site, time, inputs, outputs, **balance)["outputs"]]

    def plant(self, site: str, time: str, lot: str) -> str:
        """Plant all of a seedling lot the site holds; return the planting's code."""
        return self.transform("planting", site, time, [(lot, None)])["planting"].code

    def store(self, lot: str, site: str, start: str, end: str, low: str, high: str, notes: str = "") -> None:
        """Record a lot kept at a site over an interval, with the lowest and highest temperature logged."""
        data = StoringSchema().load(dict(lot=lot, site=site, interval_start=start, interval_end=end,
                                         temperature_min=low, temperature_max=high, notes=notes))
        observations.record_storing(self.actor_at(site), data)

    def test(self, lot: str, tested_at: str, by_holder: bool = False, **result) -> None:
        """Record a test of a lot: by the inspector (naming the lab), or by the holding party's own lab."""
        data = TestCreateSchema().load(dict(lot=lot, tested_at=tested_at, **result))
        actor = self.by_party[Batch.get(Batch.lot_code == lot).holder.code] if by_holder else self.inspector
        inspections.record_test(actor, data)

    def recall(self, lot: str, level: int, reason: str) -> str:
        """Open a recall on a lot as the demo inspector; return its code."""
        data = RecallOpenSchema().load({"lot": lot, "level": level, "reason": reason})
        return recalls.open_recall(self.inspector, data).code
