"""Certificate pages: the inspector's queue, a holder's certificates, the submit form, a certificate with its
documents, history and review forms."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from supply import certificate_kinds
from supply import permissions
from supply.api.certificates import send_document
from supply.auth import login_required
from supply.auth import roles_required
from supply.errors import flatten_errors
from supply.i18n import N_
from supply.locales import translate_errors
from supply.locales import translate_message
from supply.schemas.certificates import CertificateCreateSchema
from supply.schemas.certificates import CertificateFilterSchema
from supply.schemas.certificates import ReviewSchema
from supply.services.certification import certificates as certificate_service
from supply.services.certification import documents as certificate_documents
from supply.services.certification import reads as certificate_reads
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from supply.services.errors import NotFound
from supply.services.errors import ServiceError
from supply.services.masterdata import parties as party_service
from supply.services.masterdata import products as product_service
from supply.services.masterdata.lookup import party_by_code
from supply.views.custody_options import own_site_options
from supply.views.forms import FormResult
from supply.views.forms import form_payload
from supply.views.forms import submit
from supply.views.labels import CERTIFICATE_ACTION_LABELS
from supply.views.labels import CERTIFICATE_STATUS_LABELS
from supply.views.pages import FORM_ERROR_STATUS
from supply.views.pages import code_options
from supply.views.pages import list_filters
from supply.views.pages import saved

bp = Blueprint("certificates", __name__, url_prefix="/certificates")

SUBMIT_FIELDS = tuple(CertificateCreateSchema().load_fields)
REVIEW_FIELDS = ("reason", "effective_on")


def kind_label(key: str) -> str:
    """Name a kind of certificate in the visitor's language."""
    return gettext(certificate_kinds.kind_name(key))


@bp.context_processor
def _labels() -> dict:
    return {
        "kind_label": kind_label,
        "certificate_status_label": lambda code: str(CERTIFICATE_STATUS_LABELS.get(code, code)),
        "certificate_action_label": lambda code: str(CERTIFICATE_ACTION_LABELS.get(code, code)),
        "subject_label": lambda code: gettext(certificate_kinds.SUBJECT_LABELS.get(code, code)),
        "certificate_status": certificate_service.evaluate,
        "dated_statuses": certificate_service.DATED_STATUSES,
        "expires_soon": lambda cert: certificate_service.expires_within(cert, certificate_reads.EXPIRY_WARNING_DAYS),
    }


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge):
    """Answer an upload past the server's limit with a page that says so (not a bare error)."""
    message = translate_message(certificate_documents.TOO_LARGE)
    return render_template("errors/error.html", status=413, message=message), 413


def _kind_options(keys) -> list[tuple[str, str]]:
    return [(key, kind_label(key)) for key in keys]


@bp.route("/")
@roles_required("admin", "inspector")
def queue():
    """Show the inspector's queue: certificates awaiting review first, oldest first, with filters."""
    listing = list_filters(CertificateFilterSchema())
    try:
        query = certificate_reads.review_queue(g.user, listing.filters)
    except Invalid as exc:
        listing.errors.update(translate_errors(exc.errors))
        for name in exc.errors:
            listing.link_args.pop(name, None)
        kept = {key: value for key, value in listing.filters.items() if key not in exc.errors}
        query = certificate_reads.review_queue(g.user, kept)
    return render_template(
        "certificates/queue.html",
        page=listing.page_of(query),
        listing=listing,
        status_options=[(key, str(label)) for key, label in CERTIFICATE_STATUS_LABELS.items()],
        kind_options=_kind_options(certificate_kinds.KINDS),
    )


@bp.route("/mine")
@login_required
def mine():
    """Show a holder's certificates with their status and those ending within 60 days (`?party=` for inspectors)."""
    code = request.args.get("party", "").strip()
    if code and permissions.reads_everything(g.user):
        party = party_by_code(code)
    elif g.user.party_id is not None:
        party = g.user.party
    else:
        raise Forbidden(N_("Your account acts for no party."))
    certs = list(certificate_reads.certificates_of_party(g.user, party))
    soon = [cert for cert in certs
            if certificate_service.expires_within(cert, certificate_reads.EXPIRY_WARNING_DAYS)]
    return render_template("certificates/mine.html", party=party, certificates=certs, expiring=soon,
                           warning_days=certificate_reads.EXPIRY_WARNING_DAYS,
                           may_submit=g.user.role in ("admin", "producer", "operator"))


