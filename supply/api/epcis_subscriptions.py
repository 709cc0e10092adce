"""EPCIS 2.0 subscriptions (REST binding): a named query's new events pushed to a partner's webhook.

Each delivery is a POST of an EPCISQueryDocument (with `queryName` and `subscriptionID`) whose raw body's
HMAC-SHA256, hex, keyed with the subscription's secret (shown once, when it is made), is in `GS1-Signature`.
A delivery not answered 2xx is retried with backoff; its attempts are in the delivery log.
"""

from __future__ import annotations

from flask import Response
from flask import current_app
from flask import jsonify
from flask import url_for

from supply.api.epcis_query import QUERY_DOCUMENT
from supply.api.epcis_query import TAG
from supply.api.epcis_query import name_param
from supply.api.routing import route
from supply.locales import translate_message
from supply.schemas.epcis_query import DeliveryListSchema
from supply.schemas.epcis_query import DeliverySchema
from supply.schemas.epcis_query import NewSubscriptionSchema
from supply.schemas.epcis_query import SubscriptionCreateSchema
from supply.schemas.epcis_query import SubscriptionListSchema
from supply.schemas.epcis_query import SubscriptionSchema
from supply.services.interchange.query import subscriptions
from supply.services.webhooks.settings import from_config

SUBSCRIPTION_PARAM = {"in": "path", "name": "subscription_id", "required": True, "schema": {"type": "string"},
                      "description": "The subscription's id (`subscriptionID`).", "example": "k3Jd9sQpX0aB7w2m"}
BOTH = [name_param("query_name"), SUBSCRIPTION_PARAM]
DELIVERY_CALLBACK = {"newEvents": {"{$request.body#/dest}": {"post": {
    "summary": "New matching events, pushed to the subscriber",
    "description": "An EPCISQueryDocument with `queryName` and `subscriptionID`, up to 200 events. Answer 2xx once "
                   "it is kept; anything else is retried. Check `GS1-Signature` before trusting the body.",
    "parameters": [{"in": "header", "name": "GS1-Signature", "required": True, "schema": {"type": "string"},
                    "description": "HMAC-SHA256 of the raw body keyed with the subscription's secret, hex.",
                    "example": "5d1a3f0c4b2e...64 hex digits"}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": QUERY_DOCUMENT}}},
    "responses": {"200": {"description": "Kept: the delivery is done."},
                  "500": {"description": "Any answer other than 2xx (or none within 10 s): tried again later."}},
}}}}


@route("/epcis/queries/<query_name>/subscriptions", "POST", summary="Subscribe a webhook to a saved query",
       tag=TAG, body=SubscriptionCreateSchema, response=NewSubscriptionSchema, status=201, extra={
           "description": "From now on, new events matching the query are POSTed to `dest` as EPCISQueryDocuments "
                          "(a few seconds after they are recorded), each signed in `GS1-Signature` with the "
                          "HMAC-SHA256 (hex) of the raw body under `secret`, which is shown only in this answer. "
                          "A delivery not answered 2xx is retried after 10 s, 1 min, 5 min, 30 min, 2 h and 6 h. "
                          "422 when `dest` is not http(s), or points to a loopback or private address where the "
                          "deployment forbids them.",
           "parameters": [name_param("query_name")], "callbacks": DELIVERY_CALLBACK})
def subscribe(actor, query_name: str, data: dict):
    """Subscribe a webhook to a named query's new events."""
    settings = from_config(current_app.config)
    subscription, secret = subscriptions.subscribe(actor, query_name, data["dest"], settings)
    body = {**SubscriptionSchema().dump(subscription), "secret": secret}
    location = url_for("api.get_subscription", query_name=query_name, subscription_id=subscription.public_id)
    return jsonify(body), 201, {"Location": location}


@route("/epcis/queries/<query_name>/subscriptions", "GET", summary="List a saved query's subscriptions", tag=TAG,
       response=SubscriptionListSchema, extra={"description": "The query's subscriptions (without their secrets).",
                                               "parameters": [name_param("query_name")]})
def list_subscriptions(actor, query_name: str):
    """List a named query's subscriptions."""
    found = subscriptions.list_subscriptions(actor, query_name)
    return {"subscriptions": SubscriptionSchema(many=True).dump(found)}


@route("/epcis/queries/<query_name>/subscriptions/<subscription_id>", "GET", summary="Read a subscription",
       tag=TAG, response=SubscriptionSchema, extra={"description": "The subscription (without its secret).",
                                                    "parameters": BOTH})
def get_subscription(actor, query_name: str, subscription_id: str):
    """Read a subscription."""
    return SubscriptionSchema().dump(subscriptions.get_subscription(actor, query_name, subscription_id))


@route("/epcis/queries/<query_name>/subscriptions/<subscription_id>", "DELETE", summary="End a subscription",
       tag=TAG, status=204, extra={"description": "Nothing more is sent for it, pending retries included.",
                                   "parameters": BOTH})
def unsubscribe(actor, query_name: str, subscription_id: str):
    """End a subscription."""
    subscriptions.unsubscribe(actor, query_name, subscription_id)
    return Response(status=204)


@route("/epcis/queries/<query_name>/subscriptions/<subscription_id>/deliveries", "GET",
       summary="Read a subscription's delivery log", tag=TAG, response=DeliveryListSchema, extra={
           "description": "The latest 100 deliveries, newest first: each one's status (pending, delivered, failed), "
                          "its attempts with the receiver's HTTP status or the error, and when it is tried next.",
           "parameters": BOTH})
def deliveries(actor, query_name: str, subscription_id: str):
    """Read a subscription's delivery log."""
    found = DeliverySchema(many=True).dump(subscriptions.deliveries(actor, query_name, subscription_id))
    for item in found:  # a refused target's reason is a message of ours; an HTTP status or socket error is not
        item["attemptsLog"] = [{**attempt, "error": translate_message(attempt["error"]) if attempt["error"] else ""}
                               for attempt in item["attemptsLog"]]
    return {"deliveries": found}
