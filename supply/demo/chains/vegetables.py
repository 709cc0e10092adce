"""Vegetables for Hong Kong: member farms deliver to the Duoba cooperative, which merges, pre-cools, tests, grades
and packs them in cartons for the cold store at the Ganhe industrial park, and on to a buyer at Wenjindu, Shenzhen;
青薯9号 potatoes merged, graded by size and shipped."""

from __future__ import annotations

from decimal import ROUND_DOWN
from decimal import Decimal

from supply.demo.chains.steps import Steps
from supply.demo.chains.steps import at
from supply.demo.chains.steps import day_of
from supply.demo.chains.steps import later
from supply.demo.chains.steps import registered
from supply.demo.inspections import ORGANOPHOSPHATES

PACKHOUSE = "S-HZ-VEG-PK"
COLD_STORE = "S-GH-COLD"
TRANSFER_WAREHOUSE = "S-GH-WH"
SHENZHEN = "S-SZ-WJD"
MARKET = "S-CB-MARKET"
COLD_CHAIN = "西宁河湟冷链物流"
OWN_TRUCK = "自有车辆"
# The farms' own trucks, by site.
FARM_PLATES = {
    "S-HZ-DUOBA-F": "青A·2M617", "S-HZ-XB-F": "青A·6P208", "S-HZ-TJZ-F": "青A·3K951",
    "S-HZ-GHT-F": "青A·8D334", "S-CB-DBZ-GH": "青A·5T720", "S-CD-YJK-GH": "青A·1H486",
    "S-HZ-LLK-F": "青A·9F115", "S-HY-HP-F": "青A·4R062",
}
# A day's deliveries to the packhouse: departure from the farm and arrival, in turn.
DELIVERIES = (("07:10", "08:05"), ("07:40", "08:30"), ("08:05", "09:00"), ("08:30", "09:20"), ("09:00", "09:50"))
# product harvested, carton it is packed in, share trimmed off at the merge and why; the times of the merge and
# the test (on the harvest day) and of the packing (the next morning).
PRODUCTS = {
    "broccoli": ("VEG-BROCCOLI", "VEG-BROCCOLI-CTN", Decimal("0.02"), "修整去除外叶、黄叶", "13:30", "14:10", "06:30"),
    "lettuce": ("VEG-LETTUCE", "VEG-LETTUCE-CTN", Decimal("0.03"), "剥除外叶、去根", "13:50", "14:25", "07:00"),
}
# Harvest day; broccoli and lettuce delivered by member farms (site, kg, field); the truck to Shenzhen; and a
# shortfall at Wenjindu (cartons of lettuce missing, and why). The day of the recalled lettuce is RECALL_DAY.
CONSIGNMENTS = (
    ("06-23", (("S-HZ-DUOBA-F", "705", "王家地"), ("S-HZ-XB-F", "860", "北地"), ("S-HZ-TJZ-F", "642", "川地")),
     (("S-HZ-GHT-F", "580", "东地"), ("S-CB-DBZ-GH", "455", "4号棚")), "青A·D7315", None),
    ("07-07", (("S-HZ-DUOBA-F", "688", "王家地"), ("S-HZ-XB-F", "915", "南地"), ("S-HZ-TJZ-F", "604", "川地")),
     (("S-CD-YJK-GH", "410", "2号棚"), ("S-CB-DBZ-GH", "468", "6号棚")), "青A·D7362", None),
    ("07-21", (("S-HZ-XB-F", "872", "北地"), ("S-HZ-TJZ-F", "655", "台地")),
     (("S-HZ-GHT-F", "612", "东地"), ("S-CD-YJK-GH", "436", "1号棚")), "青A·D7315", (3, "3箱外箱压损变形，收货拒收")),
    ("08-04", (("S-HZ-XB-F", "934", "南地"), ("S-HZ-TJZ-F", "690", "川地")),
     (("S-CB-DBZ-GH", "472", "3号棚"), ("S-HZ-GHT-F", "598", "北地")), "青A·D7362", None),
    ("08-18", (("S-HZ-XB-F", "896", "北地"), ("S-HZ-TJZ-F", "671", "台地")),
     (("S-HZ-GHT-F", "635", "东地"), ("S-CD-YJK-GH", "428", "2号棚")), "青A·D7315", None),
    ("09-01", (("S-HZ-XB-F", "842", "南地"), ("S-HZ-TJZ-F", "617", "川地")),
     (("S-CB-DBZ-GH", "446", "5号棚"), ("S-CD-YJK-GH", "402", "1号棚")), "青A·D7362", None),
)
RECALL_DAY = "08-18"
RECALL_REASON = "深圳文锦渡口岸抽检：供港结球生菜毒死蜱残留超标（GB 2763-2021），追溯至李家家庭农场当日采收批次"


