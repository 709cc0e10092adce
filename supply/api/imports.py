"""CSV imports: upload harvest registrations or shipments, all rows written or none, and follow large ones.

Files of up to `SYNC_ROWS` (500) rows are imported within the request: 201 with the finished job, or 422 with
every bad row (keys "<line>.<column>", line 1 being the header) and nothing written. Larger files answer 202 with
the job and its status URL (also in `Location`) and are imported in the background: on PostgreSQL by a worker of
the job queue (`flask --app wsgi worker`), on SQLite by a thread of the server.
"""

from __future__ import annotations

from flask import after_this_request
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for

from supply.api.routing import ApiError
from supply.api.routing import route
from supply.errors import error_body
from supply.i18n import N_
from supply.locales import translate_message
from supply.models import ImportJob
from supply.models import User
from supply.schemas.imports import ImportJobSchema
from supply.services.interchange.imports import jobs as import_jobs
from supply.services.interchange.imports.files import MAX_BYTES
from supply.services.interchange.imports.files import read_rows

CSV_BODY = {"type": "string", "format": "binary",
            "description": "UTF-8 (with or without BOM) or GB18030; a header row; at most 10,000 rows and 5 MB."}
UPLOAD_DOC = {
    "requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": CSV_BODY}}},
        "text/csv": {"schema": CSV_BODY},
    }},
    "responses": {"202": {"description": "Accepted: a large file is imported in the background; poll the job.",
                          "content": {"application/json": {"schema": ImportJobSchema}}}},
}
UPLOAD_ERRORS = (400, 409, 413, 415, 422)


def _uploaded() -> tuple[bytes, str]:
    """Return the uploaded file's bytes (at most one more than the limit) and its name."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(400, N_("Send the CSV file in the form field 'file'."))
        return upload.read(MAX_BYTES + 1), upload.filename or ""
    if request.mimetype == "text/csv":
        return request.get_data(cache=True), ""
    raise ApiError(415, N_("Send the file as multipart/form-data (field 'file') or as a text/csv body."))


def job_json(job: ImportJob) -> dict:
    """Serialise a job with its messages in the caller's language and its status URL."""
    data = ImportJobSchema().dump(job)
    data["message"] = translate_message(job.message) if job.message else ""
    data["errors"] = [{**error, "message": translate_message(error["message"])} for error in data["errors"]]
    data["status_url"] = url_for("api.get_import", job_id=job.public_id)
    return data


def _import(actor: User, kind: str):
    raw, filename = _uploaded()
    rows = read_rows(raw, kind)
    if current_app.config.get("IMPORT_BACKGROUND", True) and import_jobs.runs_in_background(rows):
        if import_jobs.uses_queue():
            # Deferred in the request's transaction: a worker sees the job once it (and an Idempotency-Key) commits.
            job = import_jobs.queue_job(actor, kind, rows, filename)
        else:
            job = import_jobs.create_job(actor, kind, rows, filename)
            # Started once the response is made, when the job row (and an Idempotency-Key's record) is committed.
            after_this_request(lambda response: (import_jobs.start_job(job, rows), response)[1])
        body = job_json(job)
        return jsonify(body), 202, {"Location": body["status_url"]}
    job = import_jobs.run_job(import_jobs.create_job(actor, kind, rows, filename), rows)
    body = job_json(job)
    if job.status == "done":
        return body
    errors: dict[str, list[str]] = {}
    for error in body["errors"]:
        errors.setdefault(f"{error['line']}.{error['field']}".rstrip("."), []).append(error["message"])
    status = 422 if errors else 409
    return jsonify(error_body(status, body["message"], errors)), status, {"Content-Location": body["status_url"]}


@route("/imports/registrations", "POST", summary="Register harvest batches from a CSV file (all rows or none)",
       tag="imports", response=ImportJobSchema, status=201, errors=UPLOAD_ERRORS, extra=UPLOAD_DOC)
def import_registrations(actor):
    """Import a registration file: lot_code, product, site, quantity, unit, produced_on, field_name, ear_tag, notes."""
    return _import(actor, "registrations")


@route("/imports/shipments", "POST", summary="Dispatch shipments from a CSV file, one row per line (all or none)",
       tag="imports", response=ImportJobSchema, status=201, errors=UPLOAD_ERRORS, extra=UPLOAD_DOC)
def import_shipments(actor):
    """Import a shipment file, rows grouped into shipments by shipment_ref."""
    return _import(actor, "shipments")


@route("/imports/<job_id>", "GET", summary="Read an import's progress, bad rows and result", tag="imports",
       response=ImportJobSchema, errors=(404,))
def get_import(actor, job_id: str):
    """Read one of your imports."""
    return job_json(import_jobs.get_job(actor, job_id))
