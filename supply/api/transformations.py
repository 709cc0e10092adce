"""Transformations: merge, split, grade and pack, repack, slaughter, cut and planting."""

from __future__ import annotations

from supply.api.routing import route
from supply.schemas.custody import TransformationResultSchema
from supply.schemas.custody import TransformationSchema
from supply.services.custody import transformations


@route("/transformations", "POST", summary="Record a transformation at one of your sites", tag="transformations",
       body=TransformationSchema, response=TransformationResultSchema, status=201, errors=(409,))
def create_transformation(actor, data: dict):
    """Record a transformation and return its new lots."""
    result = transformations.transform(actor, data)
    return TransformationResultSchema().dump({
        "event_id": result["event"].event_id,
        "kind": data["kind"],
        "outputs": result["outputs"],
        "planting": result["planting"].code if result["planting"] else None,
    })
