"""Logger files: the documented generic CSV export read into checked readings, or refused with the line and why.

The generic format (docs/cold-chain.md): optional comment lines opening with `#` (`# logger: <id>` names the
logger), then the header `time,temperature[,humidity][,logger]`, then one reading a line. Times are ISO 8601 with
their offset. Temperatures are °C; a file may say °F instead, in the header (`temperature(°F)`) or after each value
(`38.5°F`), and is converted exactly, but one unit throughout: a file that mixes units is refused at the line that
changes. A file whose header is none of these is an unknown logger format.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from supply.i18n import N_
from supply.services.coldchain.reading_input import Reading
from supply.services.coldchain.reading_input import celsius
from supply.services.coldchain.reading_input import humidity
from supply.services.coldchain.reading_input import logger_id
from supply.services.coldchain.reading_input import reading_time
from supply.services.errors import Invalid
from supply.services.interchange.imports.files import decode

MAX_READINGS = 100_000
HEADER_UNIT = re.compile(r"^temperature\s*(?:[(_\[]\s*°?\s*([cf])\s*[)\]]?)?$")
VALUE_UNIT = re.compile(r"^(.*?)\s*°?\s*([cfCF])$")
UNKNOWN_FORMAT = N_("Unknown logger format: the header must be time,temperature[,humidity][,logger].")


def _header(cells: list[str]) -> tuple[dict[str, int], str | None]:
    """Return the column of each known name and the unit the header names (None: not named)."""
    names = [cell.strip().lower().lstrip("\ufeff") for cell in cells]
    columns, unit = {}, None
    for i, name in enumerate(names):
        match = HEADER_UNIT.match(name)
        if match:
            columns["temperature"], unit = i, (match.group(1) or "").upper() or None
        elif name in ("time", "humidity", "logger"):
            columns[name] = i
        else:
            raise Invalid.field("file", UNKNOWN_FORMAT)
    if "time" not in columns or "temperature" not in columns:
        raise Invalid.field("file", UNKNOWN_FORMAT)
    return columns, unit


def _value_and_unit(text: str) -> tuple[str, str | None]:
    match = VALUE_UNIT.match(text.strip())
    return (match.group(1), match.group(2).upper()) if match else (text.strip(), None)


def _fahrenheit_to_celsius(value: str, field: str) -> Decimal:
    try:
        number = (Decimal(value) - 32) * 5 / 9
    except ArithmeticError as exc:
        raise Invalid.field(field, N_("Not a number.")) from exc
    return celsius(str(number.quantize(Decimal("0.01"))), field)


def read_logger_file(raw: bytes) -> list[Reading]:
    """Return the readings of a logger's CSV export, or raise 422 naming the line and the column."""
    text = decode(raw)
    logger, columns, unit = "", None, None
    readings: list[Reading] = []
    try:
        for line, cells in enumerate(csv.reader(io.StringIO(text, newline=""), strict=True), start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if cells[0].lstrip("\ufeff").startswith("#"):
                key, _, value = ",".join(cells).lstrip("\ufeff# ").partition(":")
                if key.strip().lower() == "logger":
                    logger = logger_id(value, f"file.{line}")
                continue
            if columns is None:
                columns, unit = _header(cells)
                continue
            if len(readings) == MAX_READINGS:
                raise Invalid.field("file", N_("At most 100,000 readings in one file."))
            reading, unit = _reading(line, cells, columns, unit, logger)
            readings.append(reading)
    except csv.Error as exc:
        raise Invalid.field("file", UNKNOWN_FORMAT) from exc
    if columns is None:
        raise Invalid.field("file", UNKNOWN_FORMAT)
    if not readings:
        raise Invalid.field("file", N_("The file has a header but no readings."))
    return readings


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    i = columns.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _reading(line: int, cells: list[str], columns: dict[str, int], unit: str | None, logger: str,
             ) -> tuple[Reading, str | None]:
    where = f"file.{line}"
    value, given = _value_and_unit(_cell(cells, columns, "temperature"))
    if given is not None and unit is not None and given != unit:
        raise Invalid.field(f"{where}.temperature", N_("Mixed units: this line's unit differs from the file's."))
    unit = unit or given or "C"
    if unit == "F":
        temperature = _fahrenheit_to_celsius(value, f"{where}.temperature")
    else:
        temperature = celsius(value, f"{where}.temperature")
    reading = Reading(reading_time(_cell(cells, columns, "time"), f"{where}.time"), temperature,
                      humidity(_cell(cells, columns, "humidity").rstrip("%").strip(), f"{where}.humidity"),
                      logger_id(_cell(cells, columns, "logger"), f"{where}.logger") or logger, where)
    return reading, unit
