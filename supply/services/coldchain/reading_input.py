"""One reading as a client or a logger file gives it, checked: a time with its offset, a physical temperature.

The same rules serve the JSON batches and the CSV files, so a reading refused in one is refused in the other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

from supply.clock import to_utc_naive
from supply.i18n import N_
from supply.services.errors import Invalid

# Below -60 °C or above 60 °C no cold chain logger reads true: a broken probe, or a file in another unit.
COLDEST = Decimal(-60)
WARMEST = Decimal(60)
MAX_LOGGER = 40
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Reading:
    """A checked reading: its time (naive UTC), temperature in °C, relative humidity in % and logger id."""

    taken_at: datetime.datetime
    celsius: Decimal
    humidity: Decimal | None = None
    logger: str = ""
    where: str = ""  # the field or file line it came from, for errors found later (a time outside the interval)


def reading_time(value, field: str) -> datetime.datetime:
    """Read an ISO 8601 time with its UTC offset, as a stored time (naive UTC)."""
    if not isinstance(value, str):
        raise Invalid.field(field, N_("Give the time as ISO 8601 text with its offset."))
    try:
        when = datetime.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid.field(field, N_("Not an ISO 8601 time.")) from exc
    if when.tzinfo is None:
        raise Invalid.field(field, N_("Give the time with its UTC offset (such as +08:00)."))
    return to_utc_naive(when)


def _decimal(value, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise Invalid.field(field, N_("Not a number."))
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation as exc:
        raise Invalid.field(field, N_("Not a number.")) from exc
    if not number.is_finite():
        raise Invalid.field(field, N_("Not a number."))
    if number.as_tuple().exponent < -2 and number != number.quantize(HUNDREDTH):
        raise Invalid.field(field, N_("At most two decimals."))
    return number


def celsius(value, field: str) -> Decimal:
    """Read a temperature in °C within the physical range of a cold chain logger."""
    number = _decimal(value, field)
    if not COLDEST <= number <= WARMEST:
        raise Invalid.field(field, N_("Out of physical range (-60 to 60 °C)."))
    return number


def humidity(value, field: str) -> Decimal | None:
    """Read a relative humidity in percent, or None when none is given."""
    if value is None or value == "":
        return None
    number = _decimal(value, field)
    if not 0 <= number <= 100:
        raise Invalid.field(field, N_("A relative humidity is between 0 and 100 %."))
    return number


def logger_id(value, field: str) -> str:
    """Read a logger's id (its serial number), or "" when none is given."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > MAX_LOGGER:
        raise Invalid.field(field, N_("A logger id is text of at most 40 characters."))
    return value.strip()


def from_json(items, field: str = "readings", limit: int = 10_000) -> list[Reading]:
    """Check a JSON batch of readings ({time, temperature, humidity?, logger?} each)."""
    if not isinstance(items, list) or not items:
        raise Invalid.field(field, N_("Give a list of readings."))
    if len(items) > limit:
        raise Invalid.field(field, N_("At most 10,000 readings in one batch."))
    readings = []
    for i, item in enumerate(items):
        where = f"{field}.{i}"
        if not isinstance(item, dict):
            raise Invalid.field(where, N_("A reading is an object with a time and a temperature."))
        unknown = set(item) - {"time", "temperature", "humidity", "logger"}
        if unknown:
            raise Invalid.field(f"{where}.{sorted(unknown)[0]}", N_("Unknown field."))
        if "time" not in item:
            raise Invalid.field(f"{where}.time", N_("Missing data for required field."))
        if "temperature" not in item:
            raise Invalid.field(f"{where}.temperature", N_("Missing data for required field."))
        readings.append(Reading(reading_time(item["time"], f"{where}.time"),
                                celsius(item["temperature"], f"{where}.temperature"),
                                humidity(item.get("humidity"), f"{where}.humidity"),
                                logger_id(item.get("logger"), f"{where}.logger"), where))
    return readings
