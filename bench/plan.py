"""A season as a plan: groups of operations written as the API's request bodies, replayable two ways.

A group is one chain of custody (farm lots to a cooperative lot to packs at a retailer) whose operations touch
only lots of the same group, so a group can be replayed, checked and written on its own.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from bench.masterdata import PRODUCTS
from bench.masterdata import Place
from bench.masterdata import World
from supply.clock import LOCAL_TZ
from supply.identifiers import LOT_ALPHABET
from supply.units import LOT_PREFIXES

CATEGORY = {row[0]: row[1] for row in PRODUCTS}
# An odd multiplier makes serial -> code a bijection modulo 32**width: unique codes that look random.
SCRAMBLE = 0x2545F491
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class Op:
    """One request: `action` is register, ship, receive or transform; `at` is when it is recorded.

    `ref` names the shipment a ship creates and a receive closes, or the planting a planting creates and a
    registration names as its source.
    """

    action: str
    body: dict
    at: datetime.datetime
    ref: int | None = None


@dataclass
class Group:
    """The operations of one chain of custody, with the number of batches they create."""

    kind: str
    ops: list[Op] = field(default_factory=list)
    batches: int = 0
    marks: list[dict] = field(default_factory=list)


def scrambled(serial: int, width: int) -> str:
    """Write a serial number as `width` characters of the lot alphabet, in an order that looks random."""
    value = (serial * SCRAMBLE) % 32**width
    return "".join(LOT_ALPHABET[(value >> (5 * i)) & 31] for i in range(width))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """Return a local (Asia/Shanghai) time on a day; hours past 23 run into the next days."""
    start = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=LOCAL_TZ)
    return start + datetime.timedelta(hours=hour, minutes=minute)


def kg(value) -> Decimal:
    """Round a quantity to one decimal."""
    return Decimal(value).quantize(Decimal("0.1"))


def text(quantity: Decimal) -> str:
    """Write a quantity as a client sends it."""
    return format(quantity.normalize(), "f")


def shares(total: Decimal, parts: int, rng: random.Random, step: Decimal = Decimal("0.1")) -> list[Decimal]:
    """Split a total into `parts` positive amounts on a grid of `step` that add up exactly."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = sum(weights)
    amounts = [max(step, (total * Decimal(w / scale)).quantize(step)) for w in weights[:-1]]
    amounts.append(total - sum(amounts))
    if amounts[-1] <= 0:
        raise ValueError(f"cannot split {total} into {parts} parts")
    return amounts


