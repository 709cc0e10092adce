"""Capture a document's events in one transaction: each event through the service its business step names, every
bad event listed with its index and the reason, and nothing written when any event is refused.

Each event's writes are made by a service in a savepoint of the document's transaction, so that a refused event's
partial writes are undone and the events after it are still checked (an event after a refused one may fail only
because of it: its error says so by naming the lot it could not find). Any refusal rolls the whole document back.
"""

from __future__ import annotations

from decimal import InvalidOperation

from supply.db import db
from supply.i18n import N_
from supply.models import User
from supply.services.errors import ServiceError
from supply.services.interchange.capture import objects
from supply.services.interchange.capture.context import INPUT_INVALID
from supply.services.interchange.capture.context import Capture
from supply.services.interchange.capture.context import prefix_of
from supply.services.interchange.capture.document import check_document
from supply.services.interchange.capture.document import event_list
from supply.services.interchange.capture.transforms import transformation
from supply.services.interchange.epcis import CBV_BIZ_STEPS
from supply.services.interchange.epcis import CBV_DISPOSITIONS
from supply.services.interchange.epcis_extensions import NS

UNKNOWN_STEP = N_("Unknown business step: use a CBV 2.0 business step.")
UNSUPPORTED_STEP = N_("We cannot capture this business step for this type of event.")
UNKNOWN_DISPOSITION = N_("Unknown disposition: use a CBV 2.0 disposition.")
UNSUPPORTED_TYPE = N_("We capture object, aggregation and transformation events only.")
NO_DECLARATIONS = N_("Error declarations are not captured: declare the error through the events API.")
UNREADABLE = N_("This event could not be read.")
REFUSED = N_("Some events were refused; nothing of the document was written.")
CBV_PREFIXES = ("https://ref.gs1.org/cbv/{kind}-", "http://ref.gs1.org/cbv/{kind}-", "urn:epcglobal:cbv:{lower}:")


class EventsRejected(ServiceError):
    """The document or some of its events were refused: `events` lists each problem with its event's index."""

    status = 422

    def __init__(self, events: list[dict]) -> None:
        super().__init__(REFUSED)
        self.events = events


def vocabulary_name(value, kind: str, standard: frozenset[str]) -> str | None:
    """Return the short name of a CBV term or of one of our own terms, None for an unknown one."""
    if not isinstance(value, str):
        return None
    if value in standard:
        return value
    for pattern in CBV_PREFIXES:
        start = pattern.format(kind=kind, lower=kind.lower())
        if value.startswith(start) and value[len(start):] in standard:
            return value[len(start):]
    if value.startswith(f"{NS}{kind}-"):
        return value[len(f"{NS}{kind}-"):]
    return None


def _apply(capture: Capture, event: dict) -> None:
    """Write one event through the service of its type, action and business step."""
    if event.get("errorDeclaration"):
        raise ServiceError(NO_DECLARATIONS, {"errorDeclaration": [NO_DECLARATIONS]})
    step = vocabulary_name(event.get("bizStep"), "BizStep", CBV_BIZ_STEPS)
    if step is None:
        raise ServiceError(UNKNOWN_STEP, {"bizStep": [UNKNOWN_STEP]})
    if event.get("disposition") is not None and vocabulary_name(
            event["disposition"], "Disp", CBV_DISPOSITIONS) is None:
        raise ServiceError(UNKNOWN_DISPOSITION, {"disposition": [UNKNOWN_DISPOSITION]})
    kind, action = event.get("type"), event.get("action")
    if kind == "TransformationEvent":
        return transformation(capture, event, step)
    if kind not in ("ObjectEvent", "AggregationEvent"):
        raise ServiceError(UNSUPPORTED_TYPE, {"type": [UNSUPPORTED_TYPE]})
    key = "quantityList" if kind == "ObjectEvent" else "childQuantityList"
    if kind == "ObjectEvent" and action == "ADD" and step == "commissioning":
        return objects.commission(capture, event, key)
    if action in ("OBSERVE", "ADD") and step == "shipping":
        return objects.ship(capture, event, key)
    if action in ("OBSERVE", "ADD") and step == "receiving":
        return objects.receive(capture, event, key)
    if kind == "ObjectEvent" and action == "OBSERVE" and step in ("storing", "sensor_reporting"):
        return objects.store(capture, event, key)
    raise ServiceError(UNSUPPORTED_STEP, {"bizStep": [UNSUPPORTED_STEP]})


def _problems(index: int, exc: ServiceError) -> list[dict]:
    """List a refused event's problems: field by field (message first, details after), else the message."""
    if not exc.errors:
        return [{"event": index, "field": "", "message": exc.message}]
    found = []
    for field, messages in exc.errors.items():
        messages = [str(m) for m in messages]
        if exc.message in messages:
            messages.remove(exc.message)
            message = exc.message
        elif exc.message == INPUT_INVALID and messages:  # a schema's errors: each field says what is wrong
            message, messages = messages[0], messages[1:]
        else:  # {"lot": ["VEG-1"]}: the field's entries say what the message is about
            message = exc.message
        found.append({"event": index, "field": field, "message": message, "detail": "; ".join(messages)})
    return found


def capture_document(actor: User, document: dict) -> dict:
    """Check a document against the standard, then write its events in one transaction: all of them or none.

    Returns what was written (lots, shipments, receipts, transformations, observations, events); raises
    EventsRejected with every problem found otherwise.
    """
    problems = check_document(document)
    if problems:
        raise EventsRejected(problems)
    capture = Capture(actor, prefix_of(document))
    events = event_list(document)
    with db.atomic():
        for index, event in enumerate(events):
            try:
                # Every write of an event is made by an audited service in a savepoint of its own, which a refusal
                # rolls back: an event refused before or inside its service call has written nothing.
                _apply(capture, event)
            except ServiceError as exc:
                problems.extend(_problems(index, exc))
            except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation):
                problems.append({"event": index, "field": "", "message": UNREADABLE})
        if problems:
            raise EventsRejected(problems)
    return {**capture.written, "events": len(events)}
