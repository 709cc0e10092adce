"""Batches: registration at the starting site, reading, listing and the few later edits."""

from __future__ import annotations

import datetime

from peewee import JOIN
from peewee import IntegrityError

from supply import permissions
from supply.db import db
from supply.i18n import N_
from supply.identifiers import new_lot_code
from supply.identifiers import new_public_token
from supply.models import Batch
from supply.models import Event
from supply.models import Holding
from supply.models import Party
from supply.models import Product
from supply.models import Shipment
from supply.models import ShipmentLine
from supply.models import Site
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.custody import genealogy
from supply.services.custody import inherited_holds
from supply.services.custody import stock
from supply.services.custody import timeline
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.masterdata.lookup import product_by_code
from supply.services.masterdata.lookup import site_by_code
from supply.units import LOT_PREFIXES
from supply.units import unit_fits

LOT_CODE_ATTEMPTS = 5


def check_quantity_and_tag(product: Product, data: dict) -> None:
    """Refuse a unit, quantity or ear tag that does not fit the product (a live yak is one tagged head)."""
    unit = data["unit"]
    if not unit_fits(product.category, unit):
        raise Invalid.field("unit", N_("This unit does not fit the product category."))
    stock.check_whole(unit, data["quantity"], "quantity")
    if product.category == "live_yak":
        if not data.get("ear_tag"):
            raise Invalid.field("ear_tag", N_("A live yak needs its 15-digit ear tag."))
        if data["quantity"] != 1:
            raise Invalid.field("quantity", N_("A live yak batch is one animal."))
        taken = Batch.select().join(Product).where(Batch.ear_tag == data["ear_tag"], Product.category == "live_yak")
        if taken.exists():
            raise Conflict.field("ear_tag", N_("This ear tag is registered already."))
    elif data.get("ear_tag") and product.category != "yak_meat":
        raise Invalid.field("ear_tag", N_("Only yak batches carry an ear tag."))


@audited("batches.register")
def register_batch(actor: User, data: dict) -> Batch:
    """Register a new batch at one of the actor's party's sites."""
    data = dict(data)
    with db.atomic():
        site = site_by_code(data.pop("site"), field="site")
        permissions.require_can_register_at(actor, site)
        product = product_by_code(data.pop("product"), field="product")
        data["unit"] = data.get("unit") or product.unit
        check_quantity_and_tag(product, data)
        lot_code = data.pop("lot_code", None)
        source_lots = data.pop("source_lots", None) or []
        planting = data.pop("planting", None)
        produced_at = data.pop("produced_at", None)
        if lot_code and Batch.select().where(Batch.lot_code == lot_code).exists():
            raise Conflict.field("lot_code", N_("This lot code is taken."))
        fields = dict(
            product=product,
            origin_party=site.party,
            origin_site=site,
            holder=site.party,
            site=site,
            on_hand=data["quantity"],
            created_by=actor,
            **data,
        )
        batch = create_with_codes(fields, lot_code, LOT_PREFIXES[product.category])
        stock.put(batch, site.party, site, batch.quantity)
        sources = genealogy.resolve_sources(source_lots, planting, site)
        started = timeline.production_time(batch.produced_on, produced_at)
        timeline.require_after_sources(sources, started, "produced_at" if produced_at else "produced_on")
        event = record_commissioning(actor, batch, site, sources, produced_at)
        genealogy.link_sources(batch, event, sources)
        inherited_holds.carry_over(actor, batch, [source.batch.id for source in sources])
        return batch


def record_commissioning(actor: User | None, batch: Batch, site: Site, sources=(),
                         produced_at: datetime.datetime | None = None) -> Event:
    """Log a registration as the EPCIS commissioning event (ObjectEvent ADD) that starts the batch's chain.

    Its event time is the production time (with its offset), or the first moment of the production day.
    """
    return record_event(
        event_type="ObjectEvent",
        action="ADD",
        biz_step="commissioning",
        disposition="active",
        party=site.party,
        site=site,
        recorded_by=actor,
        lines=[Line(batch, "object", batch.quantity, batch.unit)],
        event_time=timeline.production_time(batch.produced_on, produced_at),
        event_tz=timeline.offset_text(produced_at),
        data={
            "produced_on": batch.produced_on.isoformat(),
            "produced_at": produced_at.isoformat() if produced_at else None,
            "field_name": batch.field_name,
            "ear_tag": batch.ear_tag,
            "sources": [source.describe() for source in sources],
        },
    )


