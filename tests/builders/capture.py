"""Builders for EPCIS capture tests: documents in our naming, the standard's examples adapted to our master data,
captures through the API, and a second instance with the same master data for round trips."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager

from supply.db import db
from supply.models import Batch
from supply.models import Event
from supply.models import Holding
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import Site
from tests.builders import SHARED
from tests.builders.custody import register
from tests.builders.exports import make_gtin
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.live import bound_to
from tests.builders.live import live_app
from tests.builders.live import scratch_database_url

EXAMPLES = SHARED / "epcis" / "examples"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
           {"xn": "https://trace.xining.example/epcis/"}]
BASE = "https://trace.example.cn"
MASTER_MODELS = (Party, Site, Product)


def example(name: str) -> dict:
    """Read one of the standard's example documents."""
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def document(*events: dict) -> dict:
    """Wrap events in an EPCISDocument with our context."""
    return {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-07-15T09:00:00.000+08:00", "epcisBody": {"eventList": list(events)}}


def site_uri(site) -> str:
    """Name a site as our exports do."""
    return f"{BASE}/site/{site.code}"


def party_uri(party) -> str:
    """Name a party as our exports do."""
    return f"{BASE}/party/{party.code}"


def lot_uri(lot_code: str, gtin: str | None = None) -> str:
    """Name a lot: its Digital Link URI when its product has a GTIN, else our lot URI."""
    return f"https://id.gs1.org/01/{gtin}/10/{lot_code}" if gtin else f"{BASE}/lot/{lot_code}"


def lgtin(gtin: str, lot_code: str) -> str:
    """Name a lot by its LGTIN URN, the company prefix taken as 7 digits."""
    return f"urn:epc:class:lgtin:{gtin[1:8]}.{gtin[0]}{gtin[8:13]}.{lot_code}"


def commissioning(site, lot: str, quantity, uom: str = "KGM", product=None, when="2026-07-15T08:00:00.000+08:00",
                  **ilmd) -> dict:
    """A commissioning event registering a lot (our lot URI, with its product in xn:lots, unless a GTIN names it)."""
    event = {"type": "ObjectEvent", "eventTime": when, "eventTimeZoneOffset": "+08:00", "action": "ADD",
             "bizStep": "commissioning", "disposition": "active",
             "quantityList": [{"epcClass": lot if ":" in lot else lot_uri(lot), "quantity": quantity, "uom": uom}],
             "readPoint": {"id": site_uri(site)}, "bizLocation": {"id": site_uri(site)}}
    if product is not None:
        event["xn:lots"] = [{"xn:lotCode": lot, "xn:productCode": product.code}]
    if ilmd:
        event["ilmd"] = {f"xn:{key}": value for key, value in ilmd.items()}
    return event


def shipping(site, receiver_site, lot_uris: list[tuple[str, object]], when="2026-07-15T10:00:00.000+08:00",
             uom="KGM") -> dict:
    """A shipping event from a site to another party's site."""
    return {"type": "ObjectEvent", "eventTime": when, "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
            "bizStep": "shipping", "disposition": "in_transit",
            "quantityList": [{"epcClass": uri, "quantity": q, "uom": uom} for uri, q in lot_uris],
            "readPoint": {"id": site_uri(site)},
            "destinationList": [{"type": "owning_party", "destination": party_uri(receiver_site.party)},
                                {"type": "location", "destination": site_uri(receiver_site)}]}


def capture(client, headers: dict, body, **extra):
    """POST a document (a dict, or raw bytes) to the capture interface and return the response."""
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return client.post("/api/v1/epcis/capture", data=data, content_type=extra.pop("content_type",
                                                                                  "application/ld+json"),
                       headers=headers, **extra)


def captured(client, headers: dict, body) -> dict:
    """Capture a document (run within the request) and return the job as its status URL shows it."""
    response = capture(client, headers, body)
    assert response.status_code == 202, response.get_data(as_text=True)
    job = client.get(response.headers["Location"], headers=headers)
    assert job.status_code == 200
    return job.json


def adapted(name: str, replacements: dict[str, object]) -> dict:
    """Adapt a standard example to our master data: swap its identifiers and drop what we do not track (EPC lists
    of single items, identifier patterns)."""
    data = copy.deepcopy(example(name))
    text = json.dumps(data)
    for old, new in replacements.items():
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1] if isinstance(new, str) else str(new))
    return json.loads(text)


def counts() -> dict:
    """Count what captures write: lots, events, shipments, holdings."""
    return {"lots": Batch.select().count(), "events": Event.select().count(),
            "shipments": Shipment.select().count(), "holdings": Holding.select().count()}


def master_data() -> dict:
    """Read the parties, sites and products of this instance, to build a second one with the same master data."""
    return {model: list(model.select().dicts()) for model in MASTER_MODELS}


def load_master_data(rows: dict) -> None:
    """Write another instance's master data into this one."""
    for model in MASTER_MODELS:
        if rows[model]:
            model.insert_many(rows[model]).execute()


@contextmanager
def second_instance(master: dict) -> Iterator:
    """Yield a second app over a database of its own holding the same master data, and its admin's headers."""
    with scratch_database_url("capture") as url, bound_to(url):
        app = live_app(url, TESTING=True, CAPTURE_BACKGROUND=False)
        with db.connection_context():
            load_master_data(master)
            headers = auth_header(make_user(role="admin"))
        yield app, headers


def records_only(counts_by_table: dict[str, int]) -> dict[str, int]:
    """Leave out the tables a refused capture still writes to: its job (and a retry key)."""
    return {table: n for table, n in counts_by_table.items() if table not in ("capture_job", "idempotency_key")}


def capture_world(app, in_request: bool = True) -> dict:
    """A cooperative with a packhouse and two lots of products with GTINs, an operator with a cold store, a third
    party's lot, their API headers; captures run within the request unless told."""
    app.config["CAPTURE_BACKGROUND"] = not in_request
    coop = make_user(role="producer", party=make_party(kind="cooperative"))
    packhouse = make_site(party=coop.party, kind="packhouse")
    operator = make_user(role="operator", party=make_party(kind="operator"))
    cold = make_site(party=operator.party, kind="cold_store")
    broccoli = make_product(gtin=make_gtin())
    carrot = make_product(gtin=make_gtin(), name="胡萝卜", name_en="Carrot")
    mix = make_product(gtin=make_gtin(), name="什锦蔬菜", name_en="Mixed vegetables")
    other = make_user(role="producer")
    other_site = make_site(party=other.party)
    return {
        "coop": coop, "packhouse": packhouse, "operator": operator, "cold": cold, "broccoli": broccoli,
        "carrot": carrot, "mix": mix, "other_site": other_site,
        "a": register(coop, packhouse, broccoli, "300", lot_code="CAP-A"),
        "b": register(coop, packhouse, carrot, "200", lot_code="CAP-B"),
        "foreign": register(other, other_site, make_product(), "100", lot_code="CAP-X"),
        "coop_h": auth_header(coop), "op_h": auth_header(operator),
    }
