"""The caller's notifications: the inbox, marking read, and how to be told (by kind: mail, webhook)."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from marshmallow import fields

from supply.api.routing import page_json
from supply.api.routing import route
from supply.clock import to_local
from supply.db.pagination import paginate
from supply.schemas.common import BaseSchema
from supply.schemas.common import PageQuerySchema
from supply.services.notifications import inbox as notifications
from supply.services.notifications.text import text_of
from supply.services.webhooks import settings as webhook_settings

NOTIFICATION = {"type": "object", "description": "A notification: its kind, title and message (in the caller's "
                "language, English by default), the values it was written with, where it leads, when, whether read.",
                "example": {"id": 7, "kind": "shipment_waiting", "title": "Shipment awaiting your receipt",
                            "message": "Shipment SH-26-000123 from Duoba cooperative (VG260715-0001) left on "
                                       "2026-07-15 08:30 and awaits your receipt.",
                            "params": {"code": "SH-26-000123"}, "link": "/shipments/SH-26-000123/receive",
                            "created_at": "2026-07-15T08:30:02+08:00", "read": False}}
SETTINGS = {"type": "object", "description": "By kind, whether it is also sent by mail and to the webhook; the "
            "webhook address. A new address answers once with its signing secret (`webhook_secret`).",
            "example": {"kinds": {"shipment_waiting": {"mail": True, "webhook": False}},
                        "webhook_url": "https://erp.example.cn/hooks/trace"}}


class ReadSchema(BaseSchema):
    """Which notifications to mark read (all when `ids` is left out)."""

    ids = fields.List(fields.Integer(), load_default=None,
                      metadata={"description": "The ids to mark read; all when left out.", "example": [7, 8]})


class SettingsSchema(BaseSchema):
    """How to be told."""

    kinds = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Boolean()),
                        load_default=dict, metadata={"description": "By kind of notification, whether it is also "
                                                                    "sent by mail and to the webhook.",
                                                     "example": {"lot_recalled": {"mail": True, "webhook": True}}})
    webhook_url = fields.String(load_default=None, allow_none=True,
                                metadata={"description": "Where notifications are POSTed; empty to remove it, left "
                                                         "out to keep it.", "example": "https://erp.example.cn/hooks/trace"})


def _dump(notification, language: str) -> dict:
    title, message = text_of(notification, language)
    return {"id": notification.id, "kind": notification.kind, "title": title, "message": message,
            "params": notification.params, "link": notification.link,
            "created_at": to_local(notification.created_at).isoformat(), "read": notification.read_at is not None}


@route("/notifications", "GET", summary="List your notifications, newest first", tag="notifications",
       query=PageQuerySchema, response=NOTIFICATION)
def list_notifications(actor, args: dict):
    """List the caller's notifications with the unread count."""
    language = str(get_locale())
    page = paginate(notifications.inbox(actor), args["page"], args["per_page"])
    answer = page_json(page, lambda n: _dump(n, language))
    answer["unread"] = notifications.unread_count(actor)
    return answer


@route("/notifications/read", "POST", summary="Mark your notifications read", tag="notifications", body=ReadSchema)
def read_notifications(actor, data: dict):
    """Mark the given (or all) notifications of the caller read."""
    return {"marked": notifications.mark_read(actor, data.get("ids")), "unread": notifications.unread_count(actor)}


@route("/notifications/settings", "GET", summary="How you are told", tag="notifications", response=SETTINGS)
def get_settings(actor):
    """The caller's choices."""
    return notifications.settings_of(actor)


@route("/notifications/settings", "PUT", summary="Choose how you are told", tag="notifications", body=SettingsSchema,
       response=SETTINGS, errors=(422,))
def put_settings(actor, data: dict):
    """Store the caller's choices; a webhook address that is not http(s), or private where forbidden, is a 422."""
    return notifications.save_settings(actor, data["kinds"], data["webhook_url"],
                                       webhook_settings.from_config(current_app.config).allow_private)
