"""Write events as a GS1 EPCIS 2.0 JSON-LD document: CBV 2.0 names, our own facts in the `xn` extension namespace."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from supply.clock import utcnow
from supply.models import Event
from supply.models import EventBatch
from supply.models import User
from supply.services.coldchain.epcis_readings import reading_elements
from supply.services.interchange import exports
from supply.services.interchange.epcis_extensions import NS
from supply.services.interchange.epcis_extensions import NS_PREFIX
from supply.services.interchange.epcis_extensions import extensions
from supply.services.interchange.epcis_extensions import ilmd
from supply.services.interchange.epcis_extensions import number
from supply.services.interchange.epcis_extensions import sensor_elements
from supply.services.interchange.epcis_extensions import time_text
from supply.services.interchange.epcis_extensions import xn
from supply.services.interchange.exports import EventSet
from supply.services.interchange.uris import Identifiers
from supply.units import unece_code

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
DOCUMENT_OFFSET = "+08:00"

# CBV 2.0 short names; anything else of ours goes out as a URI in our namespace.
CBV_BIZ_STEPS = frozenset((
    "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning", "creating_class_instance",
    "cycle_counting", "decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding",
    "entering_exiting", "holding", "inspecting", "installing", "killing", "loading", "other", "packing", "picking",
    "receiving", "removing", "repackaging", "repairing", "replacing", "reserving", "retail_selling", "shipping",
    "staging_outbound", "stock_taking", "stocking", "storing", "transporting", "unloading", "unpacking",
    "void_shipping", "sensor_reporting", "sampling",
))
CBV_DISPOSITIONS = frozenset((
    "active", "container_closed", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired",
    "in_progress", "in_transit", "inactive", "no_pedigree_match", "non_sellable_other", "partially_dispensed",
    "recalled", "reserved", "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
    "unknown", "available", "completeness_verified", "completeness_inferred", "conformant", "container_open",
    "mismatch_instance", "mismatch_class", "mismatch_quantity", "needs_replacement", "non_conformant", "unavailable",
))
CBV_ERROR_REASONS = frozenset(("did_not_occur", "incorrect_data"))
CBV_TRANSACTION_TYPES = frozenset((
    "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres",
    "upevt",
))


def export_epcis(actor: User, args: dict, base_url: str) -> dict:
    """Return the EPCIS document of a lot (with its genealogy when `trace` is given) or of a period."""
    if args.get("lot"):
        event_ids, truncated = exports.events_of_lot(actor, args["lot"], args.get("trace"))
    else:
        event_ids, truncated = exports.events_in_period(actor, args["date_from"], args["date_to"]), False
    document = build_document(exports.load_events(event_ids), base_url)
    if truncated:
        document[xn("traceTruncated")] = True
    return document


def vocabulary(name: str, standard: frozenset[str], kind: str) -> str:
    """Return a CBV short name, or the URI of our own term (such as the `planting` business step)."""
    return name if name in standard else f"{NS}{kind}-{quote(name, safe='')}"


def build_document(selection: EventSet, base_url: str, now: datetime.datetime | None = None) -> dict:
    """Build the EPCISDocument of the selected events, oldest first; declarations as error declarations."""
    ids = Identifiers(base_url.rstrip("/"))
    return {
        "@context": [EPCIS_CONTEXT, {NS_PREFIX: NS}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": time_text(now or utcnow(), DOCUMENT_OFFSET),
        "epcisBody": {"eventList": [_entry(event, selection, ids) for event in selection.events]},
    }


def _entry(event: Event, selection: EventSet, ids: Identifiers) -> dict:
    """Write an event; a declaration is written as the declared event with its `errorDeclaration`."""
    if event.declares_id is None:
        return epcis_event(event, selection, ids)
    entry = epcis_event(selection.declared[event.declares_id], selection, ids)
    entry["recordTime"] = time_text(event.record_time, event.event_tz)
    declaration = {"declarationTime": time_text(event.record_time, event.event_tz),
                   "reason": vocabulary(event.declaration_reason or "incorrect_data", CBV_ERROR_REASONS,
                                        "ErrorReason")}
    corrective = [i for i in (event.data or {}).get("corrective_event_ids") or [] if i]
    if corrective:
        declaration["correctiveEventIDs"] = corrective
    entry["errorDeclaration"] = declaration
    entry[xn("declarationID")] = event.event_id
    entry[xn("declaredBy")] = ids.party(selection.parties[event.party_id].code)
    if (event.data or {}).get("note"):
        entry[xn("declarationNote")] = event.data["note"]
    return entry


def _quantities(lines: list[EventBatch], ids: Identifiers) -> list[dict]:
    entries = []
    for line in lines:
        entry = {"epcClass": ids.lot(line.batch)}
        if line.quantity is not None:
            entry["quantity"] = number(line.quantity)
            entry["uom"] = unece_code(line.unit or line.batch.unit)
        entries.append(entry)
    return entries


def epcis_event(event: Event, selection: EventSet, ids: Identifiers) -> dict:
    """Write one event of our log as an EPCIS 2.0 event."""
    entry: dict = {
        "type": event.event_type,
        "eventTime": time_text(event.event_time, event.event_tz),
        "eventTimeZoneOffset": event.event_tz,
        "recordTime": time_text(event.record_time, event.event_tz),
        "eventID": event.event_id,
    }
    if event.event_type == "TransformationEvent":
        _transformation(entry, event, selection, ids)
    else:
        entry["action"] = event.action or "OBSERVE"
        quantities = _quantities(selection.lines_of(event, "object"), ids)
        entry.update({"quantityList": quantities} if quantities else {"epcList": []})
    entry["bizStep"] = vocabulary(event.biz_step, CBV_BIZ_STEPS, "BizStep")
    if event.disposition:
        entry["disposition"] = vocabulary(event.disposition, CBV_DISPOSITIONS, "Disp")
    site = selection.sites.get(event.site_id)
    if site is not None:
        entry["readPoint"] = {"id": ids.site(site.code)}
        if event.biz_step != "shipping":  # CBV: goods being shipped are leaving, not at a business location
            entry["bizLocation"] = {"id": ids.site(site.code)}
    if event.doc_number:
        entry["bizTransactionList"] = [{
            "type": vocabulary(event.doc_type or "other", CBV_TRANSACTION_TYPES, "BTT"),
            "bizTransaction": ids.document(event.doc_type or "other", event.doc_number),
        }]
    _sources_and_destinations(entry, event, selection, ids)
    sensors = sensor_elements(event.data or {}, event.event_tz)
    if event.id in selection.readings:
        sensors += reading_elements(selection.readings[event.id], event.event_tz, time_text, number, NS)
    if sensors:
        entry["sensorElementList"] = sensors
    master_data = ilmd(event, selection)
    if master_data:
        entry["ilmd"] = master_data
    entry.update(extensions(event, selection, ids))
    return entry


def _transformation(entry: dict, event: Event, selection: EventSet, ids: Identifiers) -> None:
    inputs = _quantities(selection.lines_of(event, "input"), ids)
    outputs = _quantities(selection.lines_of(event, "output"), ids)
    if inputs:
        entry["inputQuantityList"] = inputs
    if outputs:
        entry["outputQuantityList"] = outputs
    planting = selection.plantings.get(event.id)
    if planting:
        # The harvest registrations that name this planting point to the same id.
        entry["transformationID"] = ids.planting(planting)
    elif not (inputs and outputs):
        entry["transformationID"] = event.event_id


def _sources_and_destinations(entry: dict, event: Event, selection: EventSet, ids: Identifiers) -> None:
    data = event.data or {}
    party = selection.parties[event.party_id].code
    site = selection.sites[event.site_id].code if event.site_id else None
    if event.biz_step == "shipping":
        source, destination = (party, site), (data.get("to_party"), data.get("to_site"))
    elif event.biz_step == "receiving":
        source, destination = (data.get("from_party"), data.get("from_site")), (party, site)
    else:
        return
    for key, (party_code, site_code) in (("source", source), ("destination", destination)):
        items = []
        if party_code:
            items.append({"type": "owning_party", key: ids.party(party_code)})
        if site_code:
            items.append({"type": "location", key: ids.site(site_code)})
        if items:
            entry[f"{key}List"] = items
