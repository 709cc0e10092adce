"""Genealogy edges: which lots a batch was made from, written next to the event that made it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from supply.i18n import N_
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Event
from supply.models import EventBatch
from supply.models import Planting
from supply.models import Site
from supply.services.errors import Invalid


@dataclass
class Source:
    """A parent lot of a new batch, and how it is related (a named source lot, or a planting)."""

    batch: Batch
    kind: str
    quantity: Decimal | None = None
    planting: str | None = None

    def describe(self) -> dict:
        """Say what the source is, for the event's data."""
        return {"lot": self.batch.lot_code, "kind": self.kind, "planting": self.planting}


def resolve_sources(lot_codes: list[str], planting_code: str | None, site: Site) -> list[Source]:
    """Find the named source lots and the seedling lots of a planting at this site."""
    sources: list[Source] = []
    if lot_codes:
        found = {b.lot_code: b for b in Batch.select().where(Batch.lot_code.in_(lot_codes))}
        unknown = [code for code in lot_codes if code not in found]
        if unknown:
            raise Invalid(N_("Unknown source lot."), {"source_lots": [N_("Unknown source lot."), *unknown]})
        sources.extend(Source(found[code], "source") for code in dict.fromkeys(lot_codes))
    if planting_code:
        planting = Planting.get_or_none(Planting.code == planting_code, Planting.retracted == False)  # noqa: E712
        if planting is None:
            raise Invalid.field("planting", N_("Unknown planting."))
        if planting.site_id != site.id:
            raise Invalid.field("planting", N_("This planting is at another site."))
        seedlings = (
            Batch.select(Batch, EventBatch.quantity)
            .join(EventBatch)
            .where(EventBatch.event == planting.event_id, EventBatch.role == "input")
        )
        sources.extend(Source(b, "planting", b.eventbatch.quantity, planting.code) for b in seedlings)
    return sources


def link_sources(batch: Batch, event: Event, sources: list[Source]) -> None:
    """Record an edge from each source lot to the new batch."""
    if sources:
        BatchLink.insert_many(
            [{"parent": s.batch.id, "child": batch.id, "event": event.id, "kind": s.kind, "quantity": s.quantity,
              "unit": s.batch.unit if s.quantity is not None else ""} for s in sources]
        ).execute()


def link_transformation(event: Event, kind: str, inputs: list[tuple[Batch, Decimal]], outputs: list[Batch]) -> None:
    """Record an edge from every input to every output of a transformation, with the quantity used."""
    rows = [
        {"parent": parent.id, "child": child.id, "event": event.id, "kind": kind, "quantity": used,
         "unit": parent.unit}
        for parent, used in inputs
        for child in outputs
    ]
    if rows:
        BatchLink.insert_many(rows).execute()
