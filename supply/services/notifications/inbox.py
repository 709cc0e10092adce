"""Keeping notifications and reading them: tell users something, list a user's inbox, mark it read, and each
user's choices (by kind: mail, webhook; one webhook address per user)."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from peewee import fn

from supply.clock import utcnow
from supply.db import db
from supply.i18n import N_
from supply.models import Notification
from supply.models import NotificationHook
from supply.models import NotificationSetting
from supply.models import User
from supply.services.errors import Invalid
from supply.services.notifications.kinds import KINDS


def notify(users: Iterable[User], kind: str, params: dict, link: str = "", key: str = "") -> int:
    """Keep a notification for each active user, once per `key` (a reminder already told is not told again);
    return how many were kept. Its mail and webhook go out later (supply.services.notifications.delivery)."""
    users = [user for user in users if user.active]
    if not users:
        return 0
    key = key or f"{kind}:{secrets.token_hex(8)}"
    told = {row.user_id for row in Notification.select(Notification.user)
            .where(Notification.key == key, Notification.user.in_([u.id for u in users]))}
    choices = {(s.user_id, s.kind): s for s in NotificationSetting.select()
               .where(NotificationSetting.user.in_([u.id for u in users]), NotificationSetting.kind == kind)}
    hooks = {h.user_id for h in NotificationHook.select(NotificationHook.user)
             .where(NotificationHook.user.in_([u.id for u in users]))}
    rows = []
    for user in users:
        if user.id in told:
            continue
        choice = choices.get((user.id, kind))
        by_mail = choice.by_mail if choice else True
        by_webhook = (choice.by_webhook if choice else True) and user.id in hooks
        rows.append({"user": user.id, "kind": kind, "params": params, "link": link, "key": key,
                     "created_at": utcnow(), "next_try_at": utcnow(),
                     "mail_state": "pending" if by_mail else "off",
                     "webhook_state": "pending" if by_webhook else "off"})
    if rows:
        Notification.insert_many(rows).execute()
    return len(rows)


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
            "webhook_url": hook.url if hook else ""}


def check_webhook_url(url: str, allow_private: bool) -> None:
    """Refuse a webhook address that is not http(s), or that names a loopback or private address when the
    deployment forbids them."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid.field("webhook_url", N_("A webhook address starts with http:// or https:// and names a host."))
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as exc:
        raise Invalid.field("webhook_url", N_("This host cannot be found.")) from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise Invalid.field("webhook_url", N_("Webhooks to loopback or private addresses are not allowed here."))


def save_settings(user: User, kinds: dict, webhook_url: str | None, allow_private: bool) -> dict:
    """Store a user's choices; a new webhook address gets a new signing secret, returned once."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise Invalid.field("kinds", N_("Not one of the allowed values."))
    if webhook_url:
        check_webhook_url(webhook_url, allow_private)
    secret = None
    with db.atomic():
        for kind, choice in kinds.items():
            NotificationSetting.insert(user=user.id, kind=kind, by_mail=bool(choice.get("mail", True)),
                                       by_webhook=bool(choice.get("webhook", True))).on_conflict(
                conflict_target=[NotificationSetting.user, NotificationSetting.kind],
                preserve=[NotificationSetting.by_mail, NotificationSetting.by_webhook]).execute()
        if webhook_url is not None:
            hook = NotificationHook.get_or_none(NotificationHook.user == user.id)
            if not webhook_url:
                NotificationHook.delete().where(NotificationHook.user == user.id).execute()
            elif hook is None or hook.url != webhook_url:
                secret = secrets.token_hex(32)
                NotificationHook.delete().where(NotificationHook.user == user.id).execute()
                NotificationHook.create(user=user.id, url=webhook_url, secret=secret)
    result = settings_of(user)
    if secret:
        result["webhook_secret"] = secret
    return result
