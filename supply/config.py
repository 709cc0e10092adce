"""Configuration defaults, overridden by the environment."""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

from supply.services.accounts.throttle import DELAY_AFTER
from supply.services.accounts.throttle import LOCK_AFTER
from supply.services.accounts.throttle import LOCK_MINUTES
from supply.services.webhooks import settings as webhook_settings


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment or from a file generated once in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else default


def public_base_url() -> str:
    """Return the service's public base URL (PUBLIC_BASE_URL), read by the app and by the worker alike."""
    return os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def load_config(instance_path: str) -> dict:
    """Build the configuration mapping from defaults and environment variables."""
    instance = Path(instance_path)
    https = os.environ.get("SUPPLY_HTTPS") == "1"
    max_hours = _number("SUPPLY_SESSION_MAX_HOURS", 12)
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'supply.sqlite'}"
        ),
        # A streaming replica the public side reads from (supply.db.replica); unset, everything reads the primary.
        "DATABASE_REPLICA_URL": os.environ.get("DATABASE_REPLICA_URL") or None,
        "PUBLIC_BASE_URL": public_base_url(),
        "LABEL_URL_STYLE": os.environ.get("SUPPLY_LABEL_URL_STYLE", "token"),
        "LANGUAGES": ("zh_Hans", "zh_Hant", "en"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "CERTIFICATE_DOCUMENTS_DIR": os.environ.get("SUPPLY_CERTIFICATE_DOCUMENTS_DIR", str(instance / "documents")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Served over HTTPS (behind a proxy that holds the certificate): Secure __Host- cookies and HSTS.
        "HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "PROXY_HOPS": _number("SUPPLY_PROXY_HOPS", 0),  # proxies in front whose X-Forwarded-* headers to trust
        "SESSION_IDLE_MINUTES": _number("SUPPLY_SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": max_hours,
        "PERMANENT_SESSION_LIFETIME": datetime.timedelta(hours=max_hours),
        # Inspectors and admins must sign in with two factors (an authenticator app's code after the password).
        "REQUIRE_TWO_FACTOR": os.environ.get("SUPPLY_REQUIRE_TWO_FACTOR") == "1",
        "RATELIMIT_STORAGE_URI": os.environ.get("SUPPLY_RATELIMIT_STORAGE", "memory://"),
        # Failed sign-ins per account and per address: a wait past the first number in a minute, a lock past the
        # second in the last (supply/services/accounts/throttle.py).
        "SIGNIN_DELAY_AFTER": _number("SUPPLY_SIGNIN_DELAY_AFTER", DELAY_AFTER),
        "SIGNIN_LOCK_AFTER": _number("SUPPLY_SIGNIN_LOCK_AFTER", LOCK_AFTER),
        "SIGNIN_LOCK_MINUTES": _number("SUPPLY_SIGNIN_LOCK_MINUTES", LOCK_MINUTES),
        # E-mail (password-reset links): SMTP when a host is set, else files in the instance's mail folder.
        "MAIL_SERVER": os.environ.get("SUPPLY_SMTP_HOST", ""),
        "MAIL_PORT": _number("SUPPLY_SMTP_PORT", 25),
        "MAIL_USERNAME": os.environ.get("SUPPLY_SMTP_USER", ""),
        "MAIL_PASSWORD": os.environ.get("SUPPLY_SMTP_PASSWORD", ""),
        "MAIL_STARTTLS": os.environ.get("SUPPLY_SMTP_STARTTLS") == "1",
        "MAIL_FROM": os.environ.get("SUPPLY_MAIL_FROM", "no-reply@localhost"),
        "MAIL_FOLDER": os.environ.get("SUPPLY_MAIL_FOLDER", str(instance / "mail")),
        "WTF_CSRF_TIME_LIMIT": None,
        # The job queue's worker (PostgreSQL): jobs run at once, and how it learns of a worker gone silent.
        "WORKER_CONCURRENCY": int(os.environ.get("SUPPLY_WORKER_CONCURRENCY", "2")),
        "WORKER_HEARTBEAT_SECONDS": float(os.environ.get("SUPPLY_WORKER_HEARTBEAT_SECONDS", "10")),
        "WORKER_STALLED_SECONDS": float(os.environ.get("SUPPLY_WORKER_STALLED_SECONDS", "30")),
        # How long goods may be outside their temperature limits before it is an excursion (docs/cold-chain.md).
        "COLD_CHAIN_TOLERANCE_MINUTES": _number("SUPPLY_COLD_CHAIN_TOLERANCE_MINUTES", 30),
        # Webhooks (EPCIS subscriptions, notifications): private targets allowed unless
        # SUPPLY_WEBHOOKS_ALLOW_PRIVATE=0, the retries.
        "WEBHOOK_SETTINGS": webhook_settings.from_environment(),
    }
