"""EPCIS 2.0 capture (the standard's REST binding): POST an EPCISDocument, follow its capture job.

`POST /epcis/capture` answers 202 with the job and its URL (also in `Location`) once the document is recorded: on
PostgreSQL a worker of the job queue (`flask --app wsgi worker`) captures it, on SQLite a thread of the server.
A body over 10 MB or 10,000 events is refused at once with 413, a body that is not JSON with 400; everything
else (not an EPCISDocument, invalid against the schema, refused events) makes the job fail, with every bad
event's index and reason, and writes nothing.
"""

from __future__ import annotations

from flask import after_this_request
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for

from supply.api.routing import ApiError
from supply.api.routing import route
from supply.i18n import N_
from supply.locales import translate_message
from supply.models import CaptureJob
from supply.schemas.capture import CaptureJobSchema
from supply.services.interchange.capture import jobs as capture_jobs
from supply.services.interchange.capture.document import read_json

EXAMPLE = {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                 {"xn": "https://trace.xining.example/epcis/"}],
    "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-07-15T09:00:00.000+08:00",
    "epcisBody": {"eventList": [{
        "type": "ObjectEvent", "eventTime": "2026-07-15T08:30:00.000+08:00", "eventTimeZoneOffset": "+08:00",
        "action": "ADD", "bizStep": "commissioning", "disposition": "active",
        "quantityList": [{"epcClass": "https://id.gs1.org/01/06901234567892/10/VG260715-A1", "quantity": 500,
                          "uom": "KGM"}],
        "readPoint": {"id": "https://trace.example.cn/site/HZ-F01"},
        "bizLocation": {"id": "https://trace.example.cn/site/HZ-F01"},
        "ilmd": {"xn:producedOn": "2026-07-15", "xn:fieldName": "3号地"},
    }]},
}
DOCUMENT = {"type": "object", "description": "A GS1 EPCIS 2.0 EPCISDocument (JSON-LD), valid against the EPCIS 2.0 "
            "JSON Schema; at most 10 MB and 10,000 events.", "required": ["type", "epcisBody"]}
CAPTURE_DOC = {
    "description": (
        "Capture the events of an EPCIS 2.0 document, all of them or none, through the same rules as the JSON API. "
        "Lots are named by GS1 Digital Link URIs (`https://id.gs1.org/01/<GTIN>/10/<lot>`), LGTIN URNs "
        "(`urn:epc:class:lgtin:<company prefix>.<item reference>.<lot>`) or, without a GTIN, our lot URIs "
        "(`<base>/lot/<lot code>`); sites and parties by `<base>/site/<code>` and `<base>/party/<code>`. "
        "commissioning (ObjectEvent ADD) registers lots, shipping and receiving move them, TransformationEvents "
        "transform them, storing with a sensorElementList records temperatures. You may capture only events at "
        "your party's sites about lots it holds. Answers 202 with the job; poll its URL (`Location`)."),
    "requestBody": {"required": True, "content": {
        media: {"schema": DOCUMENT, "example": EXAMPLE} for media in ("application/ld+json", "application/json")}},
    "responses": {"202": {"description": "Accepted: the document is recorded and captured in the background; "
                                         "follow the job at its URL (also in Location).",
                          "content": {"application/json": {"schema": CaptureJobSchema}}}},
}
JOB_DOC = {"description": "Read a capture's status; a failed one lists each bad event with its index in the "
                          "document's eventList, the field and the reason, and wrote nothing."}


def job_json(job: CaptureJob) -> dict:
    """Serialise a job with its messages in the caller's language and its status URL."""
    data = CaptureJobSchema().dump(job)
    data["message"] = translate_message(job.message) if job.message else ""
    data["errors"] = [{**error, "message": translate_message(error["message"]), "detail": error.get("detail") or ""}
                      for error in data["errors"]]
    data["status_url"] = url_for("api.get_capture", job_id=job.public_id)
    return data


@route("/epcis/capture", "POST", summary="Capture an EPCIS 2.0 document's events (all or none), as a job",
       tag="epcis", response=CaptureJobSchema, status=202, errors=(400, 413, 415, 422), extra=CAPTURE_DOC)
def capture(actor):
    """Record a document as a capture job and answer 202 with the job's URL."""
    if request.mimetype not in ("application/json", "application/ld+json"):
        raise ApiError(415, N_("Send the document as application/ld+json or application/json."))
    document = read_json(request.get_data(cache=True))
    if not current_app.config.get("CAPTURE_BACKGROUND", True):
        job = capture_jobs.run_job(capture_jobs.create_job(actor, document), document)
    elif capture_jobs.uses_queue():
        job = capture_jobs.queue_job(actor, document)
    else:
        job = capture_jobs.create_job(actor, document)
        after_this_request(lambda response: (capture_jobs.start_job(job, document), response)[1])
    body = job_json(job)
    return jsonify(body), 202, {"Location": body["status_url"]}


@route("/epcis/capture/<job_id>", "GET", summary="Read a capture job: its status, bad events and result",
       tag="epcis", response=CaptureJobSchema, errors=(404,), extra=JOB_DOC)
def get_capture(actor, job_id: str):
    """Read one of your captures."""
    return job_json(capture_jobs.get_job(actor, job_id))
