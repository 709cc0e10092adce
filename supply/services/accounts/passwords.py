"""What makes a password acceptable: at least 10 characters, not the e-mail or the service's name, and not easy
to guess by the zxcvbn estimator (common passwords, keyboard walks, dates, names and words with substitutions
score low; a phrase of uncommon words scores high)."""

from __future__ import annotations

from zxcvbn import zxcvbn

from supply.i18n import N_
from supply.services.errors import Invalid

MIN_LENGTH = 10
MAX_LENGTH = 128
# zxcvbn's scores run 0 to 4; 3 is "safely unguessable" against an online attack.
MIN_SCORE = 3
SERVICE_WORDS = ("xining", "qinghai", "supply", "trace", "traceability", "西宁", "青海", "溯源")
TOO_SHORT = N_("Use at least 10 characters.")
PERSONAL = N_("Do not put your e-mail, your name or the service's name in the password.")
GUESSABLE = N_("This password is too easy to guess: use a longer phrase of uncommon words.")


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Return what is wrong with a password for this user (a message to translate), or None."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    lowered = password.lower()
    personal = [part for part in (email.lower(), email.lower().split("@")[0], name.lower()) if len(part) >= 3]
    if any(word in lowered for word in (*personal, *SERVICE_WORDS)):
        return PERSONAL
    if zxcvbn(password[:MAX_LENGTH], user_inputs=[*personal, *SERVICE_WORDS])["score"] < MIN_SCORE:
        return GUESSABLE
    return None


def require_strong(password: str, email: str = "", name: str = "", field: str = "password") -> None:
    """Raise Invalid on `field` unless the password is acceptable for this user."""
    problem = password_problem(password, email, name)
    if problem is not None:
        raise Invalid.field(field, problem)
