"""Bulk entry pages: upload a CSV file of harvest registrations or shipments, follow its import, see bad rows."""

from __future__ import annotations

import csv
import io

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_decimal
from flask_babel import gettext
from flask_babel import ngettext

from supply import permissions
from supply.auth import login_required
from supply.auth import roles_required
from supply.i18n import N_
from supply.locales import translate_message
from supply.models import ImportJob
from supply.services.errors import ServiceError
from supply.services.interchange.imports import jobs as import_jobs
from supply.services.interchange.imports.files import COLUMNS
from supply.services.interchange.imports.files import MAX_BYTES
from supply.services.interchange.imports.files import REQUIRED
from supply.services.interchange.imports.files import FileRejected
from supply.services.interchange.imports.files import read_rows
from supply.services.interchange.imports.files import template_csv

bp = Blueprint("imports", __name__, url_prefix="/imports")
# The job page lists this many bad rows; the CSV download has them all.
SHOWN_ERRORS = 1000


def _kind_labels() -> dict[str, str]:
    return {"registrations": gettext("Harvest registrations"), "shipments": gettext("Shipments")}


def _state_text(job: ImportJob) -> str:
    """Say where a job stands, in the visitor's language."""
    done, total = format_decimal(job.rows_done), format_decimal(job.total_rows)
    return {
        "queued": gettext("Waiting to start."),
        "validating": gettext("Checking rows: %(done)s of %(total)s.", done=done, total=total),
        "writing": gettext("Writing rows: %(done)s of %(total)s.", done=done, total=total),
        "done": ngettext("Done: the %(total)s row was written.", "Done: all %(total)s rows were written.",
                         job.total_rows, total=total),
        "failed": gettext("Nothing was written."),
    }[job.status]


def _start(kind: str):
    """Read the uploaded file, record the job and run it (large files in the background)."""
    if kind not in COLUMNS:
        raise FileRejected(N_("Choose what the file holds."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise FileRejected(N_("Choose a CSV file to upload."))
    rows = read_rows(upload.read(MAX_BYTES + 1), kind)
    background = current_app.config.get("IMPORT_BACKGROUND", True) and import_jobs.runs_in_background(rows)
    if background and import_jobs.uses_queue():
        job = import_jobs.queue_job(g.user, kind, rows, upload.filename)
        return redirect(url_for("imports.job", job_id=job.public_id))
    job = import_jobs.create_job(g.user, kind, rows, upload.filename)
    if background:
        import_jobs.start_job(job, rows)
    else:
        import_jobs.run_job(job, rows)
    return redirect(url_for("imports.job", job_id=job.public_id))


@bp.route("/", methods=["GET", "POST"])
@roles_required(*permissions.REGISTERING_ROLES)
def index():
    """Upload a CSV file; list the user's latest imports."""
    kind = request.form.get("kind", request.args.get("kind", "registrations"))
    message, details, status = "", [], 200
    if request.method == "POST":
        try:
            return _start(kind)
        except ServiceError as exc:
            message, details, status = translate_message(exc.message), exc.errors.get("columns", []), exc.status
    body = render_template("imports/index.html", kind=kind, kinds=_kind_labels(), columns=COLUMNS,
                           required=REQUIRED, message=message, details=details,
                           jobs=import_jobs.recent_jobs(g.user), number=format_decimal)
    return body, status


@bp.route("/template/<kind>.csv")
@login_required
def template(kind: str):
    """Download an example file with the header row."""
    if kind not in COLUMNS:
        abort(404)
    return Response(template_csv(kind), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{kind}-template.csv"'})


@bp.route("/<job_id>")
@login_required
def job(job_id: str):
    """Show an import: its progress, the rows to correct, or what was written."""
    job = import_jobs.get_job(g.user, job_id)
    errors = [{**error, "message": translate_message(error["message"])} for error in job.errors[:SHOWN_ERRORS]]
    return render_template("imports/job.html", job=job, kinds=_kind_labels(), state=_state_text(job),
                           errors=errors, hidden_errors=max(len(job.errors) - SHOWN_ERRORS, 0),
                           message=translate_message(job.message) if job.message else "",
                           active=job.status in ("queued", "validating", "writing"), number=format_decimal)


@bp.route("/<job_id>/status")
@login_required
def status(job_id: str):
    """Report an import's progress as JSON for the job page's polling script."""
    job = import_jobs.get_job(g.user, job_id)
    return jsonify(status=job.status, rows_done=job.rows_done, total_rows=job.total_rows, text=_state_text(job),
                   finished=job.status in ("done", "failed"))


@bp.route("/<job_id>/errors.csv")
@login_required
def errors_csv(job_id: str):
    """Download every bad row of an import as CSV: line, column, reason."""
    job = import_jobs.get_job(g.user, job_id)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([gettext("Line"), gettext("Column"), gettext("Reason")])
    writer.writerows([error["line"], error["field"], translate_message(error["message"])] for error in job.errors)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="import-{job.public_id}-errors.csv"'})
