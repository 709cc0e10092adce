"""Read an uploaded CSV file: its encoding, header and rows, refusing anything that is not a CSV of ours."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from supply.i18n import N_
from supply.services.errors import ServiceError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# Control characters other than tab and line breaks: a sign of a binary file, never of a spreadsheet.
BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Dates as Chinese Excel writes them (2026/7/1, 2026/7/1 8:30), read as ISO dates (2026-07-01T08:30).
EXCEL_DATE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

REGISTRATION_COLUMNS = ("lot_code", "product", "site", "quantity", "unit", "produced_on", "produced_at", "field_name",
                        "ear_tag", "notes")
SHIPMENT_COLUMNS = ("shipment_ref", "from_site", "to_party", "to_site", "lot", "quantity", "unit", "carrier",
                    "vehicle_plate", "departed_at", "doc_number", "set_point")
COLUMNS = {"registrations": REGISTRATION_COLUMNS, "shipments": SHIPMENT_COLUMNS}
REQUIRED = {
    "registrations": ("product", "site", "quantity"),
    "shipments": ("shipment_ref", "from_site", "to_party", "lot", "quantity"),
}
# Columns of which the header names at least one (the first is reported when none is there).
ONE_OF = {"registrations": ("produced_on", "produced_at"), "shipments": ()}
DATE_COLUMNS = ("produced_on", "produced_at", "departed_at")
EXAMPLES = {
    "registrations": [("", "BROCCOLI", "SITE-01", "1250.5", "kg", "2026-07-01", "", "3号地", "", ""),
                      ("YK-2026-001", "YAK-LIVE", "SITE-02", "1", "head", "", "2026-07-01 05:40", "", "263012345678901",
                       "")],
    "shipments": [("S1", "SITE-01", "COOP-02", "SITE-09", "VG260701-ABCDE", "500", "kg", "青海冷链", "青A12345",
                   "2026-07-02 08:30", "DN-0001", "4.0"),
                  ("S1", "SITE-01", "COOP-02", "SITE-09", "VG260701-FGHJK", "300", "kg", "", "", "", "", "")],
}


class FileRejected(ServiceError):
    """The upload is not a CSV file we can read (binary, empty, no header, unknown columns)."""

    status = 400


class FileTooLarge(ServiceError):
    """The upload has more bytes or more rows than one import takes."""

    status = 413


@dataclass
class CsvRow:
    """One data row: its line number as a spreadsheet shows it (the header is line 1) and its cells by column."""

    line: int
    values: dict[str, str]
    extra: bool = False


def decode(raw: bytes) -> str:
    """Return the text of a CSV file in UTF-8 (with or without BOM) or GB18030 (Chinese Excel)."""
    if len(raw) > MAX_BYTES:
        raise FileTooLarge(N_("The file is larger than 5 MB; split it into smaller files."))
    if not raw.strip():
        raise FileRejected(N_("The file is empty."))
    not_csv = FileRejected(N_("This is not a CSV file. Save the spreadsheet as CSV (UTF-8) and upload that."))
    if b"\x00" in raw:
        raise not_csv
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise not_csv
    if BINARY.search(text):
        raise not_csv
    return text


def _header(cells: list[str], kind: str) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    known = COLUMNS[kind]
    unknown = [name for name in names if name and name not in known]
    if unknown:
        raise FileRejected(N_("The header names unknown columns."), {"columns": unknown[:20]})
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if twice:
        raise FileRejected(N_("The header names a column twice."), {"columns": twice})
    missing = [name for name in REQUIRED[kind] if name not in names]
    if ONE_OF[kind] and not set(ONE_OF[kind]) & set(names):
        missing.append(ONE_OF[kind][0])
    if missing:
        raise FileRejected(N_("The header lacks required columns."), {"columns": missing})
    return names


def _cell(name: str, value: str) -> str:
    value = value.strip()
    match = EXCEL_DATE.match(value) if name in DATE_COLUMNS else None
    if match:
        year, month, day, hour, minute, second = match.groups()
        value = f"{year}-{int(month):02d}-{int(day):02d}"
        if hour is not None:
            value += f"T{int(hour):02d}:{minute}:{second or '00'}"
    return value


def _row(line: int, names: list[str], cells: list[str]) -> CsvRow:
    values = {name: _cell(name, cell) for name, cell in zip(names, cells, strict=False) if name}
    # A value in a column without a name, or beyond the header's last column, belongs to no field.
    stray = [cell for i, cell in enumerate(cells) if (i >= len(names) or not names[i]) and cell.strip()]
    return CsvRow(line, values, extra=bool(stray))


def read_rows(raw: bytes, kind: str) -> list[CsvRow]:
    """Return the data rows of an uploaded CSV file of the given kind; blank rows are skipped but counted."""
    reader = csv.reader(io.StringIO(decode(raw), newline=""), strict=True)
    rows: list[CsvRow] = []
    names: list[str] | None = None
    try:
        for line, cells in enumerate(reader, start=1):
            if names is None:
                names = _header(cells, kind)
            elif any(cell.strip() for cell in cells):
                if len(rows) == MAX_ROWS:
                    raise FileTooLarge(N_("The file has more than 10,000 rows; split it into smaller files."))
                rows.append(_row(line, names, cells))
    except csv.Error as exc:
        raise FileRejected(N_("This is not a CSV file. Save the spreadsheet as CSV (UTF-8) and upload that.")) from exc
    if not rows:
        raise FileRejected(N_("The file has a header but no rows."))
    return rows


def template_csv(kind: str) -> bytes:
    """Return an example file of the kind: the header and two rows, in UTF-8 with a BOM so Excel reads it."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    writer.writerows(EXAMPLES[kind])
    return codecs.BOM_UTF8 + out.getvalue().encode()
