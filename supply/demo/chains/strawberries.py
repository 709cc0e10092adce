"""Strawberries: virus-free seedlings tested at the nursery of the 湟中现代农业产业园, planted at two farms, the
berries harvested there, merged and packed in 250 g punnets by the cooperative and sent to Shenzhen."""

from __future__ import annotations

from decimal import ROUND_DOWN
from decimal import Decimal

from supply.demo.certificates import certify
from supply.demo.chains.steps import Steps
from supply.demo.chains.steps import at
from supply.demo.chains.steps import day_of
from supply.demo.chains.steps import later

NURSERY = "S-HZ-BERRY-NUR"
PACKHOUSE = "S-HZ-BERRY-PK"
SHENZHEN = "S-SZ-WJD"
CARRIER = "青海高原冷链"
SEEDLINGS = "40000"
VIRUSES = "SMoV、SMYEV、SVBV、SCrV、SLRSV 五种病毒"
# The farms the seedlings go to: greenhouse site, plants, the greenhouse and the farm's truck.
FARMS = (("S-CZ-ZZ-GH", "18000", "2号棚", "青A·5B219"), ("S-HZ-LSE-GH", "15000", "1号棚", "青A·3G870"))
# Harvest day and kilograms picked at each farm, in the order of FARMS.
HARVESTS = (("07-20", ("128", "96")), ("08-03", ("146.5", "112.5")), ("08-17", ("152", "120")),
            ("08-31", ("118", "88")))


def strawberries(steps: Steps) -> str:
    """Write the seedling lot, its test and certificate, the plantings and the berries; return the seedling lot."""
    seedlings = steps.register(NURSERY, "SS-VIRUS-FREE", SEEDLINGS, "06-01", "繁育圃二区",
                               "脱毒原种苗扩繁的穴盘苗，出圃待检")
    steps.test(seedlings, at("06-02", "10:00"), kind="seedling_virus", method="pcr", analyte=VIRUSES, passed=True,
               kit_lot="RT-PCR-2605-07", operator="检测员", lab="INSP-XN-QC", notes="RT-PCR 检测，均未检出")
    certify({"kind": "seedling_virus", "party": "COOP-HZ-BERRY", "lot": seedlings, "issuer": "INSP-XN-QC",
             "number": "XNJC-ZM-2026-0602", "scope": f"草莓脱毒种苗 {SEEDLINGS} 株，{VIRUSES} RT-PCR 检测未检出",
             "valid_from": "2026-06-03"})
    plantings = {}
    for number, (site, plants, _greenhouse, _plate) in enumerate(FARMS, 1):
        steps.deliver(NURSERY, site, [(seedlings, plants)], at("06-04", "07:30"), at("06-04", f"0{7 + number}:40"),
                      carrier="合作社自有车辆", plate="青A·6N105", doc_number=f"ZM260604-0{number}")
        plantings[site] = steps.plant(site, at("06-05", "08:00"), seedlings)
    for day, kilograms in HARVESTS:
        pack_day(steps, day, plantings, kilograms)
    return seedlings


def pack_day(steps: Steps, day: str, plantings: dict[str, str], kilograms: tuple[str, ...]) -> None:
    """Harvest both farms' berries, bring them to the packhouse, merge, pack, cool and send the punnets."""
    inputs = []
    for number, ((site, _plants, greenhouse, plate), picked) in enumerate(zip(FARMS, kilograms, strict=True), 1):
        lot = steps.register(site, "SB-SUMMER", picked, day, greenhouse, "夏季草莓，清晨采摘",
                             planting=plantings[site])
        steps.deliver(site, PACKHOUSE, [(lot, picked)], at(day, f"07:{number * 20:02d}"),
                      at(day, f"08:{number * 20:02d}"), carrier="自有车辆", plate=plate,
                      doc_number=f"CG{day_of(day):%y%m%d}-0{number}")
        inputs.append((lot, Decimal(picked)))
    used = sum(q for _, q in inputs)
    loss = (used * Decimal("0.04")).quantize(Decimal("0.1"))
    [merged] = steps.make("merge", PACKHOUSE, at(day, "09:30"), inputs,
                          [("SB-SUMMER", used - loss, "两家农场鲜果合并分级")], loss=loss,
                          loss_reason="剔除畸形果、软果")
    punnets = ((used - loss) * Decimal("0.95") * 4).quantize(Decimal(1), ROUND_DOWN)
    [packed] = steps.make("grade_pack", PACKHOUSE, at(day, "11:00"), [(merged, None)],
                          [("SB-PUNNET-250", punnets, "250 g/盒，一级果")])
    steps.store(packed, PACKHOUSE, at(day, "11:30"), at(day, "17:30"), "1.0", "3.0", "预冷库暂存")
    steps.deliver(PACKHOUSE, SHENZHEN, [(packed, punnets)], at(day, "18:00"), at(later(day, 2), "10:30"), "1.4", "4.2",
                  carrier=CARRIER, plate="青A·F3351", doc_number=f"DN{day_of(day):%y%m%d}-SB", set_point="2")
