"""Builders of the inspection tests."""

from __future__ import annotations

from tests.builders.chains import register
from tests.builders.factories import auth_header
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user


def inspection_world():
    """A cooperative with a field and a lot, an inspector, and their tokens."""
    producer = make_user(role="producer")
    field = make_site(party=producer.party)
    lot = register(producer, field, make_product(), "200", lot_code="VEG-I1")
    inspector = make_user(role="inspector")
    return {"producer": producer, "field": field, "lot": lot, "inspector": inspector,
            "ph": auth_header(producer), "ih": auth_header(inspector)}
