"""Review findings on certificates: a reinstatement before a dated suspension takes effect cancels it; the
download name of a document with a Chinese name."""

from __future__ import annotations

import datetime
import io
import re
from urllib.parse import quote

import pytest

from supply.clock import local_today
from supply.services.certification import certificates as workflow
from supply.services.certification.validity import certificates_valid_at
from tests.builders.api import API
from tests.builders.certificates import make_certificate
from tests.builders.factories import auth_header
from tests.builders.factories import make_party
from tests.builders.factories import make_user


def test_reinstating_before_a_dated_suspension_takes_effect_cancels_it(app):
    holder = make_user(role="producer")
    inspector = make_user(role="inspector")
    today = local_today()
    data = {"kind": "organic", "number": "COFCC-R-2026-0077", "issuer": make_party(kind="certifier").code,
            "valid_from": today - datetime.timedelta(days=30), "valid_to": today + datetime.timedelta(days=300)}
    cert = workflow.submit_certificate(holder, data)
    workflow.approve_certificate(inspector, cert.id)
    workflow.suspend_certificate(inspector, cert.id, "复检", today + datetime.timedelta(days=30))
    workflow.reinstate_certificate(inspector, cert.id)  # the suspension never took effect
    later = today + datetime.timedelta(days=40)
    cert = workflow.locked_certificate(cert.id)
    assert workflow.evaluate(cert, later) == "approved"
    [state] = certificates_valid_at(holder.party, later)
    assert state.state == "valid" and state.suspended_from is None
    # Suspended again, from next week: in force from then on, whatever the first suspension's date was.
    next_week = today + datetime.timedelta(days=7)
    workflow.suspend_certificate(inspector, cert.id, "复检不合格", next_week)
    for day, expected in ((today, "valid"), (next_week, "suspended"), (later, "suspended")):
        [state] = certificates_valid_at(holder.party, day)
        assert state.state == expected, day
    assert state.suspended_from == next_week
    assert workflow.evaluate(workflow.locked_certificate(cert.id), later) == "suspended"


def png() -> bytes:
    """Return a small valid PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "fallback"), [("有机证书.png", "certificate-{id}.png"),
                                                ("有机证书 2026.png", "2026.png"),
                                                ("scan-1.png", "scan-1.png")])
def test_a_chinese_file_name_downloads_under_its_name_with_a_plain_fallback(client, name, fallback):
    producer = make_user()
    headers = auth_header(producer)
    cert = make_certificate("organic", party=producer.party, status="submitted")
    uploaded = client.post(f"{API}/certificates/{cert.id}/documents", headers=headers,
                           data={"file": (io.BytesIO(png()), name)}, content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    doc = uploaded.get_json()["id"]
    response = client.get(f"{API}/certificates/{cert.id}/documents/{doc}", headers=headers)
    disposition = response.headers["Content-Disposition"]
    plain = re.search(r'filename="?([^";]*)"?(;|$)', disposition).group(1)
    assert plain == fallback.format(id=doc), disposition
    if name.isascii():
        assert "filename*" not in disposition
    else:
        assert f"filename*=UTF-8''{quote(name)}" in disposition


def test_the_upload_entry_of_the_audit_log_names_the_file_not_the_server_folder(client):
    from supply.models import AuditEntry

    producer = make_user()
    headers = auth_header(producer)
    cert = make_certificate("organic", party=producer.party, status="submitted")
    uploaded = client.post(f"{API}/certificates/{cert.id}/documents", headers=headers,
                           data={"file": (io.BytesIO(png()), "有机证书.png")}, content_type="multipart/form-data")
    entry = AuditEntry.get(AuditEntry.action == "certificates.upload_document")
    assert entry.table == "certificate_document" and entry.record_key == str(uploaded.get_json()["id"])
    assert entry.changes == {"certificate": cert.number, "file_name": "有机证书.png", "content_type": "image/png",
                             "size": len(png()), "sha256": uploaded.get_json()["sha256"]}
