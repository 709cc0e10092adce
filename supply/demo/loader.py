"""Demo data that looks like Xining: parties, sites, products, users and a summer season of batches."""

from __future__ import annotations

import datetime
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from supply.clock import local_today
from supply.db import db
from supply.demo.certificates import seed_certificates
from supply.demo.chains import build_chains
from supply.demo.data import BATCHES
from supply.demo.data import PARTIES
from supply.demo.data import PRODUCTS
from supply.demo.data import SITES
from supply.demo.data import VARIETIES_EN
from supply.demo.inspections import seed_inspections
from supply.identifiers import gtin_check_digit
from supply.identifiers import uscc_check_char
from supply.models import Batch
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import User
from supply.regions import PROVINCES
from supply.regions import QINGHAI
from supply.schemas.batch import BatchCreateSchema
from supply.schemas.party import PartyCreateSchema
from supply.schemas.party import SiteCreateSchema
from supply.schemas.product import ProductCreateSchema
from supply.schemas.user import UserCreateSchema
from supply.services.accounts import users
from supply.services.custody import batches
from supply.services.errors import Conflict
from supply.services.masterdata import parties
from supply.services.masterdata import products
from supply.units import LOT_PREFIXES

LOGINS_FILE = "demo_logins.txt"

# GB/T 2260 codes of the districts and counties of Xining used in credit codes and ear tags, and of the buyers'
# districts in Shenzhen and Guangzhou.
AREAS = {
    "城东区": "630102",
    "城中区": "630103",
    "城西区": "630104",
    "城北区": "630105",
    "湟中区": "630106",
    "大通回族土族自治县": "630121",
    "湟源县": "630123",
    "深圳市罗湖区": "440303",
    "广州市白云区": "440111",
}
# GS1 prefixes 690-699 are China's; this company prefix is made up for the demo.
GTIN_COMPANY_PREFIX = "6975018"
# Ear tag: species code 2 (cattle, yak included), county code, 8-digit serial.
YAK_SPECIES = "2"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account: the password is generated when the demo is loaded."""

    email: str
    name: str
    role: str
    party: str | None


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin@example.com", "系统管理员", "admin", None),
    DemoLogin("producer@example.com", "李秀兰", "producer", "COOP-HZ-VEG"),
    DemoLogin("operator@example.com", "韩德明", "operator", "OP-BEICHUAN-YAK"),
    DemoLogin("inspector@example.com", "赵晓燕", "inspector", "INSP-XN-QC"),
)


def generate_passwords() -> dict[str, str]:
    """Make a fresh random password for every demo login, by email."""
    return {login.email: secrets.token_urlsafe(12) for login in DEMO_LOGINS}


def has_data() -> bool:
    """Tell whether the database holds any parties, products, users or batches."""
    return any(model.select().exists() for model in (Party, Product, User, Batch))


def credit_code(registration: str, county: str, serial: int) -> str:
    """Make a Unified Social Credit Code with a GB 11714 organisation code and a correct check character."""
    digits = f"{(serial * 7919 + int(AREAS[county]) * 13) % 10**8:08d}"
    org_check = 11 - sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    body = registration + AREAS[county] + digits + {10: "X", 11: "0"}.get(org_check, str(org_check))
    return body + uscc_check_char(body)


def demo_gtin(item_reference: str) -> str:
    """Make a GTIN-13 with the demo company prefix and a correct check digit."""
    body = GTIN_COMPANY_PREFIX + item_reference
    return body + gtin_check_digit(body)


def seed_demo(passwords: Mapping[str, str]) -> dict[str, int]:
    """Load the demo through the schemas and services in one transaction; return what was created."""
    with db.atomic():
        if Party.select().where(Party.code == PARTIES[0][0]).exists():
            # Only the command line shows this, so it is not marked for translation.
            raise Conflict(f"The demo data is loaded already (party {PARTIES[0][0]} exists).")
        admin_login = DEMO_LOGINS[0]
        admin = _create_user(admin_login, passwords[admin_login.email])
        _create_parties_and_sites(admin)
        categories = _create_products(admin)
        for login in DEMO_LOGINS[1:]:
            _create_user(login, passwords[login.email])
        for number, row in enumerate(BATCHES, 1):
            _register_batch(admin, number, categories[row[1]], *row)
        seed_certificates()
        seed_inspections()
        build_chains(len(BATCHES))
    return {
        "parties": len(PARTIES),
        "sites": len(SITES),
        "products": len(PRODUCTS),
        "users": len(DEMO_LOGINS),
        "batches": Batch.select().count(),
        "shipments": Shipment.select().count(),
    }


def where(address: str) -> tuple[str, str]:
    """Read the province and city a demo address starts with (Xining's addresses leave out 青海省)."""
    if address.startswith("西宁市"):
        return QINGHAI, "西宁市"
    province = next(name for name in PROVINCES if address.startswith(name))
    rest = address[len(province):]
    return province, rest[: rest.index("市") + 1] if "市" in rest else ""


def _create_parties_and_sites(admin: User) -> None:
    places = {}
    for serial, (code, kind, name, name_en, county, address, phone, registration) in enumerate(PARTIES, 1):
        places[code] = (county, address)
        province, city = where(address)
        parties.create_party(admin, PartyCreateSchema().load(dict(
            code=code, kind=kind, name=name, name_en=name_en, county=county, address=address, phone=phone,
            credit_code=credit_code(registration, county, serial), province=province, city=city,
        )))
    for code, party, kind, name, name_en, latitude, longitude, area_mu in SITES:
        county, address = places[party]
        parties.create_site(admin, SiteCreateSchema().load(dict(
            code=code, party=party, kind=kind, name=name, name_en=name_en, county=county, address=address,
            latitude=latitude, longitude=longitude, area_mu=area_mu,
        )))


def _create_products(admin: User) -> dict[str, str]:
    categories = {}
    for code, category, name, name_en, variety, unit, item_reference in PRODUCTS:
        categories[code] = category
        products.create_product(admin, ProductCreateSchema().load(dict(
            code=code, category=category, name=name, name_en=name_en, variety=variety,
            variety_en=VARIETIES_EN.get(variety, ""), unit=unit,
            gtin=demo_gtin(item_reference) if item_reference else None,
        )))
    return categories


def _create_user(login: DemoLogin, password: str) -> User:
    data = UserCreateSchema().load(
        dict(email=login.email, name=login.name, role=login.role, party=login.party, password=password)
    )
    return users.create_user(None, data)


def _register_batch(admin: User, number: int, category: str, site: str, product: str, quantity: str,
                    month_day: str, field_name: str, ear_tag_serial: str | None, notes: str) -> Batch:
    # A demo loaded before the season's end keeps every harvest date on or before today.
    produced_on = min(datetime.date.fromisoformat(f"2026-{month_day}"), local_today())
    ear_tag = YAK_SPECIES + AREAS["大通回族土族自治县"] + ear_tag_serial if ear_tag_serial else None
    data = BatchCreateSchema().load(dict(
        lot_code=f"{LOT_PREFIXES[category]}{produced_on:%y%m%d}-{number:03d}",
        product=product, site=site, quantity=quantity, produced_on=produced_on.isoformat(),
        field_name=field_name, ear_tag=ear_tag, notes=notes,
    ))
    return batches.register_batch(admin, data)


def logins_text(passwords: Mapping[str, str]) -> str:
    """Format the demo logins for the terminal and the logins file."""
    lines = ["Demo logins (email / password / role / party):"]
    for login in DEMO_LOGINS:
        lines.append(f"  {login.email:24} {passwords[login.email]:18} {login.role:10} {login.party or '-'}")
    return "\n".join(lines) + "\n"


def save_logins(path: Path, passwords: Mapping[str, str]) -> None:
    """Write the demo logins to a file only its owner may read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(logins_text(passwords))
    path.chmod(0o600)
