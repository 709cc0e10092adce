"""The register form offers the products of the categories the party works with; the ear tag only for live yak."""

from __future__ import annotations

import re

from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import log_in


def _offered(html: str) -> str:
    return re.search(r'<select name="product".*?</select>', html, re.S).group(0)


def _ear_tag_box(html: str) -> str:
    return re.search(r'<div class="ear-tag"[^>]*>', html).group(0)


def test_a_vegetable_cooperative_is_offered_vegetables_not_yak_nor_mushrooms(client):
    user = make_user(role="producer")
    field = make_site(party=user.party, kind="field")
    cabbage = make_product(category="vegetable", unit="kg")
    yak = make_product(category="live_yak", unit="head")
    mushroom = make_product(category="mushroom", unit="kg")
    make_batch(site=field, product=cabbage)
    log_in(client, user)
    html = client.get("/batches/new").text
    offered = _offered(html)
    assert f'value="{cabbage.code}"' in offered
    assert f'value="{yak.code}"' not in offered and f'value="{mushroom.code}"' not in offered
    assert " hidden" in _ear_tag_box(html)  # no live yak offered: no ear tag asked
    everything = _offered(client.get("/batches/new?all=1").text)  # a new crop is one link away
    assert f'value="{yak.code}"' in everything and f'value="{mushroom.code}"' in everything


def test_a_new_pasture_party_is_offered_live_yak_with_the_ear_tag_following_the_product(client):
    user = make_user(role="producer")
    make_site(party=user.party, kind="pasture")
    yak = make_product(category="live_yak", unit="head")
    cabbage = make_product(category="vegetable", unit="kg")
    log_in(client, user)
    html = client.get("/batches/new").text
    assert f'value="{yak.code}"' in _offered(html) and f'value="{cabbage.code}"' not in _offered(html)
    box = _ear_tag_box(html)
    assert f'data-products="{yak.code}"' in box and " hidden" not in box


def test_an_admin_is_offered_every_product(client):
    admin = make_user(role="admin", party=None)
    yak = make_product(category="live_yak", unit="head")
    cabbage = make_product(category="vegetable", unit="kg")
    log_in(client, admin)
    offered = _offered(client.get("/batches/new").text)
    assert f'value="{yak.code}"' in offered and f'value="{cabbage.code}"' in offered
