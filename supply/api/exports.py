"""Exports: an EPCIS 2.0 JSON-LD document, and the key data elements of the tracking events as a spreadsheet."""

from __future__ import annotations

import json

from flask import Response
from flask import current_app

from supply.api.routing import route
from supply.schemas.exports import EpcisQuerySchema
from supply.schemas.exports import KdeQuerySchema
from supply.services.interchange import epcis
from supply.services.interchange import kde

EPCIS_DOCUMENT = {
    "type": "object",
    "description": "A GS1 EPCIS 2.0 EPCISDocument (JSON-LD), valid against the EPCIS 2.0 JSON Schema.",
    "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
}
KDE_SHEET = {
    "type": "string",
    "description": "UTF-8 CSV with a byte order mark: one header row, one row per lot of each tracking event.",
}


@route("/exports/epcis", "GET", summary="Export a lot's events, or a period's, as an EPCIS 2.0 document",
       tag="exports", query=EpcisQuerySchema, response=EPCIS_DOCUMENT, produces="application/ld+json",
       errors=(404,))
def export_epcis(actor, args: dict):
    """Answer with the EPCIS document of a lot (and its genealogy) or of a period."""
    document = epcis.export_epcis(actor, args, current_app.config["PUBLIC_BASE_URL"])
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/ld+json")


@route("/exports/kde.csv", "GET", summary="Export the key data elements of tracking events as CSV",
       tag="exports", query=KdeQuerySchema, response=KDE_SHEET, produces="text/csv", errors=(404,))
def export_kde(actor, args: dict):
    """Answer with the spreadsheet of the named lots, or of a period (optionally of one product)."""
    content, filename = kde.export_kde(actor, args)
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
