"""Builders of the accounts tests."""

from __future__ import annotations

from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user


def two_cooperatives_world():
    """Two cooperatives, each with a site, a producer and a batch; a product; users of every role."""
    party = make_party()
    other = make_party()
    site = make_site(party=party)
    other_site = make_site(party=other)
    product = make_product()
    return {
        "party": party,
        "other": other,
        "site": site,
        "other_site": other_site,
        "product": product,
        "member": make_user(party=party),
        "batch": make_batch(site=site, product=product),
        "other_batch": make_batch(site=other_site, product=product),
    }
