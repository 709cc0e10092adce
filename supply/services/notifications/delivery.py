"""Sending kept notifications: by mail (supply.mail: SMTP, or the development folder) and by webhook (a JSON POST
signed with the user's secret: HMAC-SHA256 of the raw body, hex, in `GS1-Signature`), in the background. A failed
send is tried again after 1, 2, 4, ... minutes (at most 8 tries), and its last error is kept with the notification.
Mail is written in the notification's language of record, Simplified Chinese, with the English below."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import urllib.request

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext

from supply import mail
from supply.clock import utcnow
from supply.db import db
from supply.db import is_sqlite
from supply.models import Notification
from supply.models import NotificationHook
from supply.models import User
from supply.services.notifications.kinds import KINDS

log = logging.getLogger(__name__)
MAX_TRIES = 8
TIMEOUT = 10
BATCH = 100
LEASE = datetime.timedelta(minutes=5)


def text_of(notification: Notification, language: str) -> tuple[str, str]:
    """The title and message of a notification in a language."""
    title, message = KINDS[notification.kind]
    with force_locale(language):
        params = {name: gettext(value) if name == "decision" else value
                  for name, value in notification.params.items()}
        return gettext(title), gettext(message, **params)


def _mail(notification: Notification, user: User) -> None:
    title, body = text_of(notification, "zh_Hans")
    title_en, body_en = text_of(notification, "en")
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + notification.link if notification.link else ""
    mail.send(current_app.config, user.email, f"{title} / {title_en}",
              "\n\n".join(part for part in (body, body_en, link) if part))


def signature(secret: str, body: bytes) -> str:
    """The HMAC-SHA256 of a body with a secret, hex."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _webhook(notification: Notification, hook: NotificationHook) -> None:
    title, message = text_of(notification, "zh_Hans")
    body = json.dumps({"id": notification.id, "kind": notification.kind, "title": title, "message": message,
                       "params": notification.params, "link": notification.link,
                       "created_at": notification.created_at.replace(tzinfo=datetime.UTC).isoformat()},
                      ensure_ascii=False).encode()
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "GS1-Signature": signature(hook.secret, body),
        "User-Agent": "xining-trace-notifications"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (http(s) checked when saved)
        if answer.status >= 300:
            raise OSError(f"HTTP {answer.status}")


def _send(notification: Notification) -> None:
    """Send what is pending of one notification; reschedule it when a channel fails."""
    user = User.get_by_id(notification.user_id)
    errors = []
    if notification.mail_state == "pending":
        try:
            _mail(notification, user)
            notification.mail_state = "sent"
        except Exception as exc:  # noqa: BLE001 (any failure of a mail server is retried, then logged)
            errors.append(f"mail: {exc}")
    if notification.webhook_state == "pending":
        hook = NotificationHook.get_or_none(NotificationHook.user == user.id)
        if hook is None:
            notification.webhook_state = "off"
        else:
            try:
                _webhook(notification, hook)
                notification.webhook_state = "sent"
            except Exception as exc:  # noqa: BLE001 (any failure of a receiver is retried, then logged)
                errors.append(f"webhook: {exc}")
    notification.tries += 1 if errors else 0
    notification.last_error = "; ".join(errors)[:2000]
    if errors:
        if notification.tries >= MAX_TRIES:
            notification.mail_state = "failed" if notification.mail_state == "pending" else notification.mail_state
            notification.webhook_state = ("failed" if notification.webhook_state == "pending"
                                          else notification.webhook_state)
            log.warning("notification %s given up: %s", notification.id, notification.last_error)
        else:
            notification.next_try_at = utcnow() + datetime.timedelta(minutes=2 ** (notification.tries - 1))
    notification.save()


def deliver_due(limit: int = BATCH) -> int:
    """Send the notifications due, oldest first; return how many were tried.

    The rows are claimed first, in a short transaction that moves their next try LEASE ahead (with SKIP LOCKED on
    PostgreSQL, so several workers share the work), then sent outside any transaction: a slow receiver holds no lock.
    A worker that dies mid-send leaves its rows to be tried again when the lease ends.
    """
    pending = (Notification.mail_state == "pending") | (Notification.webhook_state == "pending")
    query = (Notification.select().where(pending, Notification.next_try_at <= utcnow())
             .order_by(Notification.next_try_at, Notification.id).limit(limit))
    with db.atomic():
        rows = list(query if is_sqlite() else query.for_update("FOR UPDATE SKIP LOCKED"))
        if rows:
            Notification.update(next_try_at=utcnow() + LEASE).where(
                Notification.id.in_([row.id for row in rows])).execute()
    for notification in rows:
        _send(notification)
    return len(rows)
