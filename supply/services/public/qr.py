"""QR codes of the batches' public URLs (token URL or GS1 Digital Link URI), as SVG and PNG, made once."""

from __future__ import annotations

import hashlib
import io
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from supply.identifiers import normalise_gtin
from supply.models import Batch
from supply.services.public.qr_mask import QRCode

BORDER = 4
MIN_SIZE = 1
MAX_SIZE = 20
DEFAULT_SIZE = 8
LABEL_STYLES = ("token", "digital_link")


def token_url(base_url: str, token: str) -> str:
    """Return the public page URL of a token."""
    return f"{base_url.rstrip('/')}/t/{quote(token, safe='')}"


def digital_link_uri(base_url: str, gtin: str, lot_code: str) -> str:
    """Return the GS1 Digital Link URI of a lot of a product with a GTIN (GTIN-14, lot percent-encoded)."""
    return f"{base_url.rstrip('/')}/01/{normalise_gtin(gtin) or gtin}/10/{quote(lot_code, safe='')}"


def label_url(batch: Batch, base_url: str, style: str = "token") -> str:
    """Return the URL a batch's label encodes: the Digital Link URI when chosen and possible, else the token URL."""
    gtin = batch.product.gtin
    if style == "digital_link" and gtin and normalise_gtin(gtin):
        return digital_link_uri(base_url, gtin, batch.lot_code)
    return token_url(base_url, batch.public_token)


def configured_url(batch: Batch, config) -> str:
    """Return the URL a batch's QR code encodes under an app's settings (`PUBLIC_BASE_URL`, `LABEL_URL_STYLE`)."""
    return label_url(batch, config["PUBLIC_BASE_URL"], config.get("LABEL_URL_STYLE", "token"))


def _make_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    code = QRCode(error_correction=ERROR_CORRECT_M, border=BORDER)
    code.add_data(url)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


class QrCodes:
    """One app's QR codes, made once: kept in memory and, with a folder, on disk for every worker and restart.

    Choosing the best of the eight masks is most of the cost (some 1.5 ms with supply.services.public.qr_mask, the
    same choice as qrcode's own 3.5 ms search), so a URL's matrix is kept in memory and, when a folder is given, as
    rows of 0 and 1 in a file (written under a temporary name, then renamed). The app keeps one in `app.extensions`.
    """

    def __init__(self, folder: Path | None = None):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.matrix = lru_cache(maxsize=4096)(self._matrix)
        self.svg = lru_cache(maxsize=4096)(lambda url: svg_of(self.matrix(url)))
        self.png = lru_cache(maxsize=1024)(lambda url, size=DEFAULT_SIZE: png_of(self.matrix(url), size))

    def _matrix(self, url: str) -> tuple[tuple[bool, ...], ...]:
        """Return the modules of a URL's QR code, quiet zone included (True is dark)."""
        if self.folder is None:
            return _make_matrix(url)
        path = self.folder / f"{hashlib.sha256(url.encode()).hexdigest()}.txt"
        try:
            return tuple(tuple(c == "1" for c in line) for line in path.read_text().split())
        except FileNotFoundError:
            pass
        modules = _make_matrix(url)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text("\n".join("".join("1" if dark else "0" for dark in row) for row in modules))
        os.replace(temporary, path)
        return modules


def _runs(row: tuple[bool, ...]):
    """Yield (start, length) of each run of dark modules in a row."""
    x, width = 0, len(row)
    while x < width:
        if row[x]:
            start = x
            while x < width and row[x]:
                x += 1
            yield start, x - start
        else:
            x += 1


def svg_of(modules: tuple[tuple[bool, ...], ...]) -> bytes:
    """Draw a QR code's modules as a scalable SVG: one path of dark runs, 1 unit per module."""
    n = len(modules)
    path = "".join(f"M{x},{y}h{length}v1h-{length}z" for y, row in enumerate(modules) for x, length in _runs(row))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" width="{n * DEFAULT_SIZE}" '
        f'height="{n * DEFAULT_SIZE}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    ).encode()


def svg_unkept(text: str) -> bytes:
    """Draw the QR code of a text that must not be kept on disk (an authenticator's secret key)."""
    return svg_of(_make_matrix(text))


def png_of(modules: tuple[tuple[bool, ...], ...], size: int = DEFAULT_SIZE) -> bytes:
    """Draw a QR code's modules as a PNG with `size` pixels per module."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"size must be {MIN_SIZE}..{MAX_SIZE}")
    n = len(modules)
    image = Image.new("1", (n, n), 1)
    image.putdata([0 if dark else 1 for row in modules for dark in row])
    buffer = io.BytesIO()
    image.resize((n * size, n * size), Image.Resampling.NEAREST).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
