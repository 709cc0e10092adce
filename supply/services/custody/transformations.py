"""Transformations: merge, split, grade and pack, repack, slaughter, cut and planting, with mass balance."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from supply import permissions
from supply.clock import LOCAL_TZ
from supply.clock import local_today
from supply.db import db
from supply.i18n import N_
from supply.identifiers import LOT_ALPHABET
from supply.models import Batch
from supply.models import Planting
from supply.models import Product
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.certification import compliance
from supply.services.custody import genealogy
from supply.services.custody import stock
from supply.services.custody import timeline
from supply.services.custody.batches import create_with_codes
from supply.services.custody.events import Line
from supply.services.custody.events import record_event
from supply.services.custody.shipments import batches_by_lot
from supply.services.errors import Conflict
from supply.services.errors import Invalid
from supply.services.errors import Message
from supply.services.errors import Unit
from supply.services.errors import amount
from supply.services.masterdata.lookup import product_by_code
from supply.services.masterdata.lookup import site_by_code
from supply.units import LOT_PREFIXES
from supply.units import quantity_text
from supply.units import unit_fits

BIZ_STEPS = {"repack": "repackaging", "planting": "planting"}
# kind -> (inputs min, inputs max, outputs min, outputs max)
SHAPES = {
    "merge": (2, 500, 1, 1),
    "split": (1, 1, 2, 200),
    "grade_pack": (1, 500, 1, 200),
    "repack": (1, 500, 1, 200),
    "slaughter": (1, 1, 1, 1),
    "cut": (1, 1, 1, 200),
    "planting": (1, 50, 0, 0),
}
INPUT_CATEGORIES = {"slaughter": ("live_yak",), "cut": ("yak_meat",), "planting": ("strawberry_seedling",)}
OUTPUT_CATEGORIES = {"slaughter": ("yak_meat",), "cut": ("yak_meat",)}


def _check_shape(kind: str, data: dict) -> None:
    low_in, high_in, low_out, high_out = SHAPES[kind]
    if not low_in <= len(data["inputs"]) <= high_in:
        raise Invalid.field("inputs", N_("This kind of transformation takes a different number of inputs."))
    if not low_out <= len(data.get("outputs") or []) <= high_out:
        raise Invalid.field("outputs", N_("This kind of transformation makes a different number of outputs."))


def _output_product(spec: dict, inputs: list[Batch], kind: str, i: int) -> Product:
    if spec.get("product"):
        product = product_by_code(spec["product"], field=f"outputs.{i}.product")
    elif len({b.product_id for b in inputs}) == 1 and kind not in OUTPUT_CATEGORIES:
        product = inputs[0].product
    else:
        raise Invalid.field(f"outputs.{i}.product", N_("Name the product of this output."))
    allowed = OUTPUT_CATEGORIES.get(kind)
    if allowed and product.category not in allowed:
        raise Invalid.field(f"outputs.{i}.product", N_("This product does not fit this transformation."))
    return product


def _check_balance(inputs: list[tuple[Batch, Decimal]], outputs: list[dict], loss: Decimal) -> dict:
    """Same unit throughout: outputs + loss = inputs used. Unit changes: inputs are used whole, yield is recorded."""
    units = {b.unit for b, _ in inputs} | {o["unit"] for o in outputs}
    used = sum((q for _, q in inputs), Decimal(0))
    made = sum((o["quantity"] for o in outputs), Decimal(0))
    if len(units) == 1:
        if outputs and made + loss != used:
            unit = Unit(units.pop())
            raise Invalid.field("outputs", Message(
                N_("Outputs plus loss must equal the inputs used: in %(used)s %(unit)s, out plus loss %(made)s "
                   "%(unit)s."), used=amount(used), made=amount(made + loss), unit=unit))
        return {"mode": "same_unit", "used": quantity_text(used), "made": quantity_text(made),
                "loss": quantity_text(loss)}
    made_by_unit: dict[str, Decimal] = {}
    for output in outputs:
        made_by_unit[output["unit"]] = made_by_unit.get(output["unit"], Decimal(0)) + output["quantity"]
    return {
        "mode": "unit_change",
        "yield": [{"unit": unit, "quantity": quantity_text(q)} for unit, q in sorted(made_by_unit.items())],
        "used": [{"lot": b.lot_code, "quantity": quantity_text(q), "unit": b.unit} for b, q in inputs],
    }


@audited("transformations.record")
def transform(actor: User, data: dict) -> dict:
    """Record a transformation at a site of the actor's party; return the event, the outputs and the planting."""
    kind = data["kind"]
    _check_shape(kind, data)
    with db.atomic():
        site = site_by_code(data["site"], field="site")
        permissions.require_acts_at(actor, site)
        batches = batches_by_lot(data["inputs"], "inputs")
        timeline.require_not_before((b.id for b in batches.values()), data.get("time"), "time")
        inputs = []
        unit_change = _unit_changes(data, batches)
        for i, spec in enumerate(data["inputs"]):
            batch = batches[spec["lot"]]
            _check_input(batch, kind, i)
            quantity = spec.get("quantity")
            have = stock.available(batch, site.party, site)
            if quantity is None or unit_change:
                if quantity is not None and quantity != have:
                    raise Invalid.field(f"inputs.{i}.quantity",
                                        N_("Where the unit changes, each input is used whole."))
                quantity = have
            if quantity <= 0:
                raise stock.shortfall(batch, site.party, site, f"inputs.{i}.quantity")
            stock.check_whole(batch.unit, quantity, f"inputs.{i}.quantity")
            stock.take(batch, site.party, site, quantity, field=f"inputs.{i}.quantity")
            inputs.append((batch, quantity))
        outputs = _outputs(data, [b for b, _ in inputs], kind)
        balance = _check_balance(inputs, outputs, data.get("loss") or Decimal(0))
        made = [_make_output(actor, site, spec, inputs, kind, i) for i, spec in enumerate(outputs)]
        event = record_event(
            event_type="TransformationEvent", biz_step=BIZ_STEPS.get(kind, "commissioning"),
            disposition="active", party=site.party, site=site, recorded_by=actor,
            event_time=data.get("time"), doc_type="prodorder" if data.get("doc_number") else "",
            doc_number=data.get("doc_number", ""),
            lines=[Line(b, "input", q, b.unit) for b, q in inputs]
            + [Line(b, "output", b.quantity, b.unit) for b in made],
            data={"kind": kind, "balance": balance, "loss_reason": data.get("loss_reason", "")},
        )
        genealogy.link_transformation(event, kind, inputs, made)
        compliance.issue_for_outputs(actor, site.party, [b for b, _ in inputs], made)
        planting = _record_planting(event, site) if kind == "planting" else None
        stock.refresh([b.id for b, _ in inputs] + [b.id for b in made])
        return {"event": event, "outputs": made, "planting": planting}


