"""Configuration defaults, overridden by the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment or from a file generated once in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: str) -> dict:
    """Build the configuration mapping from defaults and environment variables."""
    instance = Path(instance_path)
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'supply.sqlite'}"
        ),
        # A streaming replica the public side reads from (supply.db.replica); unset, everything reads the primary.
        "DATABASE_REPLICA_URL": os.environ.get("DATABASE_REPLICA_URL") or None,
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        "LABEL_URL_STYLE": os.environ.get("SUPPLY_LABEL_URL_STYLE", "token"),
        "LANGUAGES": ("zh_Hans", "zh_Hant", "en"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "CERTIFICATE_DOCUMENTS_DIR": os.environ.get("SUPPLY_CERTIFICATE_DOCUMENTS_DIR", str(instance / "documents")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
    }
