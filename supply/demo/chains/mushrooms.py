"""Mushrooms of the 云谷川 cluster: two member farms' shiitake merged and packed in 5 kg cartons by the Yunguchuan
cooperative, for the Chengbei wholesale market and Shenzhen; a farm's oyster mushrooms sold at the market."""

from __future__ import annotations

from decimal import ROUND_DOWN
from decimal import Decimal

from supply.demo.chains.steps import Steps
from supply.demo.chains.steps import at
from supply.demo.chains.steps import day_of
from supply.demo.chains.steps import later
from supply.demo.chains.steps import registered

PACKHOUSE = "S-HZ-MUSH-PK"
MARKET = "S-CB-MARKET"
SHENZHEN = "S-SZ-WJD"
CARRIER = "青海高原冷链"
# The member farms: mushroom house site, the house picked and the farm's truck.
FARMS = (("S-HZ-YGC-GH", "3号菇棚", "青A·2W638"), ("S-HZ-LJS-GH", "1号菇棚", "青A·9E274"))
# Picking day, kilograms from each farm (in the order of FARMS), where the cartons go and when they arrive.
PICKINGS = (("07-14", ("186.5", "152"), MARKET, 0), ("08-11", ("204", "168.5"), SHENZHEN, 2),
            ("09-08", ("178", "160"), MARKET, 0))


def mushrooms(steps: Steps) -> None:
    """Write the shiitake pickings and the oyster mushrooms sold at the market."""
    for day, kilograms, destination, days_on_road in PICKINGS:
        picking(steps, day, kilograms, destination, days_on_road)
    oyster = registered(37).lot_code  # the Qi farm's oyster mushrooms of 07-05
    steps.deliver(FARMS[0][0], MARKET, [(oyster, "310")], at("07-05", "15:00"), at("07-05", "16:10"),
                  carrier="自有车辆", plate=FARMS[0][2], doc_number="PG260705-01")


def picking(steps: Steps, day: str, kilograms: tuple[str, ...], destination: str, days_on_road: int) -> None:
    """Pick at both farms, merge and pack at the cooperative, cool the cartons and send them on."""
    inputs = []
    for number, ((site, house, plate), picked) in enumerate(zip(FARMS, kilograms, strict=True), 1):
        lot = steps.register(site, "MR-SHIITAKE", picked, day, house, "云谷川袋料香菇，清晨采摘")
        steps.deliver(site, PACKHOUSE, [(lot, picked)], at(day, f"07:{number * 20:02d}"),
                      at(day, f"07:{number * 20 + 15:02d}"), carrier="自有车辆", plate=plate,
                      doc_number=f"SG{day_of(day):%y%m%d}-0{number}")
        inputs.append((lot, Decimal(picked)))
    used = sum(q for _, q in inputs)
    loss = (used * Decimal("0.03")).quantize(Decimal("0.1"))
    [merged] = steps.make("merge", PACKHOUSE, at(day, "08:30"), inputs,
                          [("MR-SHIITAKE", used - loss, "合作社收购合并")], loss=loss,
                          loss_reason="去除菇脚、剔除开伞菇")
    cartons = ((used - loss) * Decimal("0.97") / 5).quantize(Decimal(1), ROUND_DOWN)
    [packed] = steps.make("grade_pack", PACKHOUSE, at(day, "10:00"), [(merged, None)],
                          [("MR-SHIITAKE-CTN", cartons, "5 kg/箱，分级包装")])
    steps.store(packed, PACKHOUSE, at(day, "10:15"), at(day, "15:30"), "1.0", "4.0", "预冷")
    arrival = at(later(day, days_on_road), "15:20" if days_on_road else "17:10")
    steps.deliver(PACKHOUSE, destination, [(packed, cartons)], at(day, "16:00"), arrival, "1.5", "4.6",
                  carrier=CARRIER, plate="青A·F3368", doc_number=f"DN{day_of(day):%y%m%d}-MR", set_point="2")
