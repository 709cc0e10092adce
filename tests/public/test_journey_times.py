"""The public journey in the order things happened: a harvest time as a time, a harvest day first on its day."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from supply.clock import LOCAL_TZ
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.custody.shipments import create_shipment
from supply.services.custody.shipments import receive_shipment
from tests.builders.custody import register
from tests.builders.factories import make_batch
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user

EN = {"Accept-Language": "en"}


def journey(client, batch) -> list[tuple[str, str]]:
    """Return the journey's steps as (when, what) pairs, in the order the page lists them."""
    html = client.get(f"/t/{batch.public_token}", headers=EN).get_data(as_text=True)
    items = re.findall(r'<li><div class="when">(.*?)</div>(.*?)</li>', html, re.S)
    return [(when, " ".join(re.sub(r"<[^>]+>", " ", what).split())) for when, what in items]


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """Return a Beijing time in July 2026."""
    return datetime.datetime(2026, 7, day, hour, minute, tzinfo=LOCAL_TZ)


def test_a_harvest_time_is_shown_and_ordered_by_the_real_times(client):
    farm = make_user(role="producer", party=make_party(kind="farm"))
    field = make_site(party=farm.party, kind="field", name_en="Upper field")
    buyer = make_user(role="operator", party=make_party(kind="operator"))
    store = make_site(party=buyer.party, kind="cold_store", name_en="North cold store")
    batch = register(farm, field, make_product(), "300", produced_at=at(1, 6, 30))
    shipment = create_shipment(farm, {"from_site": field.code, "to_party": buyer.party.code, "departed_at": at(1, 8),
                                      "lines": [{"lot": batch.lot_code, "quantity": Decimal("300")}]})
    receive_shipment(buyer, shipment.code, {"site": store.code, "received_at": at(1, 11, 15)})
    steps = journey(client, batch)
    assert [when for when, _ in steps] == ["2026-07-01 06:30", "2026-07-01 08:00", "2026-07-01 11:15"]
    assert steps[0][1].startswith("Harvested and registered at Upper field")
    assert steps[1][1].startswith("Shipped from Upper field") and steps[2][1].startswith("Received at North cold")


def test_a_harvest_day_alone_comes_first_on_its_day_even_when_its_record_says_later(client):
    """A lot registered before commissioning took the production time: its event is dated when it was typed in."""
    farm = make_user(role="producer", party=make_party(kind="farm"))
    field = make_site(party=farm.party, kind="field", name_en="Upper field")
    buyer = make_party(kind="operator", name_en="Plateau Foods")
    batch = make_batch(site=field, produced_on=datetime.date(2026, 7, 1))
    record_event(event_type="ObjectEvent", action="ADD", biz_step="commissioning", disposition="active",
                 party=farm.party, site=field, lines=[Line(batch, "object", batch.quantity, batch.unit)],
                 event_time=at(8, 19, 5), data={"produced_on": "2026-07-01", "field_name": "", "ear_tag": None,
                                                "sources": []})
    record_event(event_type="ObjectEvent", action="OBSERVE", biz_step="shipping", disposition="in_transit",
                 party=farm.party, site=field, lines=[Line(batch, "object", Decimal("100"), batch.unit)],
                 event_time=at(1, 0, 0), data={"to_party": buyer.code})
    record_event(event_type="ObjectEvent", action="OBSERVE", biz_step="shipping", disposition="in_transit",
                 party=farm.party, site=field, lines=[Line(batch, "object", Decimal("100"), batch.unit)],
                 event_time=at(1, 9, 0), data={"to_party": buyer.code})
    steps = journey(client, batch)
    assert [when for when, _ in steps] == ["2026-07-01", "2026-07-01 00:00", "2026-07-01 09:00"]
    assert steps[0][1].startswith("Harvested and registered at Upper field")
    assert all(what.startswith("Shipped from Upper field to Plateau Foods") for _, what in steps[1:])
