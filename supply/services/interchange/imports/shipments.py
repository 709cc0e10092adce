"""Shipments from a CSV file, one row per line grouped by `shipment_ref`: checked row by row, then dispatched.

The checks here find every bad row at once; `create_shipment`, which writes each shipment in the one
transaction, stays the authority and refuses anything that changed since (the whole file is then rolled back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from marshmallow import ValidationError

from supply import permissions
from supply.i18n import N_
from supply.models import Batch
from supply.models import Holding
from supply.models import Site
from supply.models import User
from supply.schemas.custody import ShipmentCreateSchema
from supply.services.custody import stock
from supply.services.custody.shipments import create_shipment
from supply.services.errors import Invalid
from supply.services.errors import ServiceError
from supply.services.interchange.imports.files import CsvRow
from supply.services.interchange.imports.rows import Lookups
from supply.services.interchange.imports.rows import Progress
from supply.services.interchange.imports.rows import RowErrors
from supply.services.interchange.imports.rows import RowsRejected
from supply.services.interchange.imports.rows import flatten
from supply.services.interchange.imports.rows import numbered
from supply.units import quantity_text

HEAD_COLUMNS = ("from_site", "to_party", "to_site", "carrier", "vehicle_plate", "departed_at", "doc_number",
                "set_point")
LINE_COLUMNS = ("lot", "quantity", "unit")
CHUNK = 500
LINE_FIELD = re.compile(r"^lines\.(\d+)\.(\w+)$")
DIFFERS = N_("Differs from line {n} of the same shipment.")
OVER_ON_HAND = N_("More than is on hand: {n} left at the sending site.")
REQUIRED = N_("Missing data for required field.")


@dataclass
class Group:
    """The rows of one shipment, its head values with the line each came from, and the data the schema loaded."""

    ref: str
    rows: list[CsvRow] = field(default_factory=list)
    head: dict[str, tuple[int, str]] = field(default_factory=dict)
    data: dict | None = None

    def line_of(self, name: str) -> tuple[int, str]:
        """Return the file line and column of a schema or service field ("lines.2.quantity" is the third row)."""
        match = LINE_FIELD.match(name)
        if match and int(match.group(1)) < len(self.rows):
            return self.rows[int(match.group(1))].line, match.group(2)
        return self.head.get(name, (self.rows[0].line, ""))[0], name

    def add(self, row: CsvRow, errors: RowErrors) -> None:
        """Take a row into the shipment; a head value that differs from an earlier row's is an error."""
        self.rows.append(row)
        for name in HEAD_COLUMNS:
            value = row.values.get(name)
            if not value:
                continue
            line, first = self.head.setdefault(name, (row.line, value))
            if value != first:
                errors.add(row.line, name, numbered(DIFFERS, line))


def _group(rows: list[CsvRow], errors: RowErrors) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in rows:
        errors.add_extra(row)
        ref = row.values.get("shipment_ref", "")
        if ref:
            groups.setdefault(ref, Group(ref)).add(row, errors)
        else:
            errors.add(row.line, "shipment_ref", REQUIRED)
    return list(groups.values())


def _load(group: Group, schema: ShipmentCreateSchema, errors: RowErrors) -> None:
    body = {name: value for name, (_, value) in group.head.items()}
    body["lines"] = [{name: row.values[name] for name in LINE_COLUMNS if row.values.get(name)} for row in group.rows]
    try:
        group.data = schema.load(body)
    except ValidationError as exc:
        for name, message in flatten(exc.messages):
            errors.add(*group.line_of(name), message)