class Planner:
    """Write the operations of groups: registrations, shipments with receipts, transformations."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.lots = 0
        self.refs = 0
        self.docs = 0
        self.ear_tags = 0

    def lot_code(self, product: str, day: datetime.date) -> str:
        """Return a new lot code such as VG260701-7K3Q9 for a product made on a day."""
        self.lots += 1
        return f"{LOT_PREFIXES[CATEGORY[product]]}{day:%y%m%d}-{scrambled(self.lots, 5)}"

    def ear_tag(self) -> str:
        """Return a new ear tag of Datong county (species 2, county 630121, 8-digit serial)."""
        self.ear_tags += 1
        return f"2630121{self.ear_tags:08d}"

    def plate(self) -> str:
        """Return a Qinghai A plate number."""
        return "青A" + "".join(self.rng.choice(PLATE_LETTERS + "0123456789") for _ in range(5))

    def register(self, group: Group, when: datetime.datetime, site: str, product: str, quantity: Decimal,
                 field_name: str = "", ear_tag: str | None = None, planting: int | None = None) -> str:
        """Register a harvest (or an animal, or a seedling lot) and return its lot code."""
        code = self.lot_code(product, when.date())
        body = {"lot_code": code, "product": product, "site": site, "quantity": text(quantity),
                "produced_on": when.date().isoformat(), "produced_at": when.isoformat(), "field_name": field_name}
        if ear_tag:
            body["ear_tag"] = ear_tag
        group.ops.append(Op("register", body, when, planting))
        group.batches += 1
        return code

    def move(self, group: Group, depart: datetime.datetime, arrive: datetime.datetime, source: Place,
             target: Place, lines: list[tuple[str, Decimal]], set_point: str | None = None,
             loss_rate: float = 0.0, counted: bool = False) -> list[tuple[str, Decimal]]:
        """Ship lots and receive them; return what arrived of each lot (a few lines lose a little)."""
        self.refs += 1
        self.docs += 1
        chilled = set_point is not None
        group.ops.append(Op("ship", {
            "from_site": source.site, "to_party": target.party, "to_site": target.site,
            "lines": [{"lot": lot, "quantity": text(q)} for lot, q in lines],
            "carrier": "河湟冷链物流" if chilled else "农户自运", "vehicle_plate": self.plate(),
            "departed_at": depart.isoformat(), "doc_number": f"DN{depart:%y%m%d}-{self.docs:07d}",
            "set_point": set_point,
        }, depart, self.refs))
        arrived, losses = [], []
        for lot, quantity in lines:
            lost = self.loss(quantity, counted) if self.rng.random() < loss_rate else 0
            if 0 < lost < quantity:
                losses.append({"lot": lot, "received": text(quantity - lost), "loss_reason": "运输途中挤压损耗"})
                quantity -= lost
            arrived.append((lot, quantity))
        body = {"site": target.site, "received_at": arrive.isoformat(), "lines": losses}
        if chilled:
            low = Decimal(set_point) - Decimal(self.rng.randint(0, 10)) / 10
            body.update(temperature_min=text(low), temperature_max=text(low + Decimal(self.rng.randint(5, 25)) / 10))
        group.ops.append(Op("receive", body, arrive, self.refs))
        return arrived

    def loss(self, quantity: Decimal, counted: bool) -> Decimal:
        """Return a small loss in transit: whole units of counted lots, tenths of a kilogram otherwise."""
        share = quantity * Decimal(self.rng.uniform(0.005, 0.02))
        return max(Decimal(1), share.to_integral_value()) if counted else kg(share)

    def transform(self, group: Group, when: datetime.datetime, kind: str, site: str,
                  inputs: list[tuple[str, Decimal | None]], outputs: list[tuple[str, Decimal, str | None]],
                  loss: Decimal | None = None, loss_reason: str = "") -> list[str]:
        """Record a transformation; outputs are (product, quantity, unit or None); return the new lot codes."""
        codes = [self.lot_code(product, when.date()) for product, _, _ in outputs]
        body = {
            "kind": kind, "site": site, "time": when.isoformat(),
            "inputs": [{"lot": lot} if q is None else {"lot": lot, "quantity": text(q)} for lot, q in inputs],
            "outputs": [
                {"lot_code": code, "product": product, "quantity": text(q), **({"unit": unit} if unit else {})}
                for code, (product, q, unit) in zip(codes, outputs, strict=True)
            ],
        }
        if loss:
            body.update(loss=text(loss), loss_reason=loss_reason)
        self.refs += 1
        group.ops.append(Op("transform", body, when, self.refs if kind == "planting" else None))
        group.batches += len(codes)
        return codes

    def harvest(self, group: Group, day: datetime.date, farms: list[Place], product: str, per_farm: tuple[int, int],
                low: int, high: int) -> dict[str, list[tuple[str, Decimal]]]:
        """Register the morning's harvest lots of each farm; return them by farm site."""
        lots: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
        minute = 0
        for farm in farms:
            for plot in range(self.rng.randint(*per_farm)):
                quantity = kg(self.rng.uniform(low, high))
                minute += self.rng.randint(3, 12)
                lots[farm.site].append(
                    (self.register(group, at(day, 6, minute), farm.site, product, quantity, f"{plot + 1}号地块"),
                     quantity))
        return lots

    def collect(self, group: Group, day: datetime.date, farms: list[Place], lots: dict, target: Place,
                hour: int = 10) -> list[tuple[str, Decimal]]:
        """Each farm delivers its lots to the cooperative; return what arrived."""
        arrived = []
        for i, farm in enumerate(farms):
            if lots.get(farm.site):
                depart = at(day, hour, 5 * i)
                arrived += self.move(group, depart, depart + datetime.timedelta(minutes=70), farm, target,
                                     lots[farm.site], loss_rate=0.05)
        return arrived

    def merge(self, group: Group, when: datetime.datetime, site: str, lots: list[tuple[str, Decimal]], product: str,
              loss_rate: float, reason: str) -> tuple[str, Decimal]:
        """Merge lots (each used whole) into one lot, with a grading loss; return it and its quantity."""
        used = sum((q for _, q in lots), Decimal(0))
        loss = kg(used * Decimal(loss_rate))
        made = used - loss
        code = self.transform(group, when, "merge", site, [(lot, None) for lot, _ in lots], [(product, made, None)],
                              loss, reason)[0]
        return code, made

    def split(self, group: Group, when: datetime.datetime, site: str, lot: str, product: str, quantity: Decimal,
              parts: int, step: Decimal = Decimal("0.1")) -> list[tuple[str, Decimal]]:
        """Split a quantity of a lot into parts; return the new lots with their quantities."""
        amounts = shares(quantity, parts, self.rng, step)
        codes = self.transform(group, when, "split", site, [(lot, quantity)], [(product, q, None) for q in amounts])
        return list(zip(codes, amounts, strict=True))