def _unit_changes(data: dict, batches: dict[str, Batch]) -> bool:
    units = {b.unit for b in batches.values()}
    for spec in data.get("outputs") or []:
        if spec.get("unit"):
            units.add(spec["unit"])
        elif spec.get("product"):
            product = Product.get_or_none(Product.code == spec["product"])
            if product is not None:
                units.add(product.unit)
    return len(units) > 1


def _check_input(batch: Batch, kind: str, i: int) -> None:
    stock.require_movable(batch)
    allowed = INPUT_CATEGORIES.get(kind)
    if allowed and batch.product.category not in allowed:
        raise Invalid.field(f"inputs.{i}.lot", N_("This lot's product does not fit this transformation."))


def _outputs(data: dict, inputs: list[Batch], kind: str) -> list[dict]:
    outputs = []
    for i, spec in enumerate(data.get("outputs") or []):
        product = _output_product(spec, inputs, kind, i)
        unit = spec.get("unit") or product.unit
        if not unit_fits(product.category, unit):
            raise Invalid.field(f"outputs.{i}.unit", N_("This unit does not fit the product category."))
        stock.check_whole(unit, spec["quantity"], f"outputs.{i}.quantity")
        outputs.append({**spec, "product": product, "unit": unit, "time": data.get("time")})
    return outputs


def _make_output(actor: User, site, spec: dict, inputs: list[tuple[Batch, Decimal]], kind: str, i: int) -> Batch:
    tags = {b.ear_tag for b, _ in inputs}
    ear_tag = tags.pop() if len(tags) == 1 else None
    product = spec["product"]
    fields = dict(
        product=product, origin_party=site.party, origin_site=site, holder=site.party, site=site,
        quantity=spec["quantity"], on_hand=spec["quantity"], unit=spec["unit"],
        produced_on=output_date(spec.get("time")),
        field_name=spec.get("field_name", ""), notes=spec.get("notes", ""),
        ear_tag=ear_tag if product.category in ("live_yak", "yak_meat") else None, created_by=actor,
    )
    if spec.get("lot_code") and Batch.select().where(Batch.lot_code == spec["lot_code"]).exists():
        raise Conflict.field(f"outputs.{i}.lot_code", N_("This lot code is taken."))
    batch = create_with_codes(fields, spec.get("lot_code"), LOT_PREFIXES[product.category])
    stock.put(batch, site.party, site, batch.quantity)
    return batch


def output_date(time) -> datetime.date:
    """Return the production date of a transformation's outputs: its day in Asia/Shanghai, or today."""
    return time.astimezone(LOCAL_TZ).date() if time else local_today()


def _record_planting(event, site) -> Planting:
    if site.kind not in ("field", "greenhouse", "nursery"):
        raise Invalid.field("site", N_("Seedlings are planted in a field, greenhouse or nursery."))
    code = f"PL{local_today():%y%m%d}-" + "".join(secrets.choice(LOT_ALPHABET) for _ in range(5))
    return Planting.create(code=code, event=event, party=site.party, site=site,
                           planted_on=event.event_time)