@dataclass
class Stock:
    """The file's batches by lot code, and what each (batch, party, site) has left after the rows so far."""

    batches: dict[str, Batch]
    left: dict[tuple[int, int, int], Decimal]

    @classmethod
    def of(cls, groups: list[Group]) -> Stock:
        """Load the batches and holdings the file names, a chunk of lot codes at a time."""
        codes = sorted({line["lot"] for group in groups if group.data for line in group.data["lines"]})
        batches: dict[str, Batch] = {}
        for start in range(0, len(codes), CHUNK):
            part = codes[start:start + CHUNK]
            batches.update({b.lot_code: b for b in Batch.select().where(Batch.lot_code.in_(part))})
        ids = [b.id for b in batches.values()]
        left = {}
        for start in range(0, len(ids), CHUNK):
            for holding in Holding.select().where(Holding.batch.in_(ids[start:start + CHUNK])):
                left[(holding.batch_id, holding.party_id, holding.site_id)] = holding.on_hand
        return cls(batches, left)


def _record(group: Group, exc: ServiceError, errors: RowErrors) -> None:
    for name, messages in (exc.errors or {"": [exc.message]}).items():
        errors.add(*group.line_of(name), messages[0])


def _check_head(actor: User, group: Group, lookups: Lookups, errors: RowErrors) -> Site | None:
    """Apply create_shipment's rules to the sending site and the receiver; return the sending site if usable."""
    data, site, receiver = group.data, None, None
    try:
        site = lookups.site(data["from_site"], "from_site")
        lookups.check(("acts_at", site.id), lambda: permissions.require_acts_at(actor, site, "from_site"))
    except ServiceError as exc:
        _record(group, exc, errors)
        site = None
    try:
        receiver = lookups.party(data["to_party"], "to_party")
        if site is not None and receiver.id == site.party_id:
            raise Invalid.field("to_party", N_("A shipment goes to another party."))
        if data.get("to_site") and lookups.site(data["to_site"], "to_site").party_id != receiver.id:
            raise Invalid.field("to_site", N_("This site is not the receiving party's."))
    except ServiceError as exc:
        _record(group, exc, errors)
    return site


def _check_line(row: CsvRow, line: dict, batch: Batch | None, site, stock_left: Stock, errors: RowErrors) -> None:
    """Apply create_shipment's rules to one line; count its quantity against what the site has left."""
    if batch is None:
        errors.add(row.line, "lot", N_("No batch with this lot code."))
        return
    try:
        if line.get("unit") and line["unit"] != batch.unit:
            raise Invalid.field("unit", N_("The unit differs from the batch's unit."))
        stock.require_movable(batch)
        stock.check_whole(batch.unit, line["quantity"], "quantity")
    except ServiceError as exc:
        errors.add_service(row.line, exc)
        return
    if site is None:
        return
    key = (batch.id, site.party_id, site.id)
    left = stock_left.left.get(key, Decimal(0))
    if line["quantity"] > left:
        errors.add(row.line, "quantity", numbered(OVER_ON_HAND, quantity_text(left)))
    else:
        stock_left.left[key] = left - line["quantity"]


def check_shipments(actor: User, rows: list[CsvRow], errors: RowErrors, progress: Progress) -> list[Group]:
    """Check every row of a shipment file; return the shipments to dispatch (meaningful when no errors)."""
    groups = _group(rows, errors)
    schema = ShipmentCreateSchema()
    for group in groups:
        _load(group, schema, errors)
    lookups, left = Lookups(), Stock.of(groups)
    for group in groups:
        if group.data is not None:
            site = _check_head(actor, group, lookups, errors)
            seen: set[str] = set()
            for row, line in zip(group.rows, group.data["lines"], strict=True):
                if line["lot"] in seen:
                    errors.add(row.line, "lot", N_("This lot is listed twice."))
                    continue
                seen.add(line["lot"])
                _check_line(row, line, left.batches.get(line["lot"]), site, left, errors)
        progress(len(group.rows))
    return groups


def write_shipments(actor: User, groups: list[Group], progress: Progress) -> dict:
    """Dispatch every shipment through create_shipment (call inside one transaction) and say what was written."""
    codes = {}
    for group in groups:
        try:
            codes[group.ref] = create_shipment(actor, group.data).code
        except ServiceError as exc:
            errors = RowErrors()
            _record(group, exc, errors)
            raise RowsRejected(errors.items) from exc
        progress(len(group.rows))
    return {"shipments": len(codes), "lines": sum(len(g.rows) for g in groups), "codes": codes}
