"""EPCIS named queries and subscriptions: what a partner sends and what it reads back (EPCIS 2.0 REST names)."""

from __future__ import annotations

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from supply.clock import to_local
from supply.i18n import N_
from supply.schemas.common import BaseSchema
from supply.schemas.common import LocalDateTime
from supply.schemas.common import Trimmed

QUERY_NAME_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$"
MAX_PARAMETERS = 20
EXAMPLE_QUERY = {"eventType": "ObjectEvent", "EQ_bizStep": ["shipping", "receiving"],
                 "GE_eventTime": "2026-05-01T00:00:00+08:00"}


def _bounded(value: dict) -> None:
    if len(value) > MAX_PARAMETERS:
        raise ValidationError(N_("At most 20 query parameters."))


class NamedQueryCreateSchema(BaseSchema):
    """A query to save: its name and its EPCIS query parameters (each a text or a list of texts)."""

    name = Trimmed(required=True, validate=validate.Regexp(
        QUERY_NAME_RE, error=N_("Use 1 to 60 letters, digits, '.', '-' or '_', starting with a letter or digit.")),
        metadata={"example": "shipments-to-hk"})
    query = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True, validate=_bounded,
                        metadata={"example": EXAMPLE_QUERY,
                                  "description": "EPCIS query parameters as on GET /epcis/events (no paging)."})


class NamedQuerySchema(BaseSchema):
    """A saved query."""

    name = fields.String(metadata={"example": "shipments-to-hk"})
    query = fields.Dict(attribute="params", metadata={"example": {"eventType": ["ObjectEvent"],
                                                                  "EQ_bizStep": ["shipping", "receiving"]}})
    createdAt = LocalDateTime(attribute="created_at", metadata={"example": "2026-05-01T16:00:00+08:00"})


class NamedQueryListSchema(BaseSchema):
    """The caller's saved queries, by name."""

    queries = fields.List(fields.Nested(NamedQuerySchema))


class SubscriptionCreateSchema(BaseSchema):
    """A webhook to push the query's new events to (EPCIS 2.0 REST: `dest`; `stream` pushes each new event)."""

    dest = Trimmed(required=True, validate=validate.Length(min=1, max=2000, error=N_("At most {max} characters.")),
                   metadata={"example": "https://partner.example.hk/epcis/inbox",
                             "description": "An http(s) URL; loopback and private addresses only where allowed."})
    stream = fields.Boolean(load_default=True, validate=validate.Equal(True, error=N_("Only streaming is offered.")),
                            metadata={"description": "Push every new matching event (the only mode offered).",
                                      "example": True})


class SubscriptionSchema(BaseSchema):
    """A subscription of a named query."""

    subscriptionID = fields.String(attribute="public_id", metadata={"example": "k3Jd9sQpX0aB7w2m"})
    queryName = fields.Function(lambda s: s.query.name, metadata={"example": "shipments-to-hk"})
    dest = fields.Function(lambda s: s.endpoint.url, metadata={"example": "https://partner.example.hk/epcis/inbox"})
    stream = fields.Constant(True)
    createdAt = LocalDateTime(attribute="created_at", metadata={"example": "2026-05-01T16:00:00+08:00"})


class NewSubscriptionSchema(SubscriptionSchema):
    """A new subscription, with the secret that signs its deliveries (shown this once)."""

    secret = fields.String(metadata={
        "example": "9f2c…64 hex digits",
        "description": "Key of the HMAC-SHA256 (hex) each delivery carries in GS1-Signature; shown only now."})


class SubscriptionListSchema(BaseSchema):
    """A named query's subscriptions."""

    subscriptions = fields.List(fields.Nested(SubscriptionSchema))


class AttemptSchema(BaseSchema):
    """One try of a delivery."""

    at = fields.String(metadata={"example": "2026-05-01T08:00:02Z"})
    status = fields.Integer(allow_none=True, metadata={"example": 500, "description": "The receiver's HTTP status."})
    error = fields.String(metadata={"example": "HTTP 500"})


class DeliverySchema(BaseSchema):
    """A delivery: one EPCISQueryDocument POSTed until answered 2xx, with every attempt."""

    id = fields.String(attribute="public_id", metadata={"example": "Qm2x8VbT0n1cZk5e"})
    status = fields.String(metadata={"example": "delivered", "enum": ["pending", "delivered", "failed"]})
    attempts = fields.Integer(metadata={"example": 2})
    createdAt = LocalDateTime(attribute="created_at", metadata={"example": "2026-05-01T16:00:01+08:00"})
    nextAttemptAt = fields.Function(
        lambda d: to_local(d.next_attempt_at).isoformat(timespec="seconds") if d.status == "pending" else None,
        metadata={"example": None, "description": "When a pending delivery is tried next."})
    finishedAt = LocalDateTime(attribute="finished_at", allow_none=True,
                                 metadata={"example": "2026-05-01T16:00:03+08:00"})
    attemptsLog = fields.List(fields.Nested(AttemptSchema), attribute="attempts_log")


class DeliveryListSchema(BaseSchema):
    """A subscription's deliveries, newest first."""

    deliveries = fields.List(fields.Nested(DeliverySchema))
