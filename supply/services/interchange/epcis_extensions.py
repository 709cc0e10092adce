"""The parts of an EPCIS event drawn from an event's data: times, sensor reports, lot master data and extensions."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from decimal import InvalidOperation

from supply.models import Event
from supply.models import EventBatch
from supply.services.interchange.exports import EventSet
from supply.services.interchange.uris import Identifiers
from supply.units import UNITS
from supply.units import unece_code

# Our extension namespace: one URI for every deployment, so that readers can rely on the names.
NS_PREFIX = "xn"
NS = "https://trace.xining.example/epcis/"
CELSIUS = "CEL"
# Data keys written elsewhere in the event (source/destination lists, sensor reports, error declarations).
PLACED_KEYS = frozenset((
    "to_party", "to_site", "from_party", "from_site", "temperature", "temperature_min", "temperature_max",
    "interval_start", "interval_end", "corrective_event_ids", "balance", "losses", "set_point", "kind",
    "loss_reason",
))
# Registration facts: lot master data (ilmd) of an ADD event.
ILMD_KEYS = {"produced_on": "producedOn", "produced_at": "producedAt", "field_name": "fieldName", "ear_tag": "earTag",
             "sources": "sourceLots"}


def xn(name: str) -> str:
    """Return a property name in our namespace."""
    return f"{NS_PREFIX}:{name}"


def camel(key: str) -> str:
    """Turn a data key such as vehicle_plate into vehiclePlate."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def number(value) -> int | float | None:
    """Return a decimal (or a number stored as text) as a JSON number: an integer when it is whole."""
    if value in (None, ""):
        return None
    try:
        quantity = Decimal(str(value))
    except InvalidOperation:
        return None
    return int(quantity) if quantity == quantity.to_integral_value() else float(quantity)


def _offset(text: str) -> datetime.timezone:
    match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", text or "")
    if match is None:
        return datetime.UTC
    delta = datetime.timedelta(hours=int(match[2]), minutes=int(match[3]))
    return datetime.timezone(-delta if match[1] == "-" else delta)


def parse_time(value) -> datetime.datetime | None:
    """Read a stored time (naive UTC, aware, or ISO 8601 text); None when it cannot be read."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def time_text(value, offset: str) -> str | None:
    """Write a time in ISO 8601 with the given offset (such as +08:00), to the millisecond."""
    parsed = parse_time(value)
    return None if parsed is None else parsed.astimezone(_offset(offset)).isoformat(timespec="milliseconds")


def _temperature(low, high, start, end, offset: str) -> dict | None:
    report: dict = {"type": "Temperature"}
    if number(low) is not None:
        report["minValue"] = number(low)
    if number(high) is not None:
        report["maxValue"] = number(high)
    if len(report) == 1:
        return None
    report["uom"] = CELSIUS
    element: dict = {"sensorReport": [report]}
    metadata = {key: time_text(value, offset) for key, value in (("startTime", start), ("endTime", end))}
    metadata = {key: value for key, value in metadata.items() if value}
    if metadata:
        element["sensorMetadata"] = metadata
    return element


def sensor_elements(data: dict, offset: str) -> list[dict]:
    """Return temperature reports: a receipt's min/max over the journey, a storing observation's over its interval."""
    elements = []
    journey = data.get("temperature")
    if isinstance(journey, dict):
        elements.append(_temperature(journey.get("min"), journey.get("max"), journey.get("from"), journey.get("to"),
                                     offset))
    elements.append(_temperature(data.get("temperature_min"), data.get("temperature_max"),
                                 data.get("interval_start"), data.get("interval_end"), offset))
    return [element for element in elements if element]


def plain(value):
    """Return a data value with every object key put in our namespace."""
    if isinstance(value, dict):
        return {xn(camel(str(key))): plain(item) for key, item in value.items() if item not in (None, "")}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def ilmd(event: Event, selection: EventSet) -> dict:
    """Return the lot master data of a registration (ADD): production date and time, field or pen, ear tag, sources."""
    if event.action != "ADD":
        return {}
    data = event.data or {}
    return {xn(name): plain(data[key]) for key, name in ILMD_KEYS.items() if data.get(key) not in (None, "", [])}


def _lot(line: EventBatch, ids: Identifiers) -> dict:
    batch, product = line.batch, line.batch.product
    entry = {xn("lotCode"): batch.lot_code, xn("epcClass"): ids.lot(batch), xn("productCode"): product.code,
             xn("productName"): product.name}
    if product.name_en:
        entry[xn("productNameEn")] = product.name_en
    if batch.ear_tag:
        entry[xn("earTag")] = batch.ear_tag
    return entry


def _uom(unit: str | None) -> str | None:
    return unece_code(unit) if unit in UNITS else None


def _balance(event: Event, lines: list[EventBatch]) -> dict:
    data = event.data or {}
    balance = data.get("balance") or {}
    found = {}
    units = {line.unit for line in lines if line.role == "input"}
    if balance.get("mode") == "same_unit" and number(balance.get("loss")):
        found[xn("loss")] = {xn("quantity"): number(balance["loss"]), xn("uom"): _uom(min(units, default=None))}
    elif balance.get("mode") == "unit_change":
        found[xn("yield")] = [{xn("quantity"): number(item.get("quantity")), xn("uom"): _uom(item.get("unit"))}
                              for item in balance.get("yield") or []]
    if data.get("loss_reason"):
        found[xn("lossReason")] = data["loss_reason"]
    return found


def _losses(event: Event, lines: list[EventBatch]) -> list[dict]:
    units = {line.batch.lot_code: line.unit for line in lines}
    return [{xn("lotCode"): loss.get("lot"), xn("quantity"): number(loss.get("quantity")),
             xn("uom"): _uom(units.get(loss.get("lot"))), xn("reason"): loss.get("reason", "")}
            for loss in (event.data or {}).get("losses") or []]


def extensions(event: Event, selection: EventSet, ids: Identifiers) -> dict:
    """Return our own facts about an event: Chinese names, lots and products, ear tag, shipment, losses."""
    data = event.data or {}
    lines = selection.lines_of(event)
    found: dict = {xn("partyName"): selection.parties[event.party_id].name}
    site = selection.sites.get(event.site_id)
    if site is not None:
        found[xn("siteName")] = site.name
    if lines:
        found[xn("lots")] = [_lot(line, ids) for line in lines]
    tags = {line.batch.ear_tag for line in lines if line.batch.ear_tag}
    if len(tags) == 1:
        found[xn("earTag")] = tags.pop()
    if number(data.get("set_point")) is not None:
        found[xn("setPointCelsius")] = number(data["set_point"])
    if data.get("kind"):
        found[xn("transformationKind")] = data["kind"]
    found.update(_balance(event, lines))
    if data.get("losses"):
        found[xn("losses")] = _losses(event, lines)
    if selection.plantings.get(event.id):
        found[xn("planting")] = selection.plantings[event.id]
    skipped = PLACED_KEYS | (set(ILMD_KEYS) if event.action == "ADD" else set())
    for key, value in data.items():
        if key not in skipped and value not in (None, "", [], {}) and xn(camel(key)) not in found:
            found[xn(camel(key))] = plain(value)
    return found