@bp.route("/new", methods=["GET", "POST"])
@roles_required("admin", "producer", "operator")
def new():
    """Submit a certificate of the user's party for review."""
    form = FormResult()
    values: dict = {}
    if request.method == "POST":
        values = form_payload(request.form, SUBMIT_FIELDS)
        form = submit(CertificateCreateSchema(), values,
                      lambda data: certificate_service.submit_certificate(g.user, data))
        if form.ok:
            cert = form.result
            return saved(gettext("Certificate %(number)s submitted for review.", number=cert.number),
                         url_for(".detail", cert_id=cert.id))
    issuers = [party for party in party_service.list_parties({}) if party.kind in certificate_kinds.CERTIFYING_PARTIES]
    body = render_template(
        "certificates/new.html",
        values=values,
        errors=form.errors,
        message=form.message,
        kind_options=_kind_options(certificate_kinds.SUBMITTED_KINDS),
        number_hints=[(kind_label(key), gettext(certificate_kinds.KINDS[key].number_hint))
                      for key in certificate_kinds.SUBMITTED_KINDS],
        issuer_options=code_options(issuers),
        party_options=code_options(party_service.list_parties({})) if permissions.is_admin(g.user) else [],
        site_options=own_site_options(),
        product_options=code_options(product_service.list_products({})),
    )
    return body, 200 if form.ok else FORM_ERROR_STATUS


@bp.route("/<int:cert_id>")
@login_required
def detail(cert_id: int):
    """Show a certificate with its documents, its history and the review steps the user may take."""
    return _detail_page(cert_id)


def _detail_page(cert_id: int, forms: dict | None = None, status: int = 200):
    """Render the certificate page; `forms` maps a form name (an action, or `upload`) to (values, FormResult)."""
    cert = certificate_reads.get_certificate(g.user, cert_id)
    forms = forms or {}
    body = render_template(
        "certificates/detail.html",
        cert=cert,
        kind=certificate_kinds.get_kind(cert.kind),
        history=certificate_reads.history(cert),
        documents=certificate_reads.documents(cert),
        actions=certificate_service.allowed_actions(g.user, cert),
        action_rules=certificate_service.ACTIONS,
        may_upload=_may_upload(cert),
        forms={name: {"values": values, "errors": form.errors, "message": form.message}
               for name, (values, form) in forms.items()},
    )
    return body, status


def _may_upload(cert) -> bool:
    try:
        certificate_documents.require_uploads_to(g.user, cert)
    except Forbidden:
        return False
    return True


@bp.route("/<int:cert_id>/<any(approve, reject, suspend, reinstate, revoke):action>", methods=["POST"])
@roles_required("admin", "inspector")
def review(cert_id: int, action: str):
    """Take a review step (approve, reject, suspend, reinstate, revoke) from the certificate page."""
    values = form_payload(request.form, REVIEW_FIELDS)
    try:
        data = ReviewSchema().load(values)
        cert = certificate_service.apply_review(g.user, cert_id, action, data)
    except ValidationError as exc:
        form, status = FormResult(errors=translate_errors(flatten_errors(exc.messages))), FORM_ERROR_STATUS
    except (Forbidden, NotFound):
        raise
    except ServiceError as exc:  # a missing reason (422) or a step the status does not allow (409)
        message = "" if exc.errors else translate_message(exc.message)
        form, status = FormResult(errors=translate_errors(exc.errors), message=message), exc.status
    else:
        step = str(CERTIFICATE_ACTION_LABELS[action])
        message = gettext("Certificate %(number)s: %(step)s.", number=cert.number, step=step)
        return saved(message, url_for(".detail", cert_id=cert_id))
    return _detail_page(cert_id, {action: (values, form)}, status)


@bp.route("/<int:cert_id>/documents", methods=["POST"])
@login_required
def upload(cert_id: int):
    """Attach a scan (PDF, JPEG or PNG of at most 10 MB) to the certificate."""
    upload_file = request.files.get("file")
    try:
        if upload_file is None or not upload_file.filename:
            raise Invalid.field("file", N_("Choose a file."))
        content = certificate_documents.read_limited(upload_file.stream)
        doc = certificate_documents.upload_document(g.user, cert_id, content, upload_file.filename,
                                                    current_app.config["CERTIFICATE_DOCUMENTS_DIR"])
    except Invalid as exc:
        message = "" if exc.errors else translate_message(exc.message)
        form = FormResult(errors=translate_errors(exc.errors), message=message)
        return _detail_page(cert_id, {"upload": ({}, form)}, FORM_ERROR_STATUS)
    return saved(gettext("Document %(name)s added.", name=doc.file_name), url_for(".detail", cert_id=cert_id))


@bp.route("/<int:cert_id>/documents/<int:doc_id>")
@login_required
def download(cert_id: int, doc_id: int):
    """Download a certificate's document as an attachment (only for those who may see the certificate)."""
    return send_document(g.user, cert_id, doc_id)
