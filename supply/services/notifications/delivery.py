"""Sending kept notifications by mail (supply.mail: SMTP, or the development folder), in the background. A failed
send is tried again after 1, 2, 4, ... minutes (at most 8 tries), and its last error is kept with the notification.
Mail is written in Simplified Chinese with the English below (a user's language is not stored). Webhooks are sent
by the shared webhooks package (supply.services.webhooks), with its own retries and log."""

from __future__ import annotations

import datetime
import logging

from flask import current_app

from supply import mail
from supply.clock import utcnow
from supply.db import db
from supply.db import is_sqlite
from supply.models import Notification
from supply.models import User
from supply.services.notifications.text import text_of

log = logging.getLogger(__name__)
MAX_TRIES = 8
BATCH = 100
LEASE = datetime.timedelta(minutes=5)


def _mail(notification: Notification, user: User) -> None:
    title, body = text_of(notification, "zh_Hans")
    title_en, body_en = text_of(notification, "en")
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + notification.link if notification.link else ""
    mail.send(current_app.config, user.email, f"{title} / {title_en}",
              "\n\n".join(part for part in (body, body_en, link) if part))


def _send(notification: Notification) -> None:
    """Mail one notification; reschedule it when the mail server fails, give it up after the last try."""
    try:
        _mail(notification, User.get_by_id(notification.user_id))
        notification.mail_state, notification.last_error = "sent", ""
    except Exception as exc:  # noqa: BLE001 (any failure of a mail server is retried, then logged)
        notification.tries += 1
        notification.last_error = f"mail: {exc}"[:2000]
        if notification.tries >= MAX_TRIES:
            notification.mail_state = "failed"
            log.warning("notification %s given up: %s", notification.id, notification.last_error)
        else:
            notification.next_try_at = utcnow() + datetime.timedelta(minutes=2 ** (notification.tries - 1))
    notification.save()


def deliver_due(limit: int = BATCH) -> int:
    """Mail the notifications due, oldest first; return how many were tried.

    The rows are claimed first, in a short transaction that moves their next try LEASE ahead (with SKIP LOCKED on
    PostgreSQL, so several workers share the work), then sent outside any transaction: a slow mail server holds no
    lock. A worker that dies mid-send leaves its rows to be tried again when the lease ends.
    """
    query = (Notification.select().where(Notification.mail_state == "pending", Notification.next_try_at <= utcnow())
             .order_by(Notification.next_try_at, Notification.id).limit(limit))
    with db.atomic():
        rows = list(query if is_sqlite() else query.for_update("FOR UPDATE SKIP LOCKED"))
        if rows:
            Notification.update(next_try_at=utcnow() + LEASE).where(
                Notification.id.in_([row.id for row in rows])).execute()
    for notification in rows:
        _send(notification)
    return len(rows)
