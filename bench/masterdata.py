"""The parties, sites, products and the one admin of a generated season, created through the services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from dataclasses import field

from supply.db import db
from supply.demo.loader import credit_code
from supply.demo.loader import demo_gtin
from supply.models import User
from supply.schemas.party import PartyCreateSchema
from supply.schemas.party import SiteCreateSchema
from supply.schemas.product import ProductCreateSchema
from supply.schemas.user import UserCreateSchema
from supply.services.accounts import users
from supply.services.masterdata import parties
from supply.services.masterdata import products

ADMIN_EMAIL = "bench-admin@example.com"
FARM_COUNTIES = ("湟中区", "大通回族土族自治县", "湟源县", "城北区", "城东区")
TOWNS = {
    "湟中区": ("多巴镇", "拦隆口镇", "甘河滩镇", "李家山镇", "总寨镇"),
    "大通回族土族自治县": ("宝库乡", "青林乡", "桥头镇", "城关镇"),
    "湟源县": ("和平乡", "大华镇", "城关镇"),
    "城北区": ("大堡子镇", "廿里铺镇"),
    "城东区": ("韵家口镇", "乐家湾镇"),
}
SURNAMES = "王李张刘陈杨赵马韩祁才让朱何"
# code, category, name, English name, variety, unit, GTIN item reference (None: sold loose)
PRODUCTS = (
    ("B-VEG-BROCCOLI", "vegetable", "西兰花", "Broccoli", "", "kg", "30001"),
    ("B-VEG-LETTUCE", "vegetable", "结球生菜", "Iceberg lettuce", "", "kg", "30002"),
    ("B-VEG-CABBAGE", "vegetable", "娃娃菜", "Baby Chinese cabbage", "", "kg", "30003"),
    ("B-VEG-POTATO", "vegetable", "马铃薯", "Potato", "青薯9号", "kg", "30004"),
    ("B-VEG-CARROT", "vegetable", "胡萝卜", "Carrot", "", "kg", "30005"),
    ("B-VEG-CELERY", "vegetable", "西芹", "Celery", "", "kg", "30006"),
    ("B-BERRY", "strawberry", "夏草莓", "Summer strawberry", "澳大利亚品种", "kg", "30011"),
    ("B-BERRY-SEEDLING", "strawberry_seedling", "草莓脱毒种苗", "Virus-free strawberry seedling",
     "澳大利亚品种", "plant", None),
    ("B-MUSH-SHIITAKE", "mushroom", "香菇", "Shiitake", "", "kg", "30021"),
    ("B-MUSH-OYSTER", "mushroom", "平菇", "Oyster mushroom", "", "kg", "30022"),
    ("B-MUSH-KING", "mushroom", "杏鲍菇", "King oyster mushroom", "", "kg", "30023"),
    ("B-YAK-LIVE", "live_yak", "大通牦牛", "Datong yak", "大通牦牛", "head", None),
    ("B-YAK-CARCASS", "yak_meat", "牦牛胴体", "Yak carcass", "", "kg", None),
    ("B-YAK-SHANK", "yak_meat", "牦牛腱子肉", "Yak shank", "", "kg", None),
    ("B-YAK-TENDERLOIN", "yak_meat", "牦牛里脊", "Yak tenderloin", "", "kg", None),
    ("B-YAK-BRISKET", "yak_meat", "牦牛牛腩", "Yak brisket", "", "kg", None),
    ("B-YAK-SIRLOIN", "yak_meat", "牦牛西冷", "Yak sirloin", "", "kg", None),
    ("B-YAK-RIBS", "yak_meat", "牦牛肋排", "Yak ribs", "", "kg", None),
    ("B-YAK-PACK", "yak_meat", "牦牛肉分割包装", "Yak meat retail pack", "", "pack", "30031"),
)
RETAILERS = (
    ("深圳", "Shenzhen supermarket"), ("广州", "Guangzhou supermarket"), ("香港", "Hong Kong importer"),
    ("东莞", "Dongguan supermarket"), ("上海", "Shanghai supermarket"), ("杭州", "Hangzhou supermarket"),
    ("苏州", "Suzhou supermarket"), ("澳门", "Macao importer"), ("佛山", "Foshan supermarket"),
    ("南京", "Nanjing supermarket"), ("西宁", "Xining wholesale market trader"), ("珠海", "Zhuhai supermarket"),
)


@dataclass
class Place:
    """A party and one of its sites, by code."""

    party: str
    site: str


@dataclass
class Coop:
    """A cooperative with its packhouse, its nursery (strawberries) and its member farms."""

    party: str
    packhouse: str
    nursery: str | None = None
    farms: list[Place] = field(default_factory=list)


@dataclass
class World:
    """The master data a season plan draws on, by line of produce."""

    admin_email: str
    veg_coops: list[Coop]
    berry_coops: list[Coop]
    mush_coops: list[Coop]
    yak_farms: list[Place]
    cold_stores: list[Place]
    warehouses: list[Place]
    abattoirs: list[Place]
    retailers: list[Place]


@dataclass
class Counts:
    """How many parties of each kind a season of a given size needs."""

    farms: int
    coops: int
    operators: int

    @classmethod
    def for_batches(cls, batches: int) -> Counts:
        """Scale the chain with the season: about one farm per 40 batches, one cooperative per 60 farms."""
        farms = max(24, min(batches // 40, 6000))
        return cls(farms=farms, coops=max(8, farms // 60), operators=max(3, min(batches // 25000 + 2, 12)))


class Builder:
    """Create the master data through the schemas and services, numbering the credit codes."""

    def __init__(self, admin: User) -> None:
        self.admin = admin
        self.serial = 0

    def party(self, code: str, kind: str, name: str, name_en: str, county: str, registration: str) -> str:
        """Create a party and return its code."""
        self.serial += 1
        town = TOWNS.get(county, ("",))[self.serial % len(TOWNS.get(county, ("",)))]
        parties.create_party(self.admin, PartyCreateSchema().load(dict(
            code=code, kind=kind, name=name, name_en=name_en, county=county, address=f"西宁市{county}{town}",
            phone=f"0971-{5500000 + self.serial}", credit_code=credit_code(registration, county, self.serial),
        )))
        return code

    def site(self, code: str, party: str, kind: str, name: str, name_en: str, area_mu: int) -> str:
        """Create a site of a party and return its code."""
        parties.create_site(self.admin, SiteCreateSchema().load(dict(
            code=code, party=party, kind=kind, name=name, name_en=name_en, area_mu=str(area_mu),
        )))
        return code


def create_admin() -> User:
    """Create the admin who records the whole season (a random password nobody needs)."""
    data = UserCreateSchema().load(dict(email=ADMIN_EMAIL, name="基准测试管理员", role="admin",
                                        password=secrets.token_urlsafe(16)))
    return users.create_user(None, data)


def create_products(admin: User) -> None:
    """Create the season's products."""
    for code, category, name, name_en, variety, unit, item in PRODUCTS:
        products.create_product(admin, ProductCreateSchema().load(dict(
            code=code, category=category, name=name, name_en=name_en, variety=variety, unit=unit,
            gtin=demo_gtin(item) if item else None,
        )))


