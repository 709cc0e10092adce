"""How webhooks are sent: whether private targets are allowed, the request timeout and the retry schedule.

The app's configuration and the worker (which has no app) read the same environment through `from_environment`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# Seconds to wait after each failed attempt: a delivery is tried at most len(RETRY_SECONDS) + 1 times (~8 hours).
RETRY_SECONDS = (10, 60, 300, 1800, 7200, 21600)
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class WebhookSettings:
    """Webhook settings: SUPPLY_WEBHOOKS_ALLOW_PRIVATE, SUPPLY_WEBHOOK_TIMEOUT_SECONDS, SUPPLY_WEBHOOK_RETRY_SECONDS."""

    allow_private: bool = True
    timeout: float = TIMEOUT_SECONDS
    retry_seconds: tuple[float, ...] = RETRY_SECONDS

    @property
    def max_attempts(self) -> int:
        """Return how many times a delivery is tried before it is given up as failed."""
        return len(self.retry_seconds) + 1


def _retry_schedule(text: str) -> tuple[float, ...]:
    try:
        schedule = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        return RETRY_SECONDS
    return schedule if schedule and all(0 <= s <= 86400 for s in schedule) else RETRY_SECONDS


def from_environment(environ: dict | None = None) -> WebhookSettings:
    """Read the settings from the environment; private targets are allowed unless SUPPLY_WEBHOOKS_ALLOW_PRIVATE=0.

    The embedded default allows them (a receiver on the same machine); a public deployment sets 0 (docs/deploy.md).
    """
    env = os.environ if environ is None else environ
    try:
        timeout = float(env.get("SUPPLY_WEBHOOK_TIMEOUT_SECONDS", TIMEOUT_SECONDS))
    except ValueError:
        timeout = TIMEOUT_SECONDS
    return WebhookSettings(
        allow_private=env.get("SUPPLY_WEBHOOKS_ALLOW_PRIVATE", "1") != "0",
        timeout=timeout if 0 < timeout <= 60 else TIMEOUT_SECONDS,
        retry_seconds=_retry_schedule(env.get("SUPPLY_WEBHOOK_RETRY_SECONDS", "")),
    )


def from_config(config: dict) -> WebhookSettings:
    """Return the settings an app was configured with (its WEBHOOK_SETTINGS), else the environment's."""
    return config.get("WEBHOOK_SETTINGS") or from_environment()
