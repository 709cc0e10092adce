"""A sortable spreadsheet of critical tracking events and their key data elements, after the US FSMA 204 rule.

One header row, then one row per lot line of each harvest (registration), shipping, receiving and transformation
event; declared-in-error events and the declarations themselves are left out. UTF-8 with a byte order mark so
that Excel reads the Chinese names, RFC 4180 quoting, times in ISO 8601 (Asia/Shanghai) so they sort as text.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

from supply.clock import to_local
from supply.models import Batch
from supply.models import Event
from supply.models import EventBatch
from supply.models import Party
from supply.models import Site
from supply.models import User
from supply.services.interchange import exports
from supply.services.interchange.exports import EventSet
from supply.services.masterdata.lookup import product_by_code
from supply.services.tracing import trace as tracing

COLUMNS = (
    "Event type",
    "Lot role",
    "Event time (Asia/Shanghai)",
    "Traceability lot code",
    "Product code",
    "Product description (Chinese)",
    "Product description (English)",
    "Quantity",
    "Unit of measure",
    "Ship-from location",
    "Ship-to location",
    "Location where the lot code was assigned",
    "Traceability lot code source",
    "Reference document type",
    "Reference document number",
    "Shipment",
    "Field or pen",
    "Party",
    "Site",
    "Event ID",
)
TIME = COLUMNS.index("Event time (Asia/Shanghai)")
# A spreadsheet runs a cell that starts with one of these as a formula: such text gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def tracking_event(event: Event) -> str | None:
    """Name the critical tracking event an event of our log is, or None for events that are not one."""
    if event.event_type == "TransformationEvent":
        return "transformation"
    if event.biz_step == "commissioning" and event.action == "ADD":
        return "harvest"
    if event.biz_step in ("shipping", "receiving"):
        return event.biz_step
    return None


def _site(site: Site | None) -> str:
    return f"{site.name} ({site.code})" if site else ""


def _party(party: Party | None) -> str:
    return f"{party.name} ({party.code})" if party else ""


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _locations(kind: str, event: Event, selection: EventSet) -> tuple[str, str]:
    data = event.data or {}
    here = _site(selection.sites.get(event.site_id))
    if kind == "shipping":
        to_site = selection.site_named(data.get("to_site"))
        return here, _site(to_site) if to_site else _party(selection.party_named(data.get("to_party")))
    if kind == "receiving":
        from_site = selection.site_named(data.get("from_site"))
        return _site(from_site) if from_site else _party(selection.party_named(data.get("from_party"))), here
    return "", ""


def _row(kind: str, event: Event, line: EventBatch, selection: EventSet) -> list[str]:
    batch, product = line.batch, line.batch.product
    ship_from, ship_to = _locations(kind, event, selection)
    quantity = "" if line.quantity is None else format(Decimal(line.quantity).normalize(), "f")
    text = [
        kind, line.role if kind == "transformation" else "", "", batch.lot_code, product.code, product.name,
        product.name_en, "", line.unit or batch.unit, ship_from, ship_to,
        _site(selection.sites.get(batch.origin_site_id)), _party(selection.parties.get(batch.origin_party_id)),
        event.doc_type, event.doc_number, (event.data or {}).get("shipment") or "", batch.field_name,
        _party(selection.parties.get(event.party_id)), _site(selection.sites.get(event.site_id)), event.event_id,
    ]
    row = [_cell(str(value or "")) for value in text]
    row[TIME] = to_local(event.event_time).isoformat(timespec="seconds")
    row[COLUMNS.index("Quantity")] = quantity
    return row


def kde_rows(selection: EventSet, keep_lots: set[int] | None = None) -> list[list[str]]:
    """Return the rows, sorted by time, then lot code, then event id.

    With `keep_lots`, a harvest, shipping or receiving row is written only for those batches; a transformation
    keeps all its input and output rows, since its key data elements are the lots it used and made.
    """
    keyed = []
    for event in selection.events:
        kind = tracking_event(event)
        if kind is None or event.declares_id is not None or event.id in selection.declared_ids:
            continue
        for line in selection.lines_of(event):
            if kind != "transformation" and keep_lots is not None and line.batch_id not in keep_lots:
                continue
            # The stored time to the microsecond keeps the order of events written within one second.
            keyed.append(((event.event_time, line.batch.lot_code, event.id, line.role),
                          _row(kind, event, line, selection)))
    keyed.sort(key=lambda item: item[0])
    return [row for _, row in keyed]


def write_csv(rows: list[list[str]]) -> bytes:
    """Write the header and the rows as UTF-8 CSV with a byte order mark and CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def export_kde(actor: User, args: dict) -> tuple[bytes, str]:
    """Return the spreadsheet of the named lots (of one lot and its trace), or of a product's events in a period,
    and a file name."""
    if args.get("trace"):
        return export_kde_of_trace(actor, args["lots"][0], args["trace"])
    if args.get("lots"):
        batch_ids = exports.visible_batch_ids(actor, args["lots"])
        selection = exports.load_events(exports.events_of_batches(batch_ids))
        name = f"kde-{args['lots'][0]}" + ("-and-more" if len(args["lots"]) > 1 else "")
        return write_csv(kde_rows(selection, set(batch_ids))), file_name(name)
    product = product_by_code(args["product"], field="product") if args.get("product") else None
    selection = exports.load_events(exports.events_in_period(actor, args["date_from"], args["date_to"],
                                                             product.id if product else None))
    keep = {line.batch_id for lines in selection.lines.values() for line in lines
            if product is None or line.batch.product_id == product.id}
    name = "-".join(part for part in ("kde", product.code if product else "", _day(args["date_from"]),
                                      _day(args["date_to"])) if part)
    return write_csv(kde_rows(selection, keep)), file_name(name)


def export_kde_of_trace(actor: User, lot_code: str, direction: str) -> tuple[bytes, str]:
    """Return the sheet of every lot the actor's trace of a lot reaches (as the EPCIS export's trace), and a name.

    `direction` is up, down or both; an unknown lot is 404 and a lot the actor may not see 403, as in the trace.
    """
    graph = tracing.trace(actor, lot_code, exports.TRACE_DIRECTIONS[direction], depth=tracing.MAX_DEPTH,
                          max_nodes=tracing.MAX_NODES, with_events=False)
    batch_ids = [row.id for row in Batch.select(Batch.id).where(Batch.lot_code.in_([n.lot for n in graph.nodes]))]
    selection = exports.load_events(exports.events_of_batches(batch_ids))
    return write_csv(kde_rows(selection, set(batch_ids))), file_name(f"kde-{lot_code}-trace-{direction}")


def _day(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def file_name(stem: str) -> str:
    """Return a download name of plain ASCII (lot codes may hold quotes and slashes)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem) + ".csv"
