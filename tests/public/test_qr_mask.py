"""The faster mask search draws exactly the code qrcode draws, and every code of a sheet decodes."""

from __future__ import annotations

import io
import random
import string

import pytest
import qrcode
import zxingcpp
from PIL import Image
from qrcode import util
from qrcode.constants import ERROR_CORRECT_H
from qrcode.constants import ERROR_CORRECT_L
from qrcode.constants import ERROR_CORRECT_M

from supply.services.public import qr
from supply.services.public import qr_mask

ALPHABET = string.ascii_letters + string.digits + "-_"


def urls(count: int, seed: int) -> list[str]:
    """Return URLs of many lengths (QR versions 2 to 10 and beyond), reproducibly."""
    rng = random.Random(seed)
    lengths = (1, 8, 16, 22, 32, 45, 64, 100, 150, 230)
    return [f"https://trace.example.cn/t/{''.join(rng.choice(ALPHABET) for _ in range(rng.choice(lengths)))}"
            for _ in range(count)]


@pytest.mark.parametrize("level", [ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_H])
def test_same_code_as_qrcode_draws(level):
    for url in urls(60, seed=level):
        theirs = qrcode.QRCode(error_correction=level, border=4)
        theirs.add_data(url)
        theirs.make(fit=True)
        ours = qr_mask.QRCode(error_correction=level, border=4)
        ours.add_data(url)
        ours.make(fit=True)
        assert ours.get_matrix() == theirs.get_matrix(), url


def test_same_mask_and_penalty_on_every_pattern():
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(urls(1, seed=9)[0])
    code.best_fit()
    ours = qr_mask.QRCode(error_correction=ERROR_CORRECT_M)
    ours.add_data(urls(1, seed=9)[0])
    ours.best_fit()
    assert ours.best_mask_pattern() == code.best_mask_pattern()
    for pattern in range(8):
        code.makeImpl(True, pattern)
        rows = [int("".join("1" if dark else "0" for dark in row), 2) for row in code.modules]
        assert qr_mask.penalty(rows, code.modules_count) == util.lost_point(code.modules), pattern


def test_a_fixed_mask_is_left_to_qrcode():
    url = urls(1, seed=3)[0]
    theirs = qrcode.QRCode(mask_pattern=5)
    theirs.add_data(url)
    ours = qr_mask.QRCode(mask_pattern=5)
    ours.add_data(url)
    assert ours.get_matrix() == theirs.get_matrix()


def test_every_code_of_a_sheet_decodes():
    codes = qr.QrCodes()
    sheet = [f"https://trace.example.cn/t/{token}" for token in
             ("".join(random.Random(i).choice(ALPHABET) for _ in range(22)) for i in range(24))]
    for url in sheet:
        image = Image.open(io.BytesIO(codes.png(url, 3)))
        found = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
        assert found == [url]
