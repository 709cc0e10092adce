"""What the public page tells of a lot's cold chain: the temperatures logged on its shipments and storing intervals
(and those of the lots it was made from), and every excursion, gathered in two queries and kept with its facts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from supply.models import Excursion
from supply.models import ReadingSeries
from supply.models import ShipmentLine
from supply.services.public.facts_codec import fact_class
from supply.units import quantity_text


@fact_class
@dataclass
class ExcursionFact:
    """A time the goods were outside their limits."""

    started_at: datetime.datetime
    ended_at: datetime.datetime
    lowest: Decimal
    highest: Decimal
    low: Decimal | None
    high: Decimal | None

    @property
    def range_text(self) -> str:
        """The lowest and highest temperature, as "6.5–6.7"."""
        return f"{quantity_text(self.lowest)}–{quantity_text(self.highest)}"

    @property
    def minutes(self) -> int:
        """How long it lasted, in whole minutes."""
        return int((self.ended_at - self.started_at).total_seconds() // 60)


@fact_class
@dataclass
class ColdChain:
    """The lot's logged cold chain: lowest and highest temperature, hours covered, and its excursions."""

    lowest: Decimal
    highest: Decimal
    hours: Decimal
    readings: int
    excursions: list[ExcursionFact] = field(default_factory=list)

    @property
    def range_text(self) -> str:
        """The lowest and highest temperature, as "0.5–3.8"."""
        return f"{quantity_text(self.lowest)}–{quantity_text(self.highest)}"


def cold_chain_of(lot_ids: list[int]) -> ColdChain | None:
    """Gather the cold chain of lots (a lot and those it was made from); None when nothing was logged."""
    shipped = (ReadingSeries.select(ReadingSeries)
               .join(ShipmentLine, on=(ShipmentLine.shipment == ReadingSeries.shipment))
               .where(ShipmentLine.batch.in_(lot_ids), ReadingSeries.count > 0))
    stored = ReadingSeries.select(ReadingSeries).where(ReadingSeries.batch.in_(lot_ids), ReadingSeries.count > 0)
    series = {row.id: row for row in (shipped | stored)}
    if not series:
        return None
    seconds = sum((row.last_at - row.first_at).total_seconds() for row in series.values())
    excursions = (Excursion.select().where(Excursion.series.in_(sorted(series)))
                  .order_by(Excursion.started_at, Excursion.id))
    return ColdChain(
        lowest=min(row.lowest for row in series.values()), highest=max(row.highest for row in series.values()),
        hours=Decimal(quantity_text((Decimal(seconds) / 3600).quantize(Decimal("0.1")))),
        readings=sum(row.count for row in series.values()),
        excursions=[ExcursionFact(e.started_at, e.ended_at, e.lowest, e.highest, e.low, e.high) for e in excursions])
