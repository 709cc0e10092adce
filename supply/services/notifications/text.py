"""A notification's title and message in a language: its kind's words, translated, filled with its values."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext

from supply.models import Notification
from supply.services.notifications.kinds import KINDS


def text_of(notification: Notification, language: str) -> tuple[str, str]:
    """The title and message of a notification in a language (a review's decision word translated too)."""
    title, message = KINDS[notification.kind]
    with force_locale(language):
        params = {name: gettext(value) if name == "decision" else value
                  for name, value in notification.params.items()}
        return gettext(title), gettext(message, **params)
