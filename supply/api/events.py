"""Events that are not shipments or transformations: error declarations and storing observations."""

from __future__ import annotations

from supply.api.routing import route
from supply.schemas.events import DeclarationSchema
from supply.schemas.events import EventSchema
from supply.schemas.events import StoringSchema
from supply.services.custody import declarations
from supply.services.custody import observations


@route("/events/<path:event_id>/declare-error", "POST", summary="Declare an event in error", tag="events",
       body=DeclarationSchema, response=EventSchema, status=201, errors=(404, 409))
def declare_error(actor, event_id: str, data: dict):
    """Record an error declaration and undo the declared event's effect on quantities and links."""
    declaration = declarations.declare_error(actor, event_id, data["reason"], data.get("note", ""),
                                             data.get("corrective_event_id"))
    return EventSchema().dump(declaration)


@route("/observations/storing", "POST", summary="Record a lot stored at one of your sites, with temperatures",
       tag="events", body=StoringSchema, response=EventSchema, status=201, errors=(404, 409))
def record_storing(actor, data: dict):
    """Record a storing observation."""
    return EventSchema().dump(observations.record_storing(actor, data))
