"""Audit: the log of every write, for admins and inspectors, as pages of JSON or a spreadsheet."""

from __future__ import annotations

from flask import Response

from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.schemas.audit import AuditEntrySchema
from supply.schemas.audit import AuditExportSchema
from supply.schemas.audit import AuditFilterSchema
from supply.schemas.audit import AuditPage
from supply.services.audit import log as audit_log

AUDIT_SHEET = {
    "type": "string",
    "description": "UTF-8 CSV with a byte order mark: time (Asia/Shanghai ISO 8601), actor, action, table, record, "
                   "changes (JSON).",
}


@route("/audit", "GET", summary="List the audit log, newest first (admins and inspectors)", tag="audit",
       query=AuditFilterSchema, response=AuditPage, errors=(403,))
def list_audit(actor, args: dict):
    """List the entries matching the filters."""
    page = paginate(audit_log.list_entries(actor, args), args["page"], args["per_page"])
    return page_json(page, AuditEntrySchema().dump)


@route("/audit.csv", "GET", summary="Export the audit log as CSV (admins and inspectors)", tag="audit",
       query=AuditExportSchema, response=AUDIT_SHEET, produces="text/csv", errors=(403,))
def export_audit(actor, args: dict):
    """Answer with the spreadsheet of the entries matching the filters."""
    content = audit_log.export_csv(actor, args)
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{audit_log.file_name(args)}"'})
