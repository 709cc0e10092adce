"""Datong yak: three ear-tagged animals of a Baoku ranch, quarantined, sent to the Beichuan abattoir, slaughtered
(each carcass keeps its animal's ear tag), chilled, cut and packed in 500 g packs of rolls for Guangzhou."""

from __future__ import annotations

from decimal import ROUND_DOWN
from decimal import Decimal

from supply.demo.certificates import certify
from supply.demo.chains.steps import Steps
from supply.demo.chains.steps import at
from supply.demo.chains.steps import registered

PASTURE = "S-DT-BK-PAS"
ABATTOIR = "S-BC-ABT"
GUANGZHOU = "S-GZ-BY-COLD"
ANIMAL_HEALTH = "INSP-DT-AHS"
# The Cairang ranch's yaks registered on 09-06 (batches 39 to 41 of the fixed list).
YAKS = (39, 40, 41)
# Per animal: carcass kilograms, and the cuts made from it (kilograms, what they are); the first makes the rolls.
CARCASSES = (
    ("168.5", (("38.6", "肋条、上脑（肉卷原料）"), ("22.3", "腱子"), ("55.4", "里脊、外脊、米龙等分割肉"))),
    ("174.2", (("40.1", "肋条、上脑（肉卷原料）"), ("23.0", "腱子"), ("57.6", "里脊、外脊、米龙等分割肉"))),
    ("159.8", (("36.2", "肋条、上脑（肉卷原料）"), ("20.9", "腱子"), ("52.3", "里脊、外脊、米龙等分割肉"))),
)


def yak(steps: Steps) -> list[str]:
    """Write the yak chain from the ranch to Guangzhou; return the lots of 500 g packs."""
    animals = [registered(number) for number in YAKS]
    for number, animal in enumerate(animals, 1):
        steps.test(animal.lot_code, at("09-14", f"09:{number * 10:02d}"), kind="quarantine", method="visual",
                   analyte="产地检疫：临床检查", passed=True, operator="官方兽医", lab=ANIMAL_HEALTH,
                   notes="口蹄疫、布鲁氏菌病免疫记录齐全，临床检查健康")
        certify({"kind": "animal_quarantine", "party": "FARM-DT-BAOKU", "lot": animal.lot_code,
                 "issuer": ANIMAL_HEALTH, "number": f"DT-A-20260914-0{number}", "valid_from": "2026-09-14",
                 "valid_to": "2026-09-17",
                 "scope": f"大通牦牛 1 头，耳标 {animal.ear_tag}，产地检疫合格，运往大通北川工业园区屠宰"})
    steps.deliver(PASTURE, ABATTOIR, [(animal.lot_code, "1") for animal in animals], at("09-15", "07:30"),
                  at("09-15", "09:20"), carrier="大通县畜禽专用运输车", plate="青A·7H512",
                  doc_number="DT-A-20260914-01~03")
    packs, shanks = [], []
    for number, (animal, (carcass_kg, cuts)) in enumerate(zip(animals, CARCASSES, strict=True), 1):
        minute = f"{(number - 1) * 20:02d}"
        [carcass] = steps.make("slaughter", ABATTOIR, at("09-16", f"06:{minute}"), [(animal.lot_code, None)],
                               [("YAK-CARCASS", carcass_kg, "胴体检疫标志带耳标号")])
        certify({"kind": "carcass_quarantine", "party": "OP-BEICHUAN-YAK", "lot": carcass, "issuer": ANIMAL_HEALTH,
                 "number": f"DT-B-20260916-0{number}", "valid_from": "2026-09-16",
                 "scope": f"牦牛胴体 {carcass_kg} kg，耳标 {animal.ear_tag}，宰后检疫合格"})
        steps.store(carcass, ABATTOIR, at("09-16", f"07:{minute}"), at("09-18", f"07:{minute}"), "0.0", "4.0",
                    "胴体排酸 48 小时")
        made = sum(Decimal(kilograms) for kilograms, _ in cuts)
        rolls, shank, _rest = steps.make("cut", ABATTOIR, at("09-18", f"08:{minute}"), [(carcass, carcass_kg)],
                                         [("YAK-CUTS", kilograms, what) for kilograms, what in cuts],
                                         loss=Decimal(carcass_kg) - made, loss_reason="剔骨、修整脂肪")
        count = (Decimal(cuts[0][0]) * Decimal("0.97") * 2).quantize(Decimal(1), ROUND_DOWN)
        [pack] = steps.make("grade_pack", ABATTOIR, at("09-19", f"08:{minute}"), [(rolls, None)],
                            [("YAK-PACK-500", count, "肥牛卷 500 g/袋，速冻")])
        steps.store(pack, ABATTOIR, at("09-19", f"10:{minute}"), at("09-21", "06:00"), "-19.6", "-17.2",
                    "速冻后 -18 °C 冷藏")
        packs.append((pack, count))
        shanks.append((shank, cuts[1][0]))
    steps.deliver(ABATTOIR, GUANGZHOU, packs + shanks, at("09-21", "08:00"), at("09-23", "15:40"), "-19.1", "-16.4",
                  carrier="青海高原冷链", plate="青A·F8260", doc_number="DN260921-YK", set_point="-18")
    return [pack for pack, _ in packs]
