"""Transformation events captured through the transformation service: inputs used, outputs made, loss and kind.

The kind is our `xn:transformationKind` when the event gives it (our exports do); else it is read from the event:
the planting business step, a live yak slaughtered, one lot split, several merged, else graded and packed.
"""

from __future__ import annotations

from decimal import Decimal

from supply.schemas.custody import TransformationSchema
from supply.services.custody.transformations import transform
from supply.services.interchange.capture.context import Capture
from supply.services.interchange.capture.context import load
from supply.services.interchange.capture.names import lot_name
from supply.services.interchange.capture.names import unit_of
from supply.services.interchange.capture.objects import amount
from supply.services.interchange.capture.objects import call
from supply.services.interchange.capture.objects import document_of
from supply.services.interchange.capture.objects import place
from supply.services.interchange.capture.objects import planting_of
from supply.services.interchange.capture.objects import quantity_entries

PLANTING_STEP = "planting"
KINDS = ("merge", "split", "grade_pack", "repack", "slaughter", "cut", "planting")


def _kind(capture: Capture, event: dict, step: str, inputs: list, outputs: list) -> str:
    given = capture.ext(event, "transformationKind")
    if given:
        return str(given)
    if step == PLANTING_STEP:
        return "planting"
    if step == "repackaging":
        return "repack"
    if len(inputs) == 1 and inputs[0][1].product.category == "live_yak":
        return "slaughter"
    if len(inputs) == 1 and len(outputs) > 1:
        return "split"
    if len(inputs) > 1 and len(outputs) == 1:
        return "merge"
    return "grade_pack"


def transformation(capture: Capture, event: dict, step: str) -> None:
    """Record a transformation at a site of the actor's party."""
    site, site_field = place(event, "bizLocation", "readPoint")
    inputs, fields = [], {"site": site_field, "inputs": "inputQuantityList", "outputs": "outputQuantityList",
                          "time": "eventTime", "loss": f"{capture.prefix}:loss"}
    for i, (field, entry) in enumerate(quantity_entries(event, "inputQuantityList")):
        batch = capture.known_lot(entry.get("epcClass"), f"{field}.epcClass")
        quantity = Decimal(str(entry["quantity"])) if entry.get("quantity") is not None else None
        inputs.append(({"lot": batch.lot_code, "quantity": quantity}, batch))
        fields[f"inputs.{i}"] = field
    outputs = []
    for i, (field, entry) in enumerate(quantity_entries(event, "outputQuantityList")):
        name = lot_name(entry.get("epcClass"), f"{field}.epcClass")
        outputs.append({"lot_code": name.lot_code, "product": capture.product_of(event, name, f"{field}.epcClass"),
                        "quantity": amount(entry, field), "unit": unit_of(entry.get("uom"), f"{field}.uom")})
        fields[f"outputs.{i}"] = field
    loss = capture.ext(event, "loss") or {}
    data = {"kind": _kind(capture, event, step, inputs, outputs), "site": site, "time": event.get("eventTime"),
            "inputs": [spec for spec, _ in inputs],
            "outputs": [{k: v for k, v in spec.items() if v is not None} for spec in outputs],
            "loss": capture.ext(loss, "quantity"), "loss_reason": capture.ext(event, "lossReason") or "",
            "doc_number": document_of(event, "prodorder")}
    checked = load(TransformationSchema, {k: v for k, v in data.items() if v is not None}, fields)
    result = call(transform, capture, checked, fields)
    planting = planting_of(capture, event)
    if result["planting"] is not None and planting:
        capture.plantings[planting] = result["planting"].code
    capture.lots.update({batch.lot_code: batch for batch in result["outputs"]})
    capture.count("transformations")
    capture.count("lots", len(result["outputs"]))
