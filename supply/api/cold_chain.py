"""The cold chain: temperature readings of shipments and storing intervals (JSON batches or a logger's CSV file),
their excursions, the temperature limits per category, and the holds excursions propose."""

from __future__ import annotations

import datetime

from flask import current_app
from flask import request

from supply.api.routing import ApiError
from supply.api.routing import json_body
from supply.api.routing import route
from supply.i18n import N_
from supply.services.coldchain import limits as limit_service
from supply.services.coldchain import proposals
from supply.services.coldchain import readings as reading_service
from supply.services.coldchain.excursions import excursions_of
from supply.services.coldchain.logger_csv import read_logger_file
from supply.services.coldchain.reading_input import from_json
from supply.services.custody import timeline
from supply.services.errors import Invalid
from supply.units import quantity_text

READINGS_DOC = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["readings"], "properties": {"readings": {
        "description": "The readings: time (ISO 8601 with its offset), temperature in °C, optionally humidity in "
                       "% and the logger's id.",
        "example": [{"time": "2026-07-15T12:00:00+08:00", "temperature": 3.2, "humidity": 85, "logger": "RC5-0042"}],
        "type": "array", "maxItems": 10000, "items": {"type": "object", "required": ["time", "temperature"],
                                                      "properties": {"time": {"type": "string", "format": "date-time"},
                                                                     "temperature": {"type": "number"},
                                                                     "humidity": {"type": "number"},
                                                                     "logger": {"type": "string"}}}}}}},
    "text/csv": {"schema": {"type": "string", "description": "A logger file: time,temperature[,humidity]"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {
        "type": "string", "format": "binary", "description": "A logger's CSV file (docs/cold-chain.md).",
        "example": "time,temperature\n2026-07-15T12:00:00+08:00,3.2\n"}}}},
}}}
LIMIT_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "properties": {
        "low": {"type": "number", "nullable": True, "description": "The lowest allowed °C (null: none).",
                "example": -1},
        "high": {"type": "number", "nullable": True, "description": "The highest allowed °C (null: none).",
                 "example": 4}}}}}}}
REASON_DOC = {"requestBody": {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"reason": {"type": "string", "maxLength": 500, "example": "冷机故障已修复",
                                                "description": "Why: shown with the hold or the dismissal."}}}}}}}


def tolerance() -> datetime.timedelta:
    """Return the excursion tolerance set for this service."""
    return datetime.timedelta(minutes=current_app.config["COLD_CHAIN_TOLERANCE_MINUTES"])


def sent_readings() -> list:
    """Read the readings a request sends: a JSON batch, a CSV body or a CSV file in the form field `file`."""
    if request.mimetype == "text/csv":
        return read_logger_file(request.get_data(cache=True))
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid.field("file", N_("Choose a file."))
        return read_logger_file(upload.read())
    if request.mimetype != "application/json":
        raise ApiError(415, N_("Send readings as application/json, text/csv or a file in multipart/form-data."))
    body = json_body()
    unknown = set(body) - {"readings"}
    if unknown:
        raise Invalid.field(sorted(unknown)[0], N_("Unknown field."))
    return from_json(body.get("readings"))


def _time(value) -> str | None:
    return None if value is None else timeline.stamp(value)


