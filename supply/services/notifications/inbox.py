"""Keeping notifications and reading them: tell users something, list a user's inbox, mark it read, and each
user's choices (by kind: mail, webhook; one webhook address per user)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable

from peewee import fn

from supply.clock import to_local
from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Notification
from supply.models import NotificationHook
from supply.models import NotificationSetting
from supply.models import User
from supply.models import WebhookEndpoint
from supply.services.errors import Invalid
from supply.services.notifications.kinds import KINDS
from supply.services.notifications.text import text_of
from supply.services.webhooks.delivery import create_endpoint
from supply.services.webhooks.delivery import deactivate
from supply.services.webhooks.delivery import enqueue
from supply.services.webhooks.targets import require_target


def notify(users: Iterable[User], kind: str, params: dict, link: str = "", key: str = "") -> int:
    """Keep a notification for each active user, once per `key` (a reminder already told is not told again), and
    queue its webhook for those who want one; return how many were kept. Mail goes out later
    (supply.services.notifications.delivery), webhooks with every other (supply.services.webhooks)."""
    users = [user for user in users if user.active]
    if not users:
        return 0
    key = key or f"{kind}:{secrets.token_hex(8)}"
    ids = [u.id for u in users]
    told = {row.user_id for row in Notification.select(Notification.user)
            .where(Notification.key == key, Notification.user.in_(ids))}
    choices = {s.user_id: s for s in NotificationSetting.select()
               .where(NotificationSetting.user.in_(ids), NotificationSetting.kind == kind)}
    hooks = {h.user_id: h.endpoint for h in NotificationHook.select(NotificationHook, WebhookEndpoint)
             .join(WebhookEndpoint).where(NotificationHook.user.in_(ids), WebhookEndpoint.active == True)}  # noqa: E712
    kept = 0
    for user in users:
        if user.id in told:
            continue
        choice = choices.get(user.id)
        notification = Notification.create(user=user.id, kind=kind, params=params, link=link, key=key,
                                           mail_state="pending" if (choice.by_mail if choice else True) else "off")
        if user.id in hooks and (choice.by_webhook if choice else True):
            notification.webhook = enqueue(hooks[user.id], webhook_body(notification), topic=f"notification:{kind}")
            notification.save()
        kept += 1
    return kept


def webhook_body(notification: Notification) -> str:
    """The JSON a notification's webhook carries: its kind, title and message (Simplified Chinese), values, link."""
    title, message = text_of(notification, "zh_Hans")
    return json.dumps({"id": notification.id, "kind": notification.kind, "title": title, "message": message,
                       "params": notification.params, "link": notification.link,
                       "created_at": to_local(notification.created_at).isoformat()}, ensure_ascii=False)


def inbox(user: User):
    """A user's notifications, newest first."""
    return Notification.select().where(Notification.user == user.id).order_by(Notification.created_at.desc(),
                                                                                Notification.id.desc())


def unread_count(user: User) -> int:
    """How many of a user's notifications are unread."""
    return Notification.select(fn.COUNT(Notification.id)).where(
        Notification.user == user.id, Notification.read_at.is_null()).scalar() or 0


def mark_read(user: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of a user's notifications read; return how many changed."""
    query = Notification.update(read_at=utcnow()).where(Notification.user == user.id,
                                                         Notification.read_at.is_null())
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    return query.execute()


def settings_of(user: User) -> dict:
    """A user's choices: by kind, whether by mail and by webhook; and the webhook address ('' when none)."""
    chosen = {s.kind: s for s in NotificationSetting.select().where(NotificationSetting.user == user.id)}
    hook = NotificationHook.get_or_none(NotificationHook.user == user.id)
    return {"kinds": {kind: {"mail": chosen[kind].by_mail if kind in chosen else True,
                             "webhook": chosen[kind].by_webhook if kind in chosen else True} for kind in KINDS},
            "webhook_url": hook.endpoint.url if hook else ""}


def save_settings(user: User, kinds: dict, webhook_url: str | None, allow_private: bool) -> dict:
    """Store a user's choices; a new webhook address gets an endpoint with a new signing secret, returned once. An
    address that is not http(s), or private where the service forbids it, is refused on `webhook_url`."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise Invalid.field("kinds", N_("Not one of the allowed values."))
    if webhook_url:
        require_target(webhook_url, allow_private, "webhook_url")
    secret = None
    with db.atomic():
        for kind, choice in kinds.items():
            NotificationSetting.insert(user=user.id, kind=kind, by_mail=bool(choice.get("mail", True)),
                                       by_webhook=bool(choice.get("webhook", True))).on_conflict(
                conflict_target=[NotificationSetting.user, NotificationSetting.kind],
                preserve=[NotificationSetting.by_mail, NotificationSetting.by_webhook]).execute()
        hook = NotificationHook.get_or_none(NotificationHook.user == user.id)
        if webhook_url is not None and (hook is None or hook.endpoint.url != webhook_url):
            if hook is not None:
                deactivate(hook.endpoint_id)
                hook.delete_instance()
            if webhook_url:
                endpoint = create_endpoint(user.party, webhook_url)
                NotificationHook.create(user=user.id, endpoint=endpoint)
                secret = endpoint.secret
    result = settings_of(user)
    if secret:
        result["webhook_secret"] = secret
    return result
