"""The hashes that seal the event log: an event's canonical content, its SHA-256, and the chain hash over the
previous heads of the batches it touches (written by `events.record_event`, recomputed by `chain`)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from supply.models import Event
from supply.units import QUANTITY_STEP


def _quantity_text(value: Decimal | None) -> str | None:
    return None if value is None else format(Decimal(value).quantize(QUANTITY_STEP), "f")


def canonical_content(event: Event, lines: list[tuple[str, str, Decimal | None, str]]) -> bytes:
    """Serialise what an event says, with its lines (lot code, role, quantity, unit), in one fixed form."""
    content = {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "action": event.action,
        "biz_step": event.biz_step,
        "disposition": event.disposition,
        "event_time": event.event_time.isoformat(timespec="microseconds"),
        "event_tz": event.event_tz,
        "record_time": event.record_time.isoformat(timespec="microseconds"),
        "recorded_by": event.recorded_by_id,
        "party": event.party_id,
        "site": event.site_id,
        "doc_type": event.doc_type,
        "doc_number": event.doc_number,
        "data": event.data,
        "declares": event.declares_id,
        "declaration_reason": event.declaration_reason,
        "lines": sorted([lot, role, _quantity_text(qty), unit] for lot, role, qty, unit in lines),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def content_hash(event: Event, lines: list[tuple[str, str, Decimal | None, str]]) -> str:
    """Return the SHA-256 of an event's canonical content."""
    return hashlib.sha256(canonical_content(event, lines)).hexdigest()


def chain_hash(content: str, previous: list[str]) -> str:
    """Return the chain hash: the content hash joined with the previous heads of the batches touched."""
    return hashlib.sha256("|".join([content, *sorted(previous)]).encode()).hexdigest()