def vegetables(steps: Steps) -> str:
    """Write the Hong Kong consignments and the potatoes; return the farm lettuce lot the recall starts from."""
    recall_root = ""
    for number, (day, broccoli, lettuce, plate, shortfall) in enumerate(CONSIGNMENTS, 1):
        farm_lots = hong_kong_consignment(steps, number, day, broccoli, lettuce, plate, shortfall)
        if day == RECALL_DAY:
            recall_root = farm_lots["lettuce"][0]
    potatoes(steps)
    return recall_root


def hong_kong_consignment(steps: Steps, number: int, day: str, broccoli, lettuce, plate: str,
                          shortfall) -> dict[str, list[str]]:
    """Collect one day's farm lots, merge, pre-cool, test and pack them, and send the cartons to Shenzhen."""
    next_day = later(day, 1)
    farm_lots: dict[str, list[str]] = {}
    cartons: dict[str, tuple[str, Decimal]] = {}
    for kind, rows in (("broccoli", broccoli), ("lettuce", lettuce)):
        delivered = sum(len(lots) for lots in farm_lots.values())
        farm_lots[kind] = [collect(steps, day, site, PRODUCTS[kind][0], kilograms, field_name, delivered + i)
                           for i, (site, kilograms, field_name) in enumerate(rows)]
        inputs = [(lot, Decimal(row[1])) for lot, row in zip(farm_lots[kind], rows, strict=True)]
        cartons[kind] = merge_and_pack(steps, number, day, kind, inputs)
    lines = list(cartons.values())
    steps.deliver(PACKHOUSE, COLD_STORE, lines, at(next_day, "09:00"), at(next_day, "10:05"), "1.6", "3.4",
                  carrier=COLD_CHAIN, plate="青A·L2806", doc_number=f"DN{day_of(next_day):%y%m%d}-01", set_point="2")
    for lot, _ in lines:
        steps.store(lot, COLD_STORE, at(next_day, "10:05"), at(next_day, "19:30"), "0.6", "2.4", "冷库暂存待发")
    code = steps.ship(COLD_STORE, SHENZHEN, lines, at(next_day, "20:00"), carrier=COLD_CHAIN, plate=plate,
                      doc_number=f"YD{day_of(next_day):%y%m%d}-SZ", set_point="1")
    short = None
    if shortfall:
        missing, reason = shortfall
        lot, packed = cartons["lettuce"]
        short = (lot, packed - missing, reason)
    steps.receive(code, SHENZHEN, at(later(day, 3), "17:40"), "1.2", "3.9", short)
    return farm_lots


def collect(steps: Steps, day: str, site: str, product: str, kilograms: str, field_name: str, turn: int) -> str:
    """Register a farm's harvest and deliver it to the cooperative's packhouse the same morning."""
    lot = steps.register(site, product, kilograms, day, field_name, "供港蔬菜订单种植，清晨采收")
    departed, arrived = DELIVERIES[turn]
    steps.deliver(site, PACKHOUSE, [(lot, kilograms)], at(day, departed), at(day, arrived), carrier=OWN_TRUCK,
                  plate=FARM_PLATES[site], doc_number=f"SG{day_of(day):%y%m%d}-{turn + 1:02d}")
    return lot


