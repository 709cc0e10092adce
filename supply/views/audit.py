"""Audit pages: the log of every write, filtered, with a spreadsheet of what the filters match."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import g
from flask import render_template

from supply.auth import login_required
from supply.schemas.audit import AuditPageExportSchema
from supply.schemas.audit import AuditPageFilterSchema
from supply.services.audit import log as audit_log
from supply.views.pages import list_filters

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@login_required
def index():
    """List the audit log, newest first, with filters and a link to the spreadsheet of the same entries."""
    listing = list_filters(AuditPageFilterSchema())
    page = listing.page_of(audit_log.list_entries(g.user, listing.filters))
    return render_template(
        "audit/index.html",
        page=page,
        listing=listing,
        actions=audit_log.known_actions(),
        tables=[(table, table) for table in audit_log.known_tables()],
        flat_changes=audit_log.flat_changes,
        export_args={key: value for key, value in listing.link_args.items() if key != "per_page"},
    )


@bp.route("/export.csv")
@login_required
def export():
    """Download the entries matching the filters as CSV."""
    listing = list_filters(AuditPageExportSchema())
    content = audit_log.export_csv(g.user, listing.filters)
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{audit_log.file_name(listing.filters)}"'})
