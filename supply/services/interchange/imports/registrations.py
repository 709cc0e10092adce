"""Harvest registrations from a CSV file: check every row as register_batch would, then write them in bulk."""

from __future__ import annotations

from marshmallow import ValidationError

from supply import permissions
from supply.i18n import N_
from supply.models import User
from supply.schemas.batch import BatchCreateSchema
from supply.services.custody.batches import check_quantity_and_tag
from supply.services.custody.bulk_batches import NewBatch
from supply.services.custody.bulk_batches import lot_codes_taken
from supply.services.custody.bulk_batches import register_many
from supply.services.errors import ServiceError
from supply.services.interchange.imports.files import REGISTRATION_COLUMNS
from supply.services.interchange.imports.files import CsvRow
from supply.services.interchange.imports.rows import Lookups
from supply.services.interchange.imports.rows import Progress
from supply.services.interchange.imports.rows import RowErrors
from supply.services.interchange.imports.rows import flatten
from supply.services.interchange.imports.rows import numbered
from supply.services.interchange.imports.rows import payload

LOT_TAKEN = N_("This lot code is taken.")
SAME_LOT = N_("The same lot code as line {n}.")
SAME_EAR_TAG = N_("The same ear tag as line {n}.")
PROGRESS_EVERY = 500
# How many lot codes the result keeps for the page to link.
RESULT_LOTS = 200


def _load(rows: list[CsvRow], errors: RowErrors, progress: Progress) -> list[tuple[CsvRow, dict]]:
    """Run every row through the API's registration schema; keep the rows that pass."""
    schema = BatchCreateSchema()
    loaded = []
    for i, row in enumerate(rows, start=1):
        errors.add_extra(row)
        try:
            loaded.append((row, schema.load(payload(row, REGISTRATION_COLUMNS))))
        except ValidationError as exc:
            for name, message in flatten(exc.messages):
                errors.add(row.line, name, message)
        if i % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    progress(len(rows) % PROGRESS_EVERY)
    return loaded


def _check_row(actor: User, row: CsvRow, data: dict, lookups: Lookups, errors: RowErrors) -> NewBatch | None:
    """Apply register_batch's rules to one loaded row; record what they refuse."""
    found = len(errors.items)
    site = product = None
    try:
        site = lookups.site(data["site"], "site")
        lookups.check(("register_at", site.id), lambda: permissions.require_can_register_at(actor, site))
    except ServiceError as exc:
        errors.add_service(row.line, exc)
    try:
        product = lookups.product(data["product"])
        data["unit"] = data.get("unit") or product.unit
        check_quantity_and_tag(product, data)
    except ServiceError as exc:
        errors.add_service(row.line, exc)
    if len(errors.items) > found or site is None or product is None:
        return None
    fields = {key: data[key] for key in ("quantity", "unit", "produced_on", "produced_at", "field_name", "ear_tag",
                                         "notes")}
    return NewBatch(product=product, site=site, data=fields, lot_code=data["lot_code"])


def _check_repeats(checked: list[tuple[CsvRow, NewBatch]], errors: RowErrors) -> None:
    """Refuse lot codes taken already or given twice in the file, and a live yak's ear tag given twice."""
    taken = lot_codes_taken([item.lot_code for _, item in checked if item.lot_code])
    first_lot: dict[str, int] = {}
    first_tag: dict[str, int] = {}
    for row, item in checked:
        code = item.lot_code
        if code and code in taken:
            errors.add(row.line, "lot_code", LOT_TAKEN)
        elif code and code in first_lot:
            errors.add(row.line, "lot_code", numbered(SAME_LOT, first_lot[code]))
        elif code:
            first_lot[code] = row.line
        tag = item.data["ear_tag"]
        if tag and item.product.category == "live_yak":
            if tag in first_tag:
                errors.add(row.line, "ear_tag", numbered(SAME_EAR_TAG, first_tag[tag]))
            first_tag.setdefault(tag, row.line)


def check_registrations(actor: User, rows: list[CsvRow], errors: RowErrors, progress: Progress) -> list[NewBatch]:
    """Check every row of a registration file; return the batches to register (meaningful when no errors)."""
    lookups = Lookups()
    checked = []
    for row, data in _load(rows, errors, progress):
        item = _check_row(actor, row, data, lookups, errors)
        if item is not None:
            checked.append((row, item))
    _check_repeats(checked, errors)
    return [item for _, item in checked]


def write_registrations(actor: User, batches: list[NewBatch], progress: Progress) -> dict:
    """Register the checked batches in one transaction and say what was written."""
    lots = register_many(actor, batches, progress)
    return {"batches": len(lots), "lots": lots[:RESULT_LOTS]}

