"""Certificates: submit, list and read, review (approve, reject, suspend, reinstate, revoke), and their documents."""

from __future__ import annotations

import io
import unicodedata
from urllib.parse import quote

from flask import current_app
from flask import request
from flask import send_file
from werkzeug.exceptions import RequestEntityTooLarge

from supply.api.routing import ApiError
from supply.api.routing import page_json
from supply.api.routing import route
from supply.db.pagination import paginate
from supply.i18n import N_
from supply.schemas.certificates import CertificateCreateSchema
from supply.schemas.certificates import CertificateDetailSchema
from supply.schemas.certificates import CertificateFilterSchema
from supply.schemas.certificates import CertificateSchema
from supply.schemas.certificates import DocumentSchema
from supply.schemas.certificates import ReviewSchema
from supply.schemas.common import page_schema
from supply.services.certification import certificates
from supply.services.certification import documents as certificate_documents
from supply.services.certification import reads as certificate_reads

CertificatePage = page_schema(CertificateSchema, "CertificatePage")
FILE_BODY = {"type": "string", "format": "binary", "description": "PDF, JPEG or PNG, at most 10 MB."}
UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"], "properties": {"file": FILE_BODY}}}}}}
DOWNLOAD_DOC = {"responses": {"200": {"description": "The document, as an attachment.", "content": {
    "application/pdf": {"schema": FILE_BODY}, "image/jpeg": {"schema": FILE_BODY},
    "image/png": {"schema": FILE_BODY}}}}}


def detail_json(cert) -> dict:
    """Serialise a certificate with its history and documents."""
    cert.transitions = certificate_reads.history(cert)
    cert.documents = certificate_reads.documents(cert)
    return CertificateDetailSchema().dump(cert)


@route("/certificates", "POST", summary="Submit a certificate of your party for review", tag="certificates",
       body=CertificateCreateSchema, response=CertificateDetailSchema, status=201, errors=(409,))
def submit_certificate(actor, data: dict):
    """Submit a certificate."""
    return detail_json(certificates.submit_certificate(actor, data))


@route("/certificates", "GET", summary="List certificates: the review queue for inspectors, else your party's",
       tag="certificates", query=CertificateFilterSchema, response=CertificatePage)
def list_certificates(actor, args: dict):
    """List certificates (submitted first, oldest first, for inspectors)."""
    page = paginate(certificate_reads.list_certificates(actor, args), args["page"], args["per_page"])
    return page_json(page, CertificateSchema().dump)


@route("/certificates/<int:cert_id>", "GET", summary="Read a certificate with its history and documents",
       tag="certificates", response=CertificateDetailSchema, errors=(404,))
def get_certificate(actor, cert_id: int):
    """Read one certificate."""
    return detail_json(certificate_reads.get_certificate(actor, cert_id))


def _review_route(action: str, summary: str):
    """Declare the POST route of one review step."""

    def view(actor, cert_id: int, data: dict):
        certificates.apply_review(actor, cert_id, action, data)
        return detail_json(certificate_reads.get_certificate(actor, cert_id))

    view.__name__ = f"{action}_certificate"
    view.__doc__ = summary
    route(f"/certificates/<int:cert_id>/{action}", "POST", summary=summary, tag="certificates", body=ReviewSchema,
          response=CertificateDetailSchema, errors=(404, 409))(view)


_review_route("approve", "Approve a submitted certificate (inspectors of another party)")
_review_route("reject", "Reject a submitted certificate, with a reason")
_review_route("suspend", "Suspend an approved certificate from a date, with a reason")
_review_route("reinstate", "Reinstate a suspended certificate")
_review_route("revoke", "Revoke an approved or suspended certificate from a date, with a reason")


def _uploaded_file():
    """Return the uploaded file of the form field `file`; a body past the server's limit is a 413 on `file`."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, N_("Send the file as multipart/form-data in the field 'file'."))
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge as exc:
        raise ApiError(413, certificate_documents.TOO_LARGE, {"file": [certificate_documents.TOO_LARGE]}) from exc
    if upload is None:
        raise ApiError(400, N_("Send the file in the form field 'file'."), {"file": [N_("Choose a file.")]})
    return upload


@route("/certificates/<int:cert_id>/documents", "POST", summary="Attach a scan (PDF, JPEG or PNG, at most 10 MB)",
       tag="certificates", response=DocumentSchema, status=201, errors=(404, 413, 415, 422), extra=UPLOAD_DOC)
def upload_document(actor, cert_id: int):
    """Upload a certificate document."""
    upload = _uploaded_file()
    content = certificate_documents.read_limited(upload.stream)
    doc = certificate_documents.upload_document(actor, cert_id, content, upload.filename or "",
                                                current_app.config["CERTIFICATE_DOCUMENTS_DIR"])
    return DocumentSchema().dump(doc)


@route("/certificates/<int:cert_id>/documents/<int:doc_id>", "GET", summary="Download a certificate document",
       tag="certificates", errors=(404,), produces="application/pdf", extra=DOWNLOAD_DOC)
def download_document(actor, cert_id: int, doc_id: int):
    """Download a document as an attachment."""
    return send_document(actor, cert_id, doc_id)


def content_disposition(name: str, stand_in: str) -> str:
    """Name an attachment: the UTF-8 name as `filename*` (RFC 6266), and a plain ASCII `filename` for old clients.

    The ASCII name drops what ASCII cannot spell; when nothing of the stem is left (a Chinese name), it is
    `stand_in` with the real extension. Stored names are already safe (no quotes, slashes or control characters).
    """
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").strip(" ._-")
    stem, dot, extension = name.rpartition(".")
    if not plain or not plain.rpartition(".")[0].strip(" ._-"):
        plain = stand_in + (dot + extension.encode("ascii", "ignore").decode("ascii") if stem else "")
    value = f'attachment; filename="{plain}"'
    return value if plain == name else value + f"; filename*=UTF-8''{quote(name, safe='')}"


def send_document(actor, cert_id: int, doc_id: int):
    """Answer with a document's bytes as an attachment of its sniffed type (the pages use this too)."""
    doc, path = certificate_documents.document_for_download(actor, cert_id, doc_id,
                                                            current_app.config["CERTIFICATE_DOCUMENTS_DIR"])
    # Read whole (at most 10 MB) so no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=doc.content_type, as_attachment=True,
                         download_name=doc.file_name, max_age=0, etag=doc.sha256)
    response.headers["Content-Disposition"] = content_disposition(doc.file_name, f"certificate-{doc.id}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