def _coops(build: Builder, line: str, count: int, farms: int, farm_kind: str) -> list[Coop]:
    labels = {"VEG": ("冷凉蔬菜", "vegetable"), "BERRY": ("草莓", "strawberry"), "MUSH": ("食用菌", "mushroom")}
    zh, en = labels[line]
    coops = []
    for n in range(1, count + 1):
        county = FARM_COUNTIES[n % len(FARM_COUNTIES)] if line == "VEG" else "湟中区"
        code = build.party(f"COOP-{line}-{n:03d}", "cooperative", f"{county}第{n}{zh}专业合作社",
                           f"{en.capitalize()} cooperative {n}", county, "93")
        coop = Coop(code, build.site(f"S-{line}-{n:03d}-PK", code, "packhouse", f"{zh}合作社{n}分拣包装车间",
                                     f"Packhouse of {en} cooperative {n}", 8))
        if line == "BERRY":
            coop.nursery = build.site(f"S-{line}-{n:03d}-NUR", code, "nursery", f"草莓脱毒种苗繁育圃{n}",
                                      f"Seedling nursery {n}", 60)
        coops.append(coop)
    for i in range(farms):
        coop = coops[i % count]
        coop.farms.append(_farm(build, f"{line}{i + 1:05d}", farm_kind))
    return coops


