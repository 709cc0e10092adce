"""QR codes: a real decoder reads the printed URL back to the batch's page; images are cached and bounded."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image

from supply.services.public import qr
from tests.builders.factories import auth_header
from tests.builders.factories import make_batch
from tests.builders.factories import make_product
from tests.builders.factories import make_site
from tests.builders.factories import make_user


def decode(png: bytes) -> list[str]:
    """Decode every QR code of a PNG image."""
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)),
                                                                        formats=zxingcpp.BarcodeFormat.QRCode)]


def test_png_decodes_to_the_page_of_the_lot(client):
    batch = make_batch()
    response = client.get(f"/t/{batch.public_token}/qr.png?size=4")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    [url] = decode(response.data)
    assert url == f"https://trace.example.cn/t/{batch.public_token}"
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert batch.lot_code in page.get_data(as_text=True)


def test_svg_encodes_the_token_url_with_a_quiet_zone(client):
    batch = make_batch()
    response = client.get(f"/t/{batch.public_token}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<?xml") and b"<svg" in response.data
    assert response.data == qr.QrCodes().svg(f"https://trace.example.cn/t/{batch.public_token}")


def test_same_token_same_bytes_with_cache_headers_and_304(client):
    batch = make_batch()
    first = client.get(f"/t/{batch.public_token}/qr.png")
    second = client.get(f"/t/{batch.public_token}/qr.png")
    assert first.data == second.data
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = first.headers["ETag"]
    again = client.get(f"/t/{batch.public_token}/qr.png", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other_size = client.get(f"/t/{batch.public_token}/qr.png?size=3", headers={"If-None-Match": etag})
    assert other_size.status_code == 200


def test_images_are_made_once(app, client):
    batch = make_batch()
    url = f"https://trace.example.cn/t/{batch.public_token}"
    codes = app.extensions["qr_codes"] = qr.QrCodes()
    client.get(f"/t/{batch.public_token}/qr.png?size=5")
    client.get(f"/t/{batch.public_token}/qr.png?size=5")
    info = codes.png.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert qr.QrCodes().png(url, 5) == client.get(f"/t/{batch.public_token}/qr.png?size=5").data


def test_bad_sizes_are_refused(client):
    batch = make_batch()
    for size in ("0", "21", "99999999999999999999", "-1", "abc", "1.5", "", "٣"):
        response = client.get(f"/t/{batch.public_token}/qr.png?size={size}")
        assert response.status_code == 400, size


def test_unknown_and_malformed_tokens_are_404(client):
    for token in ("unknown-token-xyz", "a", "x" * 500, "%00abc", "abc%20def", "..%2F..%2Fetc"):
        assert client.get(f"/t/{token}/qr.png").status_code == 404, token
        assert client.get(f"/t/{token}/qr.svg").status_code == 404, token


def test_digital_link_style_encodes_the_gtin_uri(app, client):
    product = make_product(gtin="06901234567892")
    batch = make_batch(product=product, lot_code="VG260715-AB")
    app.config["LABEL_URL_STYLE"] = "digital_link"
    [url] = decode(client.get(f"/t/{batch.public_token}/qr.png?size=3").data)
    assert url == "https://trace.example.cn/01/06901234567892/10/VG260715-AB"
    plain = make_batch()
    [url] = decode(client.get(f"/t/{plain.public_token}/qr.png?size=3").data)
    assert url == f"https://trace.example.cn/t/{plain.public_token}"


def test_api_serves_the_same_images_to_those_who_see_the_batch(client):
    user = make_user()
    batch = make_batch(site=make_site(party=user.party))
    headers = auth_header(user)
    svg = client.get(f"/api/v1/batches/{batch.lot_code}/qr.svg", headers=headers)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data == client.get(f"/t/{batch.public_token}/qr.svg").data
    png = client.get(f"/api/v1/batches/{batch.lot_code}/qr.png?size=3", headers=headers)
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert decode(png.data) == [f"https://trace.example.cn/t/{batch.public_token}"]
    assert png.headers["Cache-Control"].startswith("public, max-age=31536000")
    assert client.get(f"/api/v1/batches/{batch.lot_code}/qr.png?size=50", headers=headers).status_code == 422
    assert client.get(f"/api/v1/batches/{batch.lot_code}/qr.svg").status_code == 401
    stranger = auth_header(make_user())
    assert client.get(f"/api/v1/batches/{batch.lot_code}/qr.svg", headers=stranger).status_code == 404


def test_openapi_documents_the_image_types(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "image/png" in spec["paths"]["/api/v1/batches/{lot_code}/qr.png"]["get"]["responses"]["200"]["content"]
    assert "image/svg+xml" in spec["paths"]["/api/v1/batches/{lot_code}/qr.svg"]["get"]["responses"]["200"]["content"]


def test_matrices_are_kept_on_disk_for_other_workers(app, client, monkeypatch):
    batch = make_batch()
    first = client.get(f"/t/{batch.public_token}/qr.svg").data
    folder = Path(app.instance_path) / "qr-cache"
    assert len(list(folder.glob("*.txt"))) >= 1
    app.extensions["qr_codes"] = qr.QrCodes(folder)  # another worker: nothing in its memory

    def no_generation(url):
        raise AssertionError("the matrix should come from the disk cache")

    monkeypatch.setattr(qr, "_make_matrix", no_generation)
    assert client.get(f"/t/{batch.public_token}/qr.svg").data == first
