"""Sending e-mail: by SMTP when `MAIL_SERVER` is set (SUPPLY_SMTP_HOST, _PORT, _USER, _PASSWORD, _STARTTLS and
SUPPLY_MAIL_FROM), else into a folder of the instance (`MAIL_FOLDER`, `<instance>/mail`), one `.eml` file per
message: the development backend, where `make run` and the tests read what would have been sent."""

from __future__ import annotations

import smtplib
import time
import uuid
from email.message import EmailMessage
from pathlib import Path


def send(config, to: str, subject: str, body: str) -> None:
    """Send one plain-text message by the configured backend."""
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or "no-reply@localhost"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=10) as smtp:
            if config.get("MAIL_STARTTLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
        return
    folder = Path(config["MAIL_FOLDER"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    path.chmod(0o600)
