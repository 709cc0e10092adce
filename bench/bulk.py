"""Replay a season's groups in bulk: the services' rules applied in memory, the rows inserted in large batches.

Each operation is read as the API's schema would read it (bench/bodies.py) and then does what its service
does (registration, shipment, receipt, transformation), writing the same rows: batches, events with content
and chain hashes (the services' own hashing), event_batch lines, holdings, batch_link edges, plantings,
shipments and their lines. Mass balance is the services' own `_check_balance`. The plan is valid by
construction, so the checks that refuse bad requests are left to the services.

One difference by design: where a service stamps the clock (record times, the dates in shipment and planting
codes), the bulk path uses the season's simulated time, so a generated season reads as recorded while it happened.
Event times are the plan's own (a registration's is its production time), the same on both paths.
tests/app/test_bench_season.py replays one plan both ways and compares the two databases, so the paths cannot
drift apart unnoticed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from bench import bodies
from bench.ledger import Ledger
from bench.ledger import stored
from bench.plan import Group
from bench.plan import Op
from bench.plan import scrambled
from bench.sink import Ids
from bench.sink import Sink
from supply.clock import to_local
from supply.clock import to_utc_naive
from supply.identifiers import new_public_token
from supply.models import Batch
from supply.models import BatchLink
from supply.models import Party
from supply.models import Planting
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.models import User
from supply.models.custody import ShipmentStatus
from supply.services.custody.genealogy import Source
from supply.services.custody.timeline import offset_text
from supply.services.custody.timeline import production_time
from supply.services.custody.timeline import stamp
from supply.services.custody.transformations import BIZ_STEPS
from supply.services.custody.transformations import OUTPUT_CATEGORIES
from supply.services.custody.transformations import _check_balance
from supply.services.custody.transformations import output_date
from supply.units import quantity_text


class Catalogue:
    """Parties, sites and products by code (and parties by id), read once."""

    def __init__(self) -> None:
        self.parties = {party.code: party for party in Party.select()}
        self.party_by_id = {party.id: party for party in self.parties.values()}
        self.sites = {site.code: site for site in Site.select()}
        self.site_by_id = {site.id: site for site in self.sites.values()}
        self.products = {product.code: product for product in Product.select()}
        self.product_by_id = {product.id: product for product in self.products.values()}


class BulkReplay:
    """Replay groups in memory and queue their rows; `finish` writes what is left."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.catalogue = Catalogue()
        self.ids = Ids()
        self.sink = Sink()
        self.serials = {"shipment": 0, "planting": 0}
        self.ledger = Ledger(actor.id, self.ids)
        self.shipments: dict[int, tuple[dict, list[dict]]] = {}
        self.plantings: dict[int, tuple[str, int, list]] = {}

    def group(self, group: Group) -> None:
        """Replay a group's operations and queue its rows."""
        self.ledger = Ledger(self.actor.id, self.ids)
        self.shipments, self.plantings = {}, {}
        for op in group.ops:
            self.ledger.now = to_utc_naive(op.at)
            getattr(self, op.action)(op, bodies.READERS[op.action](self._body(op)))
        for model, rows in self.ledger.rows().items():
            self.sink.add(model, rows)
        self.sink.flush()

    def finish(self) -> None:
        """Write the rows still queued and move the id sequences on."""
        self.sink.close()

    def _body(self, op: Op) -> dict:
        if op.action == "register" and op.ref is not None:
            return {**op.body, "planting": self.plantings[op.ref][0]}
        return op.body

    def _code(self, prefix: str, kind: str, width: int) -> str:
        self.serials[kind] += 1
        return f"{prefix}{to_local(self.ledger.now).date():%y%m%d}-{scrambled(self.serials[kind], width)}"

    def register(self, op: Op, data: dict) -> None:
        """Register a batch (batches.register_batch)."""
        site = self.catalogue.sites[data.pop("site")]
        product = self.catalogue.products[data.pop("product")]
        data["unit"] = data.get("unit") or product.unit
        lot_code = data.pop("lot_code")
        source_lots = data.pop("source_lots", None) or []
        planting = data.pop("planting", None)
        produced_at = data.pop("produced_at", None)
        batch = self.ledger.add_batch(dict(
            lot_code=lot_code, public_token=new_public_token(), product=product.id, origin_party=site.party_id,
            origin_site=site.id, holder=site.party_id, site=site.id, on_hand=data["quantity"],
            created_by=self.actor.id, **data))
        self.ledger.put(batch, site.party_id, site.id, batch.quantity)
        sources = [Source(self.ledger.batches[code], "source") for code in dict.fromkeys(source_lots)]
        if planting:
            sources += [Source(seedling, "planting", quantity, planting)
                        for seedling, quantity in self.plantings[op.ref][2]]
        event = self.ledger.record_event(
            [(batch, "object", batch.quantity, batch.unit)], event_type="ObjectEvent", action="ADD",
            biz_step="commissioning", disposition="active", party=site.party_id, site=site.id,
            event_time=production_time(batch.produced_on, produced_at), event_tz=offset_text(produced_at),
            data={"produced_on": batch.produced_on.isoformat(),
                  "produced_at": produced_at.isoformat() if produced_at else None, "field_name": batch.field_name,
                  "ear_tag": batch.ear_tag, "sources": [source.describe() for source in sources]})
        self.ledger.out[BatchLink] += [
            link_row(s.batch, batch, event.id, s.kind, s.quantity, s.batch.unit if s.quantity is not None else "")
            for s in sources]

    def ship(self, op: Op, data: dict) -> None:
        """Dispatch a shipment (shipments.create_shipment)."""
        source = self.catalogue.sites[data["from_site"]]
        receiver = self.catalogue.parties[data["to_party"]]
        target = self.catalogue.sites[data["to_site"]] if data.get("to_site") else None
        lines = []
        for line in data["lines"]:
            batch = self.ledger.batches[line["lot"]]
            self.ledger.take(batch, source.party_id, source.id, line["quantity"])
            lines.append((batch, "object", line["quantity"], batch.unit))
        code = self._code("SH", "shipment", 6)
        event = self.ledger.record_event(
            lines, event_type="ObjectEvent", action="OBSERVE", biz_step="shipping", disposition="in_transit",
            party=source.party_id, site=source.id, event_time=data.get("departed_at"), doc_type="desadv",
            doc_number=data.get("doc_number", ""),
            data={"shipment": code, "to_party": receiver.code, "to_site": target.code if target else None,
                  "carrier": data.get("carrier", ""), "vehicle_plate": data.get("vehicle_plate", ""),
                  "set_point": data.get("set_point")})
        shipment = dict(
            id=self.ids.take(Shipment), code=code, sender=source.party_id, from_site=source.id, receiver=receiver.id,
            to_site=target.id if target else None, carrier=data.get("carrier", ""),
            vehicle_plate=data.get("vehicle_plate", ""), departed_at=event.event_time,
            doc_number=data.get("doc_number", ""), set_point=data.get("set_point"),
            status=ShipmentStatus.IN_TRANSIT, dispatch_event=event.id, close_event=None, received_at=None,
            created_by=self.actor.id,
            created_at=self.ledger.now)
        rows = [{"shipment": shipment["id"], "batch": batch.id, "quantity": quantity, "unit": unit, "received": None,
                 "loss": None, "loss_reason": ""} for batch, _, quantity, unit in lines]
        for row in rows:
            self.ledger.transit[row["batch"]] += row["quantity"]
        self.shipments[op.ref] = (shipment, rows)
        self.ledger.refresh(row["batch"] for row in rows)

    def receive(self, op: Op, data: dict) -> None:
        """Receive a shipment (shipments.receive_shipment)."""
        shipment, rows = self.shipments.pop(op.ref)
        site = self.catalogue.sites[data["site"]]
        given = {line["lot"]: line for line in data.get("lines") or []}
        lines, losses = [], []
        for row in rows:
            batch = self.ledger.by_id[row["batch"]]
            entry = given.get(batch.lot_code, {})
            sent = stored(row["quantity"])
            received = entry.get("received", sent)
            row.update(received=received, loss=sent - received, loss_reason=entry.get("loss_reason", ""))
            if received:
                self.ledger.put(batch, shipment["receiver"], site.id, received)
            lines.append((batch, "object", received, row["unit"]))
            if row["loss"]:
                losses.append({"lot": batch.lot_code, "quantity": quantity_text(row["loss"]),
                               "reason": row["loss_reason"]})
            self.ledger.transit[row["batch"]] -= row["quantity"]
        arrived = to_utc_naive(data["received_at"]) if data.get("received_at") else self.ledger.now
        event = self.ledger.record_event(
            lines, event_type="ObjectEvent", action="OBSERVE", biz_step="receiving", disposition="in_progress",
            party=shipment["receiver"], site=site.id, event_time=data.get("received_at"), doc_type="recadv",
            doc_number=shipment["doc_number"],
            data={"shipment": shipment["code"], "from_party": self.catalogue.party_by_id[shipment["sender"]].code,
                  "from_site": self.catalogue.site_by_id[shipment["from_site"]].code, "losses": losses,
                  "temperature": temperatures(data, shipment["departed_at"], arrived)})
        shipment.update(status=ShipmentStatus.RECEIVED, to_site=site.id, received_at=event.event_time,
                        close_event=event.id)
        self.ledger.out[Shipment].append(shipment)
        self.ledger.out[ShipmentLine] += rows
        self.ledger.refresh(row["batch"] for row in rows)

    def transform(self, op: Op, data: dict) -> None:
        """Record a transformation (transformations.transform)."""
        site = self.catalogue.sites[data["site"]]
        batches = [self.ledger.batches[spec["lot"]] for spec in data["inputs"]]
        unit_change = self._unit_changes(data, batches)
        inputs = []
        for spec, batch in zip(data["inputs"], batches, strict=True):
            quantity = spec.get("quantity")
            if quantity is None or unit_change:
                quantity = self.ledger.available(batch, site.party_id, site.id)
            self.ledger.take(batch, site.party_id, site.id, quantity)
            inputs.append((batch, quantity))
        outputs = self._outputs(data, batches)
        balance = _check_balance(inputs, outputs, data.get("loss") or Decimal(0))
        made = [self._make_output(site, spec, inputs) for spec in outputs]
        kind = data["kind"]
        event = self.ledger.record_event(
            [(b, "input", q, b.unit) for b, q in inputs] + [(b, "output", b.quantity, b.unit) for b in made],
            event_type="TransformationEvent", biz_step=BIZ_STEPS.get(kind, "commissioning"), disposition="active",
            party=site.party_id, site=site.id, event_time=data.get("time"),
            doc_type="prodorder" if data.get("doc_number") else "", doc_number=data.get("doc_number", ""),
            data={"kind": kind, "balance": balance, "loss_reason": data.get("loss_reason", "")})
        self.ledger.out[BatchLink] += [link_row(parent, child, event.id, kind, used, parent.unit)
                                       for parent, used in inputs for child in made]
        if kind == "planting":
            self._planting(op, event, site, inputs)
        self.ledger.refresh([b.id for b, _ in inputs] + [b.id for b in made])

    def _unit_changes(self, data: dict, batches: list[Batch]) -> bool:
        units = {batch.unit for batch in batches}
        for spec in data.get("outputs") or []:
            if spec.get("unit"):
                units.add(spec["unit"])
            elif spec.get("product"):
                units.add(self.catalogue.products[spec["product"]].unit)
        return len(units) > 1

    def _outputs(self, data: dict, inputs: list[Batch]) -> list[dict]:
        outputs = []
        for spec in data.get("outputs") or []:
            if spec.get("product"):
                product = self.catalogue.products[spec["product"]]
            elif len({b.product_id for b in inputs}) == 1 and data["kind"] not in OUTPUT_CATEGORIES:
                product = self.catalogue.product_by_id[inputs[0].product_id]
            else:
                raise ValueError("the plan names no product for an output")
            outputs.append({**spec, "product": product, "unit": spec.get("unit") or product.unit,
                            "time": data.get("time")})
        return outputs

    def _make_output(self, site: Site, spec: dict, inputs: list[tuple[Batch, Decimal]]) -> Batch:
        tags = {batch.ear_tag for batch, _ in inputs}
        ear_tag = tags.pop() if len(tags) == 1 else None
        product = spec["product"]
        batch = self.ledger.add_batch(dict(
            lot_code=spec["lot_code"], public_token=new_public_token(), product=product.id, origin_party=site.party_id,
            origin_site=site.id, holder=site.party_id, site=site.id, quantity=spec["quantity"],
            on_hand=spec["quantity"], unit=spec["unit"],
            produced_on=output_date(spec.get("time")),
            field_name=spec.get("field_name", ""), notes=spec.get("notes", ""),
            ear_tag=ear_tag if product.category in ("live_yak", "yak_meat") else None, created_by=self.actor.id))
        self.ledger.put(batch, site.party_id, site.id, batch.quantity)
        return batch

    def _planting(self, op: Op, event, site: Site, inputs: list[tuple[Batch, Decimal]]) -> None:
        code = self._code("PL", "planting", 5)
        self.ledger.out[Planting].append({"code": code, "event": event.id, "party": site.party_id, "site": site.id,
                                          "planted_on": event.event_time, "retracted": False})
        self.plantings[op.ref] = (code, site.id, [(batch, stored(quantity)) for batch, quantity in inputs])


def link_row(parent: Batch, child: Batch, event_id: int, kind: str, quantity, unit: str) -> dict:
    """Return a batch_link row (genealogy.link_sources and link_transformation)."""
    return {"parent": parent.id, "child": child.id, "event": event_id, "kind": kind, "quantity": quantity,
            "unit": unit, "retracted": False}


def temperatures(data: dict, departed_at: datetime.datetime, arrived: datetime.datetime) -> dict | None:
    """Return the temperatures logged from departure to arrival (stored UTC times), as a receipt records them
    (shipments._temperatures)."""
    low, high = data.get("temperature_min"), data.get("temperature_max")
    if low is None and high is None:
        return None
    return {"min": quantity_text(low), "max": quantity_text(high), "from": stamp(departed_at), "to": stamp(arrived)}