def create_with_codes(fields: dict, lot_code: str | None, prefix: str) -> Batch:
    """Create a batch with the given lot code, or a generated one (retrying on the rare collision)."""
    for _ in range(LOT_CODE_ATTEMPTS):
        code = lot_code or new_lot_code(prefix, fields["produced_on"])
        try:
            with db.atomic():
                return Batch.create(lot_code=code, public_token=new_public_token(), **fields)
        except IntegrityError as exc:
            if lot_code:
                raise Conflict.field("lot_code", N_("This lot code is taken.")) from exc
    raise Conflict(N_("Could not assign a free lot code; try again."))


def _with_relations():
    Origin = Party.alias("origin")
    OriginSite = Site.alias("origin_site")
    Holder = Party.alias("holder")
    return (
        Batch.select(Batch, Product, Origin, OriginSite, Holder, Site)
        .join(Product)
        .switch(Batch)
        .join(Origin, on=(Batch.origin_party == Origin.id))
        .switch(Batch)
        .join(OriginSite, on=(Batch.origin_site == OriginSite.id))
        .switch(Batch)
        .join(Holder, on=(Batch.holder == Holder.id))
        .switch(Batch)
        .join(Site, JOIN.LEFT_OUTER, on=(Batch.site == Site.id), attr="site")
    ), Origin, OriginSite, Holder


def with_origin():
    """Select batches with their product, origin party and origin site (what labels and public pages show)."""
    return (
        Batch.select(Batch, Product, Party, Site)
        .join(Product, on=(Batch.product == Product.id))
        .switch(Batch)
        .join(Party, on=(Batch.origin_party == Party.id))
        .switch(Batch)
        .join(Site, on=(Batch.origin_site == Site.id))
    )


def get_batch(actor: User, lot_code: str) -> Batch:
    """Return a batch the actor may see, by lot code."""
    query, *_ = _with_relations()
    batch = query.where(Batch.lot_code == lot_code).get_or_none()
    if batch is None:
        raise NotFound(N_("No batch with this lot code."))
    permissions.require_sees_batch(
        actor, batch.origin_party_id, batch.holder_id,
        handled=lambda: Batch.select().where(Batch.id == batch.id, Batch.id.in_(handled_by(actor.party_id))).exists(),
    )
    return batch


def handled_by(party_id: int):
    """Return a subquery of the batches a party holds or held (some or all), or was sent."""
    held = Holding.select(Holding.batch).where(Holding.party == party_id)
    sent_to = ShipmentLine.select(ShipmentLine.batch).join(Shipment).where(Shipment.receiver == party_id)
    return held | sent_to


def list_batches(actor: User, filters: dict):
    """Return the query of batches the actor may see that match the filters, newest first."""
    query, origin, origin_site, holder = _with_relations()
    if not permissions.reads_everything(actor):
        query = query.where(
            (Batch.origin_party == actor.party_id) | (Batch.holder == actor.party_id)
            | Batch.id.in_(handled_by(actor.party_id))
        )
    if filters.get("product"):
        query = query.where(Product.code == filters["product"])
    if filters.get("category"):
        query = query.where(Product.category == filters["category"])
    if filters.get("party"):
        query = query.where((origin.code == filters["party"]) | (holder.code == filters["party"]))
    if filters.get("site"):
        query = query.where((origin_site.code == filters["site"]) | (Site.code == filters["site"]))
    if filters.get("status"):
        query = query.where(Batch.status == filters["status"])
    if filters.get("date_from"):
        query = query.where(Batch.produced_on >= filters["date_from"])
    if filters.get("date_to"):
        query = query.where(Batch.produced_on <= filters["date_to"])
    if filters.get("q"):
        query = query.where(Batch.lot_code.startswith(filters["q"]) | (Batch.ear_tag == filters["q"]))
    return query.order_by(Batch.produced_on.desc(), Batch.id.desc())


@audited("batches.update")
def update_batch(actor: User, lot_code: str, data: dict) -> Batch:
    """Change a batch's field name or notes (registration facts stay as recorded)."""
    with db.atomic():
        batch = get_batch(actor, lot_code)
        permissions.require_edits_batch(actor, batch.holder_id)
        changes = {key: value for key, value in data.items() if value is not None}
        if changes:
            Batch.update(**changes).where(Batch.id == batch.id).execute()
            for key, value in changes.items():
                setattr(batch, key, value)
        return batch
