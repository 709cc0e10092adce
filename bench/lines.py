"""The lines of produce of a season: vegetables, strawberries, mushrooms and yak, plus deep and wide chains."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from bench.masterdata import Place
from bench.plan import Group
from bench.plan import Planner
from bench.plan import at
from bench.plan import kg
from bench.plan import shares

VEGETABLES = ("B-VEG-BROCCOLI", "B-VEG-LETTUCE", "B-VEG-CABBAGE", "B-VEG-POTATO", "B-VEG-CARROT", "B-VEG-CELERY")
MUSHROOMS = ("B-MUSH-SHIITAKE", "B-MUSH-OYSTER", "B-MUSH-KING")
CUTS = ("B-YAK-SHANK", "B-YAK-TENDERLOIN", "B-YAK-BRISKET", "B-YAK-SIRLOIN", "B-YAK-RIBS")
COLD = "2.0"
FROZEN = "-18.0"
MAX_LINES = 500
MAX_OUTPUTS = 200


class Lines(Planner):
    """Plan one group of each line of produce."""

    def pick_farms(self, farms: list[Place], low: int, high: int) -> list[Place]:
        """Choose a few member farms."""
        return self.rng.sample(farms, min(len(farms), self.rng.randint(low, high)))

    def to_retailers(self, group: Group, depart: datetime.datetime, source: Place, lots: list[tuple[str, Decimal]],
                     set_point: str, fraction: Decimal = Decimal(1), counted: bool = True) -> None:
        """Ship lots (or a fraction of each, in whole units) to one to three retailers, received days later."""
        retailers = self.rng.sample(self.world.retailers, min(3, len(self.world.retailers), max(1, len(lots) // 4)))
        for i, retailer in enumerate(retailers):
            chunk = [(lot, (q * fraction).to_integral_value() if fraction != 1 else q)
                     for lot, q in lots[i::len(retailers)]]
            chunk = [(lot, q) for lot, q in chunk if q > 0]
            for start in range(0, len(chunk), MAX_LINES):
                leave = depart + datetime.timedelta(minutes=10 * i)
                self.move(group, leave, leave + datetime.timedelta(hours=self.rng.randint(40, 60)), source, retailer,
                          chunk[start:start + MAX_LINES], set_point, loss_rate=0.02, counted=counted)

    def pack(self, group: Group, when: datetime.datetime, site: str, lot: str, quantity: Decimal, product: str,
             unit: str, per_unit: Decimal, outputs: int = 1) -> list[tuple[str, Decimal]]:
        """Grade and pack a lot (used whole) into counted units; return the new lots with their counts."""
        count = max(outputs, int(quantity / per_unit))
        amounts = shares(Decimal(count), outputs, self.rng, Decimal(1))
        codes = self.transform(group, when, "grade_pack", site, [(lot, None)],
                               [(product, q, unit) for q in amounts])
        return list(zip(codes, amounts, strict=True))

    def vegetable(self, day: datetime.date) -> Group:
        """Farm lots to a cooperative lot, split into trade lots for a cold store, packed in cartons for retail."""
        group = Group("vegetable")
        coop = self.rng.choice(self.world.veg_coops)
        product = self.rng.choice(VEGETABLES)
        farms = self.pick_farms(coop.farms, 2, 5)
        lots = self.harvest(group, day, farms, product, (1, 3), 300, 2500)
        arrived = self.collect(group, day, farms, lots, Place(coop.party, coop.packhouse))
        lot, quantity = self.merge(group, at(day, 13), coop.packhouse, arrived, product, 0.02, "分拣修整损耗")
        trade = self.split(group, at(day, 14), coop.packhouse, lot, product, quantity, self.rng.randint(3, 6))
        store = self.rng.choice(self.world.cold_stores)
        trade = self.move(group, at(day, 15), at(day, 19), Place(coop.party, coop.packhouse), store, trade, COLD)
        if self.rng.random() < 0.8:
            cartons = []
            for i, (lot, quantity) in enumerate(trade):
                cartons += self.pack(group, at(day, 21, 10 * i), store.site, lot, quantity, product, "carton",
                                     Decimal(10))
            self.to_retailers(group, at(day, 30), store, cartons, COLD)
        return group

    def mushroom(self, day: datetime.date) -> Group:
        """Mushroom houses to a cooperative packhouse, cartons to a cold store, part of them on to retail."""
        group = Group("mushroom")
        coop = self.rng.choice(self.world.mush_coops)
        product = self.rng.choice(MUSHROOMS)
        farms = self.pick_farms(coop.farms, 2, 4)
        lots = self.harvest(group, day, farms, product, (1, 3), 100, 600)
        packhouse = Place(coop.party, coop.packhouse)
        arrived = self.collect(group, day, farms, lots, packhouse, hour=9)
        lot, quantity = self.merge(group, at(day, 11), coop.packhouse, arrived, product, 0.03, "去根修整损耗")
        cartons = self.pack(group, at(day, 12), coop.packhouse, lot, quantity, product, "carton", Decimal(5),
                            self.rng.randint(2, 3))
        store = self.rng.choice(self.world.cold_stores)
        cartons = self.move(group, at(day, 14), at(day, 17), packhouse, store, cartons, COLD)
        self.to_retailers(group, at(day, 28), store, cartons, COLD, Decimal("0.6"))
        return group

    def strawberry(self, day: datetime.date) -> Group:
        """A seedling lot planted on member farms; berries harvested there, merged, packed in punnets."""
        group = Group("strawberry")
        coop = self.rng.choice(self.world.berry_coops)
        farms = self.pick_farms(coop.farms, 2, 3)
        spring = day - datetime.timedelta(days=70)
        plants = [Decimal(self.rng.randrange(1500, 4000, 100)) for _ in farms]
        seedlings = self.register(group, at(spring, 8), coop.nursery, "B-BERRY-SEEDLING", sum(plants), "脱毒种苗区")
        nursery = Place(coop.party, coop.nursery)
        lots: dict[str, list[tuple[str, Decimal]]] = {}
        for i, (farm, count) in enumerate(zip(farms, plants, strict=True)):
            self.move(group, at(spring, 9, 10 * i), at(spring, 11, 10 * i), nursery, farm, [(seedlings, count)])
            self.transform(group, at(spring, 14, 10 * i), "planting", farm.site, [(seedlings, None)], [])
            planting = self.refs
            lots[farm.site] = []
            for n in range(self.rng.randint(2, 4)):
                quantity = kg(self.rng.uniform(40, 200))
                lots[farm.site].append((self.register(group, at(day, 6, 10 * i + n), farm.site, "B-BERRY", quantity,
                                                      f"{n + 1}号温室", planting=planting), quantity))
        packhouse = Place(coop.party, coop.packhouse)
        arrived = self.collect(group, day, farms, lots, packhouse, hour=9)
        lot, quantity = self.merge(group, at(day, 11), coop.packhouse, arrived, "B-BERRY", 0.04, "分级剔除损耗")
        punnets = self.pack(group, at(day, 12), coop.packhouse, lot, quantity, "B-BERRY", "punnet", Decimal("0.25"),
                            self.rng.randint(1, 3))
        self.to_retailers(group, at(day, 15), packhouse, punnets, "3.0")
        return group

    def yak(self, day: datetime.date) -> Group:
        """Yak from family ranches slaughtered at an abattoir, cut, packed and sent to supermarkets."""
        group = Group("yak")
        abattoir = self.rng.choice(self.world.abattoirs)
        packs = []
        for r, ranch in enumerate(self.rng.sample(self.world.yak_farms, self.rng.randint(1, 3))):
            animals = [(self.register(group, at(day, -16, 10 * (r * 9 + n)), ranch.site, "B-YAK-LIVE", Decimal(1),
                                      f"{n % 4 + 1}号圈", ear_tag=self.ear_tag()), Decimal(1))
                       for n in range(self.rng.randint(2, 5))]
            animals = self.move(group, at(day, -14, 10 * r), at(day, -6, 10 * r), ranch, abattoir, animals)
            for n, (animal, _) in enumerate(animals):
                packs += self.carcass(group, day, abattoir.site, animal, 60 * r + 8 * n)
        self.to_retailers(group, at(day, 34), abattoir, packs, FROZEN)
        return group

    def carcass(self, group: Group, day: datetime.date, site: str, animal: str, minute: int) -> list:
        """Slaughter one animal, cut the carcass, pack each cut; return the pack lots."""
        weight = kg(self.rng.uniform(180, 260))
        carcass = self.transform(group, at(day, 8, minute), "slaughter", site, [(animal, None)],
                                 [("B-YAK-CARCASS", weight, None)])[0]
        cuts = self.rng.sample(CUTS, self.rng.randint(3, 5))
        meat = shares(kg(weight * Decimal("0.68")), len(cuts), self.rng)
        codes = self.transform(group, at(day, 14, minute), "cut", site, [(carcass, weight)],
                               [(cut, q, None) for cut, q in zip(cuts, meat, strict=True)],
                               weight - sum(meat), "剔骨及修整损耗")
        packs = []
        for i, (code, quantity) in enumerate(zip(codes, meat, strict=True)):
            packs += self.pack(group, at(day, 24, minute + i), site, code, quantity, "B-YAK-PACK", "pack",
                               Decimal("0.5"))
        return packs

    def deep(self, day: datetime.date, depth: int) -> Group:
        """A chain of at least `depth` transformations from a farm lot to a pack, changing hands on the way."""
        group = Group("deep")
        coop = self.rng.choice(self.world.veg_coops)
        farms = self.pick_farms(coop.farms, 3, 3)
        lots = self.harvest(group, day, farms, "B-VEG-POTATO", (1, 1), 1500, 2500)
        holder = Place(coop.party, coop.packhouse)
        arrived = self.collect(group, day, farms, lots, holder)
        lot, quantity = self.merge(group, at(day, 13), holder.site, arrived, "B-VEG-POTATO", 0.01, "分拣修整损耗")
        store = self.rng.choice(self.world.cold_stores)
        warehouse = self.rng.choice([w for w in self.world.warehouses if w.party != store.party])
        stops = [store, warehouse, self.rng.choice(self.world.retailers)]
        unit = "kg"
        for level in range(2, depth + 1):
            when = at(day, 14 + 3 * level)
            if level % 2 == 0 and stops:
                stop = stops.pop(0)
                lot, quantity = self.move(group, when, when + datetime.timedelta(hours=1), holder, stop,
                                          [(lot, quantity)], COLD)[0]
                holder = stop
            if level == depth - 2:
                lot, quantity = self.pack(group, when + datetime.timedelta(hours=2), holder.site, lot, quantity,
                                          "B-VEG-POTATO", "carton", Decimal(10), 2)[0]
                unit = "carton"
                continue
            kind = "split" if level % 2 else "repack"
            step = Decimal(1) if unit == "carton" else Decimal("0.1")
            amounts = shares(quantity, 2, self.rng, step)
            made = self.transform(group, when + datetime.timedelta(hours=2), kind, holder.site, [(lot, quantity)],
                                  [("B-VEG-POTATO", q, None) for q in amounts])
            lot, quantity = made[0], amounts[0]
        root = next(iter(lots.values()))[0][0]
        group.marks.append({"kind": "deep", "root": root, "leaf": lot, "depth": depth})
        return group

    def wide(self, day: datetime.date, inputs: int, outputs: int) -> Group:
        """One cooperative lot merged from many farm lots and split into many retail lots."""
        group = Group("wide")
        coop = self.rng.choice(self.world.veg_coops)
        farms = self.rng.sample(coop.farms, min(len(coop.farms), max(1, inputs // 2)))
        per_farm = math.ceil(inputs / len(farms))
        lots = self.harvest(group, day, farms, "B-VEG-BROCCOLI", (per_farm, per_farm), 300, 700)
        packhouse = Place(coop.party, coop.packhouse)
        arrived = self.collect(group, day, farms, lots, packhouse)
        lot, quantity = self.merge(group, at(day, 14), coop.packhouse, arrived, "B-VEG-BROCCOLI", 0.01, "分拣修整损耗")
        first = min(outputs, MAX_OUTPUTS)
        used = kg(quantity * Decimal("0.8")) if outputs > first else quantity
        packs = self.split(group, at(day, 15), coop.packhouse, lot, "B-VEG-BROCCOLI", used, first)
        if outputs > first:
            packs += self.split(group, at(day, 16), coop.packhouse, lot, "B-VEG-BROCCOLI", quantity - used,
                                outputs - first)
        self.to_retailers(group, at(day, 18), packhouse, packs, COLD, counted=False)
        group.marks.append({"kind": "wide", "lot": lot, "inputs": len(arrived), "outputs": len(packs)})
        return group