def merge_and_pack(steps: Steps, number: int, day: str, kind: str,
                   inputs: list[tuple[str, Decimal]]) -> tuple[str, Decimal]:
    """Merge the day's farm lots of a vegetable, test and pre-cool the lot overnight, and pack it in cartons the
    next morning; return the carton lot and how many cartons it holds."""
    product, carton, trim, trim_reason, merged_at, tested_at, packed_at = PRODUCTS[kind]
    used = sum(q for _, q in inputs)
    loss = (used * trim).quantize(Decimal(1))
    [merged] = steps.make("merge", PACKHOUSE, at(day, merged_at), inputs,
                          [(product, used - loss, "合作社收购合并，供港批次")], loss=loss, loss_reason=trim_reason)
    steps.test(merged, at(day, tested_at), by_holder=True, kind="pesticide_rapid", method="test_strip",
               analyte=ORGANOPHOSPHATES, passed=True, kit_lot=f"TS-26{day[:2]}-{100 + number}",
               operator="合作社检测室")
    steps.store(merged, PACKHOUSE, at(day, "14:30"), at(later(day, 1), "05:30"), "0.8", "3.6",
                "差压预冷，中心温度降至 2 °C")
    count = ((used - loss) * Decimal("0.96") / 10).quantize(Decimal(1), ROUND_DOWN)
    [packed] = steps.make("grade_pack", PACKHOUSE, at(later(day, 1), packed_at), [(merged, None)],
                          [(carton, count, "分级包装，10 kg/箱，加冰保鲜")])
    return packed, count


def potatoes(steps: Steps) -> None:
    """Merge two farms' 青薯9号, grade the lot by size, and send the first grade to Shenzhen, the second to market."""
    ma, zhao = registered(10).lot_code, registered(12).lot_code
    steps.deliver("S-HZ-LLK-F", PACKHOUSE, [(ma, "12400")], at("09-08", "07:00"), at("09-08", "08:10"),
                  carrier=OWN_TRUCK, plate=FARM_PLATES["S-HZ-LLK-F"], doc_number="SG260908-01")
    steps.deliver("S-HY-HP-F", PACKHOUSE, [(zhao, "9600")], at("09-09", "07:00"), at("09-09", "08:30"),
                  carrier=OWN_TRUCK, plate=FARM_PLATES["S-HY-HP-F"], doc_number="SG260909-01")
    [merged] = steps.make("merge", PACKHOUSE, at("09-09", "10:30"), [(ma, "12400"), (zhao, "9600")],
                          [("VEG-POTATO-QS9", "21780", "青薯9号合作社收购合并")], loss="220",
                          loss_reason="剔除破损薯、青皮薯")
    first, second = steps.make("split", PACKHOUSE, at("09-10", "07:30"), [(merged, "21780")],
                               [("VEG-POTATO-QS9", "13200", "一级：单薯 150 g 以上"),
                                ("VEG-POTATO-QS9", "8400", "二级：单薯 75–150 g")],
                               loss="180", loss_reason="剔除小薯、畸形薯")
    steps.deliver(PACKHOUSE, MARKET, [(second, "8400")], at("09-10", "08:30"), at("09-10", "09:40"),
                  carrier=OWN_TRUCK, plate="青A·7C530", doc_number="DN260910-01")
    steps.deliver(PACKHOUSE, TRANSFER_WAREHOUSE, [(first, "13200")], at("09-10", "09:30"), at("09-10", "10:30"),
                  carrier=COLD_CHAIN, plate="青A·L2811", doc_number="DN260910-02")
    steps.store(first, TRANSFER_WAREHOUSE, at("09-10", "10:30"), at("09-11", "18:00"), "4.0", "7.5", "出省前预贮")
    code = steps.ship(TRANSFER_WAREHOUSE, SHENZHEN, [(first, "13200")], at("09-11", "20:00"), carrier=COLD_CHAIN,
                      plate="青A·D7315", doc_number="YD260911-SZ", set_point="6")
    steps.receive(code, SHENZHEN, at("09-13", "17:30"), "4.8", "7.9")
