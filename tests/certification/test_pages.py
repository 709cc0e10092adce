"""Certificate pages: queue, holder's list, submit form, certificate page with documents, history and reviews."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image

from supply.clock import local_today
from supply.models import Certificate
from tests.builders.api import unchanged
from tests.builders.certificates import certificate_pages_world
from tests.builders.certificates import make_certificate
from tests.builders.factories import make_site
from tests.builders.factories import make_user
from tests.builders.pages import banner
from tests.builders.pages import field_error
from tests.builders.pages import flash
from tests.builders.pages import log_in

PDF = b"%PDF-1.4\n%%EOF\n"


world = pytest.fixture(name="world")(certificate_pages_world)


def test_queue_shows_waiting_certificates_with_filters_in_both_languages(client, world):
    make_certificate("green_food", site=world["site"], product=world["product"], status="submitted",
                               number="LB-15-19012700330A")
    make_certificate(site=world["site"], status="revoked", number="ORG-REVOKED-1",
                     status_from=datetime.date(2026, 5, 1))
    log_in(client, world["inspector"], "en")
    html = client.get("/certificates/").get_data(as_text=True)
    assert "Certificates to review" in html and "LB-15-19012700330A" in html and "Awaiting review" in html
    assert html.index("LB-15-19012700330A") < html.index("ORG-REVOKED-1")
    assert "from 2026-05-01" in html
    html = client.get("/certificates/?status=revoked").get_data(as_text=True)
    assert "ORG-REVOKED-1" in html and "LB-15-19012700330A" not in html
    html = client.get("/certificates/?status=lost&party=NOPE").get_data(as_text=True)
    assert field_error(html, "status") and field_error(html, "party") == "Unknown party code."
    client.set_cookie("lang", "zh_Hans")
    html = client.get("/certificates/?party=NOPE").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and field_error(html, "party") == "未知的主体代码。"


def test_queue_is_for_inspectors_only(client, world):
    log_in(client, world["producer"])
    assert client.get("/certificates/").status_code == 403


def test_holders_list_shows_status_and_upcoming_expiries(client, world):
    today = local_today()
    soon = make_certificate(site=world["site"], valid_from=today - datetime.timedelta(days=320),
                            valid_to=today + datetime.timedelta(days=20), number="ORG-SOON-1")
    make_certificate(site=world["site"], valid_from=today, number="ORG-LATER-1")
    make_certificate(site=world["site"], valid_from=datetime.date(2020, 1, 1), number="ORG-OLD-1")
    make_certificate(site=make_site(), number="ORG-OTHER-1")
    log_in(client, world["producer"])
    html = client.get("/certificates/mine").get_data(as_text=True)
    assert "ORG-SOON-1" in html and "ORG-LATER-1" in html and "ORG-OLD-1" in html and "ORG-OTHER-1" not in html
    assert "1 certificate ends within 60 days" in html
    assert html.count("Ends soon") == 1 and "Expired" in html
    assert f"valid to {soon.valid_to}" in html
    client.set_cookie("lang", "zh_Hans")
    assert client.get("/certificates/mine").status_code == 200


def test_submit_form_shows_errors_beside_fields_and_writes_nothing(client, world):
    log_in(client, world["producer"])
    assert client.get("/certificates/new").status_code == 200
    form = {"kind": "green_food", "site": world["site"].code, "product": world["product"].code,
            "issuer": world["certifier"].code, "number": "LB-15-12", "valid_from": "2026-03-01",
            "valid_to": "2026-01-01"}
    with unchanged():
        response = client.post("/certificates/new", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not a valid number for this kind of certificate." in field_error(html, "number")
    assert "Please correct the fields marked below." in banner(html)
    form["number"] = "LB-15-19012700330A"
    with unchanged():
        html = client.post("/certificates/new", data=form).get_data(as_text=True)
    assert field_error(html, "valid_to") == "The end of validity is before its start."
    client.set_cookie("lang", "zh_Hans")
    with unchanged():
        html = client.post("/certificates/new", data=dict(form, valid_to="", issuer="NOPE")).get_data(as_text=True)
    assert field_error(html, "issuer") == "未知的主体代码。"
    form["valid_to"] = ""
    response = client.post("/certificates/new", data=form)
    assert response.status_code == 302
    cert = Certificate.get(Certificate.number == "LB-15-19012700330A")
    assert response.headers["Location"].endswith(f"/certificates/{cert.id}")
    assert (cert.status, cert.valid_to) == ("submitted", datetime.date(2029, 2, 28))


def test_review_forms_only_for_inspectors_of_another_party(client, world):
    cert = make_certificate(site=world["site"], status="submitted")
    log_in(client, world["producer"])
    html = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "Awaiting review" in html and "review-approve" not in html and 'name="file"' in html
    assert client.post(f"/certificates/{cert.id}/approve").status_code == 403
    log_in(client, make_user(party=world["producer"].party, role="inspector"))
    html = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "review-approve" not in html
    with unchanged():
        assert client.post(f"/certificates/{cert.id}/approve").status_code == 403
    assert Certificate.get_by_id(cert.id).status == "submitted"


def test_inspector_rejects_with_a_reason_and_suspends_from_a_date(client, world):
    cert = make_certificate(site=world["site"], status="submitted")
    log_in(client, world["inspector"])
    html = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "review-approve" in html and "review-reject" in html and "review-suspend" not in html
    with unchanged():
        response = client.post(f"/certificates/{cert.id}/reject", data={"reason": ""})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "reason") == "Give a reason."
    response = client.post(f"/certificates/{cert.id}/approve", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"Certificate {cert.number}: Approved." in flash(html)
    assert "review-suspend" in html and "review-revoke" in html and "review-approve" not in html
    with unchanged():
        response = client.post(f"/certificates/{cert.id}/approve")
    assert response.status_code == 409
    assert "does not allow this step" in banner(response.get_data(as_text=True))
    response = client.post(f"/certificates/{cert.id}/suspend",
                           data={"reason": "抽检不合格", "effective_on": "2026-06-01"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Suspended" in html and "from 2026-06-01" in html and "抽检不合格" in html
    assert world["inspector"].name in html
    client.set_cookie("lang", "zh_Hans")
    assert client.get(f"/certificates/{cert.id}").status_code == 200


def test_documents_on_the_certificate_page(client, world):
    cert = make_certificate(site=world["site"])
    log_in(client, world["producer"])
    with unchanged():
        response = client.post(f"/certificates/{cert.id}/documents",
                               data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "证书.pdf")},
                               content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "file") == "Upload a PDF, JPEG or PNG file."
    with unchanged():
        response = client.post(f"/certificates/{cert.id}/documents", data={}, content_type="multipart/form-data")
    assert field_error(response.get_data(as_text=True), "file") == "Choose a file."
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    response = client.post(f"/certificates/{cert.id}/documents",
                           data={"file": (io.BytesIO(png.getvalue()), "证书.png")},
                           content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Document 证书.png added." in flash(html)
    doc = cert.documents.get()
    assert f"/certificates/{cert.id}/documents/{doc.id}" in html
    download = client.get(f"/certificates/{cert.id}/documents/{doc.id}")
    assert download.data == png.getvalue() and download.mimetype == "image/png"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    log_in(client, make_user())
    assert client.get(f"/certificates/{cert.id}/documents/{doc.id}").status_code == 403
    assert client.get(f"/certificates/{cert.id}").status_code == 403


def test_an_upload_past_the_servers_limit_is_a_page_that_says_so(client, world, app):
    cert = make_certificate(site=world["site"])
    log_in(client, world["producer"])
    app.config["MAX_CONTENT_LENGTH"] = 1000
    app.config["WTF_CSRF_ENABLED"] = True  # the CSRF check reads the form first: it must not hide the reason
    response = client.post(f"/certificates/{cert.id}/documents", data=b"x" * 2000,
                           content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 413
    assert "The file is larger than 10 MB." in response.get_data(as_text=True)
