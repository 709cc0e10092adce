"""Plain builders of test data: make_party(**overrides) and friends."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from functools import lru_cache

from supply.identifiers import USCC_CHARS
from supply.identifiers import new_public_token
from supply.identifiers import uscc_check_char
from supply.models import Batch
from supply.models import Holding
from supply.models import Party
from supply.models import Product
from supply.models import Site
from supply.models import User
from supply.services.accounts.tokens import create_token
from supply.services.accounts.users import hash_password

_seq = itertools.count(1)
PASSWORD = "correct horse 42"


def seq() -> int:
    """Return a number unique within the test run."""
    return next(_seq)


def make_credit_code() -> str:
    """Make a valid Unified Social Credit Code."""
    n = seq()
    body = "9163" + "0100" + "".join(USCC_CHARS[(n // 31**i) % 31] for i in range(9))
    return body + uscc_check_char(body)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(PASSWORD)


def make_party(**overrides) -> Party:
    """Create a party (a cooperative unless told otherwise)."""
    n = seq()
    fields = dict(code=f"P{n:04d}", name=f"测试合作社{n}", name_en=f"Test Coop {n}", kind="cooperative",
                  credit_code=make_credit_code(), county="湟中区", address="西宁市", phone="0971-1234567")
    fields.update(overrides)
    return Party.create(**fields)


def make_site(party: Party | None = None, **overrides) -> Site:
    """Create a site of a party."""
    n = seq()
    fields = dict(party=party or make_party(), code=f"S{n:04d}", name=f"测试基地{n}", kind="field",
                  county="湟中区", latitude=Decimal("36.5"), longitude=Decimal("101.57"), area_mu=Decimal("120"))
    fields.update(overrides)
    return Site.create(**fields)


def make_product(**overrides) -> Product:
    """Create a product (a vegetable in kg unless told otherwise)."""
    n = seq()
    fields = dict(code=f"PR{n:04d}", category="vegetable", name=f"西兰花{n}", name_en=f"Broccoli {n}", unit="kg")
    fields.update(overrides)
    return Product.create(**fields)


def make_user(party: Party | None = None, **overrides) -> User:
    """Create a user (a producer of a new cooperative unless told otherwise)."""
    n = seq()
    role = overrides.pop("role", "producer")
    if party is None and role != "admin":
        party = make_party(kind={"inspector": "inspector", "operator": "operator"}.get(role, "cooperative"))
    fields = dict(email=f"user{n}@example.cn", name=f"User {n}", role=role, party=party,
                  password_hash=_password_hash())
    fields.update(overrides)
    return User.create(**fields)


def make_batch(site: Site | None = None, product: Product | None = None, **overrides) -> Batch:
    """Create a batch at a site, as registered."""
    site = site or make_site()
    product = product or make_product()
    quantity = overrides.pop("quantity", Decimal("500"))
    fields = dict(lot_code=f"LOT{seq():06d}", public_token=new_public_token(), product=product,
                  origin_party=site.party_id, origin_site=site, holder=site.party_id, site=site,
                  quantity=quantity, on_hand=quantity, unit=product.unit,
                  produced_on=datetime.date(2026, 7, 15))
    fields.update(overrides)
    batch = Batch.create(**fields)
    if batch.on_hand and batch.site_id:
        Holding.create(batch=batch, party=batch.holder_id, site=batch.site_id, on_hand=batch.on_hand)
    return batch


def token_for(user: User) -> str:
    """Create an API token for a user and return the secret (skipping the deliberately slow password check)."""
    raw, _ = create_token(user)
    return raw


def auth_header(user: User) -> dict:
    """Return the Authorization header for a user."""
    return {"Authorization": f"Bearer {token_for(user)}"}
