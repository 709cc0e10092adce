"""Certificate documents: PDF, JPEG or PNG scans of at most 10 MB, checked by content and stored by SHA-256.

A file is stored once at `<dir>/<sha256[:2]>/<sha256>` (written to a temporary file and renamed, so a reader
never sees half a file); each upload is a row naming the file as the uploader called it. The type comes from
the content: a renamed executable is refused whatever its name, and images must open with Pillow.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import warnings
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from supply import permissions
from supply.db import db
from supply.i18n import N_
from supply.models import Certificate
from supply.models import CertificateDocument
from supply.models import CertificateTransition
from supply.models import User
from supply.services.audit.writes import audited
from supply.services.certification.reads import get_certificate
from supply.services.errors import Forbidden
from supply.services.errors import Invalid
from supply.services.errors import NotFound

MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
# (leading bytes, content type, extension, Pillow format or None)
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf", None),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png", "PNG"),
)
TOO_LARGE = N_("The file is larger than 10 MB.")
UNSAFE_NAME_CHARS = re.compile(r"[^\w.\- ()\[\]]+")


def read_limited(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """Read an upload in chunks, refusing it (422 on `file`) as soon as it passes the limit, whatever it claims."""
    parts, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise Invalid.field("file", TOO_LARGE)
        parts.append(chunk)
    return b"".join(parts)


def sniff(content: bytes) -> tuple[str, str]:
    """Return the content type and extension of a PDF, JPEG or PNG file, judged by its bytes; else 422 on `file`."""
    if not content:
        raise Invalid.field("file", N_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise Invalid.field("file", TOO_LARGE)
    for magic, content_type, extension, image_format in SIGNATURES:
        if content.startswith(magic):
            if image_format is not None and not _opens_as(content, image_format):
                raise Invalid.field("file", N_("The image is damaged or not what it claims to be."))
            return content_type, extension
    raise Invalid.field("file", N_("Upload a PDF, JPEG or PNG file."))


def _opens_as(content: bytes, image_format: str) -> bool:
    """Tell whether Pillow reads the bytes as an image of this format (a decompression bomb does not count)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
                return image.format == image_format
    except Exception:  # Pillow raises many kinds of error for a bad file; each means "not an image"
        return False


def safe_file_name(name: str, extension: str) -> str:
    """Return a harmless file name: no folders or control characters, at most 200 characters, the real extension."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = UNSAFE_NAME_CHARS.sub("_", stem).strip(" ._")[:190] or "certificate"
    return stem + extension


def stored_path(directory: str | os.PathLike, sha256: str) -> Path:
    """Return where the file with this SHA-256 is kept."""
    return Path(directory) / sha256[:2] / sha256


def store(content: bytes, directory: str | os.PathLike) -> str:
    """Store the bytes under their SHA-256 (once: the same content is not written again) and return the hash."""
    sha256 = hashlib.sha256(content).hexdigest()
    target = stored_path(directory, sha256)
    if target.exists():
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(content)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return sha256


def require_uploads_to(actor: User, cert: Certificate) -> None:
    """Refuse an upload by anyone but the holder's users, inspectors and admins."""
    if not (permissions.is_inspector(actor) or (actor.role in ("producer", "operator")
                                                and permissions.acts_for(actor, cert.party_id))):
        raise Forbidden(N_("Only the holder of the certificate or an inspector may add documents."))


def describe_upload(arguments: dict, doc: CertificateDocument) -> tuple[str, str, dict]:
    """Log an upload by what was stored (never the bytes, nor the server's folder)."""
    return doc._meta.table_name, str(doc.id), {
        "certificate": doc.certificate.number, "file_name": doc.file_name, "content_type": doc.content_type,
        "size": doc.size, "sha256": doc.sha256}


@audited("certificates.upload_document", describe=describe_upload)
def upload_document(actor: User, cert_id: int, content: bytes, file_name: str,
                    directory: str | os.PathLike) -> CertificateDocument:
    """Check an uploaded scan by its content, store it and attach it to the certificate."""
    with db.atomic():
        cert = get_certificate(actor, cert_id)
        require_uploads_to(actor, cert)
        content_type, extension = sniff(content)
        sha256 = store(content, directory)
        document = CertificateDocument.create(
            certificate=cert, file_name=safe_file_name(file_name, extension), content_type=content_type,
            size=len(content), sha256=sha256, uploaded_by=actor,
        )
        # In the history too: a document added after the review is there for the next reviewer to see.
        CertificateTransition.create(certificate=cert, action="document", from_status=cert.status,
                                     to_status=cert.status, reason=document.file_name, actor=actor)
        return document


def document_for_download(actor: User, cert_id: int, doc_id: int,
                          directory: str | os.PathLike) -> tuple[CertificateDocument, Path]:
    """Return a document the actor may see and the path of its bytes; 404 when either is missing."""
    cert = get_certificate(actor, cert_id)
    doc = CertificateDocument.get_or_none(CertificateDocument.id == doc_id, CertificateDocument.certificate == cert)
    if doc is None:
        raise NotFound(N_("No such document of this certificate."))
    path = stored_path(directory, doc.sha256)
    if not path.is_file():
        raise NotFound(N_("The document's file is missing."))
    return doc, path