def excursion_json(excursion) -> dict:
    """Describe an excursion."""
    return {"id": excursion.id, "started_at": _time(excursion.started_at), "ended_at": _time(excursion.ended_at),
            "minutes": int((excursion.ended_at - excursion.started_at).total_seconds() // 60),
            "lowest": quantity_text(excursion.lowest), "highest": quantity_text(excursion.highest),
            "low": quantity_text(excursion.low), "high": quantity_text(excursion.high),
            "recorded_at": _time(excursion.created_at)}


def carrier_json(carrier, with_readings: bool = True) -> dict:
    """Describe a carrier's readings: its interval, limits, figures, excursions (and the readings themselves)."""
    series = carrier.series
    answer = {"shipment": carrier.shipment.code if carrier.shipment else None,
              "storing": carrier.storing.event_id if carrier.storing else None,
              "interval": {"from": _time(carrier.start), "to": _time(carrier.end)},
              "limits": {"low": quantity_text(carrier.limits[0]), "high": quantity_text(carrier.limits[1])},
              "count": series.count if series else 0,
              "first_at": _time(series.first_at) if series else None,
              "last_at": _time(series.last_at) if series else None,
              "lowest": quantity_text(series.lowest) if series else None,
              "highest": quantity_text(series.highest) if series else None,
              "excursions": [excursion_json(e) for e in excursions_of([series.id] if series else [])]}
    if with_readings:
        answer["readings"] = [{"time": _time(t), "temperature": quantity_text(c)}
                              for t, c in reading_service.readings_of(series)]
    return answer


def _ingest(actor, carrier) -> dict:
    done = reading_service.ingest(actor, carrier, sent_readings(), tolerance())
    return dict(carrier_json(done.carrier, with_readings=False), stored=done.stored, skipped=done.skipped,
                new_excursions=[excursion_json(e) for e in done.excursions])


@route("/shipments/<code>/readings", "POST", summary="Log a shipment's temperatures (sender or receiver)",
       tag="cold_chain", status=201, errors=(400, 403, 404, 409, 413, 415, 422), extra=READINGS_DOC)
def post_shipment_readings(actor, code: str):
    """Store a batch of readings of a shipment."""
    return _ingest(actor, reading_service.shipment_carrier(actor, code, write=True))


@route("/shipments/<code>/readings", "GET", summary="A shipment's temperatures, limits and excursions",
       tag="cold_chain", errors=(403, 404))
def get_shipment_readings(actor, code: str):
    """Read a shipment's readings."""
    return carrier_json(reading_service.shipment_carrier(actor, code))


@route("/storings/<path:event_id>/readings", "POST", summary="Log a storing interval's temperatures (its party)",
       tag="cold_chain", status=201, errors=(400, 403, 404, 409, 413, 415, 422), extra=READINGS_DOC)
def post_storing_readings(actor, event_id: str):
    """Store a batch of readings of a storing interval."""
    return _ingest(actor, reading_service.storing_carrier(actor, event_id, write=True))


@route("/storings/<path:event_id>/readings", "GET", summary="A storing interval's temperatures and excursions",
       tag="cold_chain", errors=(403, 404, 409))
def get_storing_readings(actor, event_id: str):
    """Read a storing interval's readings."""
    return carrier_json(reading_service.storing_carrier(actor, event_id))


def limit_json(row) -> dict:
    """Describe a category's limits."""
    return {"category": row.category, "low": quantity_text(row.low), "high": quantity_text(row.high)}


@route("/temperature-limits", "GET", summary="The temperature limits of each product category", tag="cold_chain")
def list_limits(actor):
    """List the limits."""
    return {"items": [limit_json(row) for row in limit_service.list_limits()]}


@route("/temperature-limits/<category>", "PUT", summary="Set a category's temperature limits (admins)",
       tag="cold_chain", errors=(400, 403, 404, 413, 415, 422), extra=LIMIT_DOC)
def set_limit(actor, category: str):
    """Set a category's limits."""
    if category not in limit_service.LIMIT_CATEGORIES:  # an unknown category is 404, whatever the body
        raise ApiError(404, N_("No such product category."))
    body = json_body()
    unknown = set(body) - {"low", "high"}
    if unknown:
        raise Invalid.field(sorted(unknown)[0], N_("Unknown field."))
    return limit_json(limit_service.set_limits(actor, category, body.get("low"), body.get("high")))


def proposal_json(proposal) -> dict:
    """Describe a hold an excursion proposes."""
    series = proposal.excursion.series
    return {"id": proposal.id, "status": proposal.status, "lot": proposal.batch.lot_code,
            "shipment": series.shipment.code if series.shipment_id else None,
            "storing": series.storing.event_id if series.storing_id else None,
            "excursion": excursion_json(proposal.excursion), "hold": proposal.hold_id, "reason": proposal.reason,
            "proposed_at": _time(proposal.created_at), "decided_at": _time(proposal.decided_at)}


@route("/hold-proposals", "GET", summary="Holds proposed by excursions (?status=proposed, confirmed, dismissed, all)",
       tag="cold_chain", errors=(403,))
def list_proposals(actor):
    """List proposed holds."""
    status = request.args.get("status", proposals.PROPOSED)
    return {"items": [proposal_json(p) for p in proposals.list_proposals(actor, status)]}


def _reason() -> str:
    body = json_body() if request.get_data(cache=True) else {}
    reason = body.get("reason", "")
    if not isinstance(reason, str) or len(reason) > 500:
        raise Invalid.field("reason", N_("A reason is text of at most 500 characters."))
    return reason


@route("/hold-proposals/<int:proposal_id>/confirm", "POST", summary="Confirm a proposed hold: the lot is held",
       tag="cold_chain", errors=(400, 403, 404, 409, 413, 415, 422), extra=REASON_DOC)
def confirm_proposal(actor, proposal_id: int):
    """Confirm a proposed hold."""
    return proposal_json(proposals.confirm_proposal(actor, proposal_id, _reason()))


@route("/hold-proposals/<int:proposal_id>/dismiss", "POST", summary="Dismiss a proposed hold with a reason",
       tag="cold_chain", errors=(400, 403, 404, 409, 413, 415, 422), extra=REASON_DOC)
def dismiss_proposal(actor, proposal_id: int):
    """Dismiss a proposed hold."""
    return proposal_json(proposals.dismiss_proposal(actor, proposal_id, _reason()))