def _farm(build: Builder, number: str, site_kind: str) -> Place:
    county = FARM_COUNTIES[int(number[-5:]) % len(FARM_COUNTIES)]
    surname = SURNAMES[int(number[-5:]) % len(SURNAMES)]
    code = build.party(f"FARM-{number}", "farm", f"{county}{surname}家{number[-5:]}号家庭农场",
                       f"{number} family farm", county, "92")
    label = {"field": "大田", "greenhouse": "温室", "pasture": "牧场"}[site_kind]
    return Place(code, build.site(f"S-FARM-{number}", code, site_kind, f"{surname}家{label}", f"Farm {number}",
                                  30 if site_kind != "pasture" else 600))


def _operators(build: Builder, counts: Counts) -> tuple[list[Place], list[Place], list[Place]]:
    cold, warehouses, abattoirs = [], [], []
    for n in range(1, counts.operators + 1):
        code = build.party(f"OP-COLD-{n:02d}", "operator", f"西宁河湟冷链物流第{n}有限公司",
                           f"Hehuang cold chain {n} Co., Ltd.", "湟中区", "91")
        cold.append(Place(code, build.site(f"S-COLD-{n:02d}", code, "cold_store", f"甘河工业园区冷库{n}号",
                                           f"Ganhe cold store {n}", 20)))
        warehouses.append(Place(code, build.site(f"S-WH-{n:02d}", code, "warehouse", f"供港前置仓{n}号",
                                                 f"Forward warehouse {n}", 15)))
    for n in range(1, max(2, counts.operators // 2) + 1):
        code = build.party(f"OP-YAK-{n:02d}", "operator", f"青海北川牦牛肉食品第{n}有限公司",
                           f"Beichuan yak meat {n} Co., Ltd.", "大通回族土族自治县", "91")
        abattoirs.append(Place(code, build.site(f"S-ABT-{n:02d}", code, "abattoir", f"北川工业园区屠宰车间{n}号",
                                                f"Beichuan abattoir {n}", 25)))
    return cold, warehouses, abattoirs


def _retailers(build: Builder) -> list[Place]:
    places = []
    for n, (city, name_en) in enumerate(RETAILERS, 1):
        code = build.party(f"RT-{n:02d}", "retailer", f"{city}高原优品商贸有限公司", f"{name_en} {n}", "城北区", "91")
        places.append(Place(code, build.site(f"S-RT-{n:02d}", code, "market", f"{city}配送中心", f"{city} DC", 10)))
    return places


def create_world(batches: int) -> World:
    """Create the admin, the products and the parties of a season of about this many batches."""
    counts = Counts.for_batches(batches)
    with db.atomic():
        admin = create_admin()
        create_products(admin)
        build = Builder(admin)
        share = {"VEG": 0.5, "BERRY": 0.15, "MUSH": 0.1}
        coop_share = {"VEG": 0.6, "BERRY": 0.2, "MUSH": 0.2}
        kinds = {"VEG": "field", "BERRY": "greenhouse", "MUSH": "greenhouse"}
        coops = {
            line: _coops(build, line, max(2, round(counts.coops * coop_share[line])),
                         max(6, round(counts.farms * share[line])), kinds[line])
            for line in share
        }
        yak_farms = [_farm(build, f"YAK{i + 1:05d}", "pasture") for i in range(max(4, counts.farms // 4))]
        cold, warehouses, abattoirs = _operators(build, counts)
        return World(ADMIN_EMAIL, coops["VEG"], coops["BERRY"], coops["MUSH"], yak_farms, cold, warehouses,
                     abattoirs, _retailers(build))

