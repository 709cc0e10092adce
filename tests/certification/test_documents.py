"""Certificate documents: checked by content, stored once by SHA-256, downloaded only by those who may see them."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from supply.models import AuditEntry
from supply.models import CertificateDocument
from supply.services.certification.documents import MAX_BYTES
from supply.services.certification.documents import safe_file_name
from tests.builders.api import API
from tests.builders.api import assert_error
from tests.builders.api import unchanged
from tests.builders.certificates import documents_world
from tests.builders.certificates import make_certificate
from tests.builders.factories import auth_header
from tests.builders.factories import make_site
from tests.builders.factories import make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(fmt: str) -> bytes:
    """Return a small real image in the given Pillow format."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 60)).save(buffer, fmt)
    return buffer.getvalue()


world = pytest.fixture(name="world")(documents_world)


def upload(client, world: dict, content: bytes, name: str = "scan.pdf", headers: dict | None = None):
    """Upload bytes as the file field of a multipart form."""
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), name)})
    return client.post(f"{API}/certificates/{world['cert'].id}/documents", headers=headers or world["headers"],
                       data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize(("content", "name", "content_type"), [
    (PDF, "证书 扫描.pdf", "application/pdf"),
    (image_bytes("PNG"), "photo.png", "image/png"),
    (image_bytes("JPEG"), "photo.JPG", "image/jpeg"),
    (image_bytes("PNG"), "named-wrongly.pdf", "image/png"),
])
def test_real_documents_are_stored_by_hash_and_downloaded_as_attachments(client, world, content, name, content_type):
    response = upload(client, world, content, name)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    sha = hashlib.sha256(content).hexdigest()
    assert (body["content_type"], body["size"], body["sha256"]) == (content_type, len(content), sha)
    assert (world["dir"] / sha[:2] / sha).read_bytes() == content
    download = client.get(f"{API}/certificates/{world['cert'].id}/documents/{body['id']}", headers=world["headers"])
    assert download.status_code == 200
    assert download.data == content
    assert download.mimetype == content_type
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    detail = client.get(f"{API}/certificates/{world['cert'].id}", headers=world["headers"]).get_json()
    assert [doc["id"] for doc in detail["documents"]] == [body["id"]]
    assert AuditEntry.select().where(AuditEntry.action == "certificates.upload_document").count() == 1


def test_the_same_content_is_stored_once(client, world):
    first = upload(client, world, PDF, "a.pdf").get_json()
    second = upload(client, world, PDF, "b.pdf").get_json()
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert [p.name for p in world["dir"].rglob("*") if p.is_file()] == [first["sha256"]]


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "certificate.pdf", "PDF, JPEG or PNG"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "scan.png", "PDF, JPEG or PNG"),
    (b"#!/bin/sh\nrm -rf /\n", "scan.jpg", "PDF, JPEG or PNG"),
    (b"", "empty.pdf", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"not really a png", "fake.png", "damaged"),
    (b"\xff\xd8\xff\xe0" + b"junk" * 10, "fake.jpg", "damaged"),
    (b"%PDF-" + b"\x00" * (MAX_BYTES - 4), "huge.pdf", "larger than 10 MB"),
])
def test_bad_files_are_refused_on_the_file_field_and_nothing_is_kept(client, world, content, name, reason):
    with unchanged():
        response = upload(client, world, content, name)
    assert_error(response, 422, "file", reason)
    assert not world["dir"].exists() or not any(p.is_file() for p in world["dir"].rglob("*"))


def test_a_body_past_the_servers_limit_is_a_413_naming_the_file(client, world, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    with unchanged():
        response = upload(client, world, b"%PDF-" + b"0" * (2 * 1024 * 1024), "big.pdf")
    assert_error(response, 413, "file", "larger than 10 MB")


def test_upload_needs_a_file_field_and_multipart(client, world):
    with unchanged():
        assert_error(client.post(f"{API}/certificates/{world['cert'].id}/documents", headers=world["headers"],
                                 data={"other": "x"}, content_type="multipart/form-data"), 400, "file")
        assert_error(client.post(f"{API}/certificates/{world['cert'].id}/documents", headers=world["headers"],
                                 data=PDF, content_type="application/pdf"), 415)


def test_only_the_holder_and_inspectors_upload(client, world):
    stranger = auth_header(make_user())
    certifier_user = auth_header(make_user(party=world["cert"].issuer, role="inspector"))
    with unchanged():
        assert_error(upload(client, world, PDF, headers=stranger), 403)
    assert upload(client, world, PDF, headers=certifier_user).status_code == 201


def test_download_only_for_those_who_see_the_certificate(client, world):
    doc_id = upload(client, world, PDF).get_json()["id"]
    url = f"{API}/certificates/{world['cert'].id}/documents/{doc_id}"
    assert_error(client.get(url, headers=auth_header(make_user())), 403)
    assert client.get(url, headers=auth_header(make_user(role="inspector"))).status_code == 200
    other_cert = make_certificate(site=make_site(party=world["producer"].party))
    assert_error(client.get(f"{API}/certificates/{other_cert.id}/documents/{doc_id}", headers=world["headers"]), 404)
    assert_error(client.get(f"{API}/certificates/{world['cert'].id}/documents/999999", headers=world["headers"]), 404)
    assert client.get(url).status_code == 401


def test_file_names_are_made_harmless():
    assert safe_file_name("../../etc/passwd", ".pdf") == "passwd.pdf"
    assert safe_file_name("C:\\scans\\绿色食品证书.PDF", ".pdf") == "绿色食品证书.pdf"
    assert safe_file_name("evil\x00<script>.png", ".png") == "evil_script.png"
    assert safe_file_name("", ".jpg") == "certificate.jpg"
    assert safe_file_name("x" * 500 + ".pdf", ".pdf") == "x" * 190 + ".pdf"
    assert CertificateDocument._meta.fields["file_name"].max_length >= 200


def test_a_document_added_after_approval_shows_in_the_history(client, world):
    assert upload(client, world, PDF, "renewal.pdf").status_code == 201
    history = client.get(f"{API}/certificates/{world['cert'].id}", headers=world["headers"]).get_json()["transitions"]
    added = [step for step in history if step["action"] == "document"]
    assert len(added) == 1 and added[0]["reason"] == "renewal.pdf"
    assert added[0]["from_status"] == added[0]["to_status"] == "approved"
