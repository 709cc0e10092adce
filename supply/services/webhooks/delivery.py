"""Deliver webhooks: sign each body (HMAC-SHA256, hex, in `GS1-Signature`), POST it, retry on a schedule, log it.

A delivery is tried until the receiver answers 2xx; a timeout, a refused connection or any other status is an
attempt that failed, and the next one waits the schedule's next number of seconds (WebhookSettings.retry_seconds);
after the last the delivery is failed. Redirects are not followed (they could lead to a private address). Sending
happens outside any transaction: a sender first claims a due delivery by moving its next attempt past the request's
timeout, so two senders never post it at the same time, and a sender that dies leaves it due again.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
import urllib.error
import urllib.request

from supply.clock import utcnow
from supply.db import db
from supply.models import Party
from supply.models import WebhookDelivery
from supply.models import WebhookEndpoint
from supply.services.webhooks.settings import WebhookSettings
from supply.services.webhooks.targets import TargetRefused
from supply.services.webhooks.targets import check_target

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "GS1-Signature"
USER_AGENT = "supply-webhooks/1"
SEND_BATCH = 50
MAX_ERROR = 300


def sign(secret: str, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of a body under an endpoint's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def create_endpoint(party: Party | None, url: str) -> WebhookEndpoint:
    """Record an endpoint with a new secret (check the URL first with targets.require_target)."""
    return WebhookEndpoint.create(party=party, url=url, secret=secrets.token_hex(32))


def enqueue(endpoint: WebhookEndpoint, body: str, topic: str = "") -> WebhookDelivery:
    """Record a body to deliver to an endpoint, due now (call within the transaction that decides it)."""
    return WebhookDelivery.create(public_id=secrets.token_urlsafe(12), endpoint=endpoint, topic=topic[:100],
                                  body=body)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, signature: str, timeout: float) -> int:
    """POST a signed body and return the HTTP status; raise OSError when there is no answer."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: signature, "User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _claim(delivery: WebhookDelivery, settings: WebhookSettings) -> bool:
    """Take a due delivery for one attempt; False when another sender took it first."""
    lease = utcnow() + datetime.timedelta(seconds=settings.timeout + 30)
    claimed = (
        WebhookDelivery.update(next_attempt_at=lease)
        .where(WebhookDelivery.id == delivery.id,
               WebhookDelivery.status == "pending",
               WebhookDelivery.next_attempt_at == delivery.next_attempt_at)
        .execute()
    )
    return claimed == 1


def _record(delivery: WebhookDelivery, status: int | None, error: str, settings: WebhookSettings) -> None:
    now = utcnow()
    attempts = delivery.attempts + 1
    log = [*delivery.attempts_log, {"at": now.isoformat(timespec="seconds") + "Z", "status": status,
                                    "error": error[:MAX_ERROR]}]
    changes = {"attempts": attempts, "attempts_log": log}
    if status is not None and 200 <= status < 300:
        changes.update(status="delivered", finished_at=now)
    elif attempts >= settings.max_attempts:
        changes.update(status="failed", finished_at=now)
    else:
        wait = settings.retry_seconds[attempts - 1]
        changes["next_attempt_at"] = now + datetime.timedelta(seconds=wait)
    WebhookDelivery.update(**changes).where(WebhookDelivery.id == delivery.id).execute()


def attempt(delivery: WebhookDelivery, settings: WebhookSettings) -> None:
    """Try one claimed delivery once and record the outcome."""
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    status, error = None, ""
    try:
        check_target(endpoint.url, settings.allow_private)
        status = post(endpoint.url, body, sign(endpoint.secret, body), settings.timeout)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except TargetRefused as exc:
        error = exc.message
    except (OSError, ValueError) as exc:  # refused, reset, timed out, TLS failures, a malformed answer
        error = f"{type(exc).__name__}: {exc}"
    _record(delivery, status, error, settings)


def send_due(settings: WebhookSettings, limit: int = SEND_BATCH) -> int:
    """Attempt the deliveries that are due (of active endpoints), oldest first; return how many were attempted."""
    due = list(
        WebhookDelivery.select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint)
        .where(WebhookDelivery.status == "pending",
               WebhookDelivery.next_attempt_at <= utcnow(),
               WebhookEndpoint.active == True)  # noqa: E712 (a peewee expression)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    attempted = 0
    for delivery in due:
        with db.atomic():
            claimed = _claim(delivery, settings)
        if claimed:
            attempt(delivery, settings)
            attempted += 1
    return attempted


def delivery_log(endpoint: WebhookEndpoint, limit: int = 100, before: int | None = None) -> list[WebhookDelivery]:
    """Return an endpoint's deliveries, newest first, with their attempts."""
    query = WebhookDelivery.select().where(WebhookDelivery.endpoint == endpoint.id)
    if before is not None:
        query = query.where(WebhookDelivery.id < before)
    return list(query.order_by(WebhookDelivery.id.desc()).limit(limit))


def deactivate(endpoint_id: int) -> None:
    """Stop sending to an endpoint (its pending deliveries are no longer attempted)."""
    WebhookEndpoint.update(active=False).where(WebhookEndpoint.id == endpoint_id).execute()
