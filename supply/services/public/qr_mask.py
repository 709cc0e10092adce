"""The QR mask search of the `qrcode` package, the same choice made several times faster.

`qrcode` picks the best of the eight masks by laying the data out eight times and scoring each layout with
four penalty rules in pure Python: some 3 ms of a label's 3.5 ms. Here the data is laid out once; the other
seven layouts differ from it only on the data modules, where the masks flip, so each is the first XOR two
precomputed bit masks, row by row. The penalty rules are then counted on rows and columns held as integers
and as strings of 0 and 1 (C-speed regular expressions and bit counts). The rules, the test layout (format
bits light) and the tie-break (the lowest mask wins) are qrcode's own, so the code drawn is bit for bit the
one `qrcode` draws (tests/test_qr_mask.py compares them on many URLs).
"""

from __future__ import annotations

import re

import qrcode
from qrcode import util
from qrcode.main import copy_2d_array
from qrcode.main import precomputed_qr_blanks

RUN = re.compile(r"0{5,}|1{5,}")
FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")
_flips: dict[int, tuple[tuple[int, ...], ...]] = {}


def _bits(row) -> int:
    """Turn a row of modules into an integer, the leftmost module the highest bit."""
    return int("".join("1" if dark else "0" for dark in row), 2)


def _data_flips(code: qrcode.QRCode) -> tuple[tuple[int, ...], ...]:
    """Return, per mask, the row bit masks of the data modules that mask flips (made once per version)."""
    version = code.version
    found = _flips.get(version)
    if found is not None:
        return found
    saved = code.modules
    code.modules = copy_2d_array(precomputed_qr_blanks[version])
    try:
        code.setup_type_info(True, 0)
        if version >= 7:
            code.setup_type_number(True)
        free = [[module is None for module in row] for row in code.modules]
    finally:
        code.modules = saved
    n = len(free)
    found = tuple(
        tuple(_bits(free[i][j] and flips(i, j) for j in range(n)) for i in range(n))
        for flips in (util.mask_func(pattern) for pattern in range(8))
    )
    _flips[version] = found
    return found


def penalty(rows: list[int], n: int) -> int:
    """Score a layout (rows as integers of `n` bits) by qrcode's four rules (`qrcode.util.lost_point`)."""
    lines = [format(row, f"0{n}b") for row in rows]
    # Rows and columns in one text, one per line: no run or pattern of 0 and 1 spans a line break.
    text = "\n".join(lines) + "\n" + "\n".join("".join(column) for column in zip(*lines, strict=True))
    runs = RUN.findall(text)
    full = (1 << n) - 1
    blocks = 0
    for upper, lower in zip(rows, rows[1:], strict=False):
        same = ~(upper ^ lower) & full
        blocks += (same & (same >> 1) & ~(upper ^ (upper >> 1)) & (full >> 1)).bit_count()
    dark = sum(row.bit_count() for row in rows)
    balance = int(abs(float(dark) / (n**2) * 100 - 50) / 5) * 10
    return sum(map(len, runs)) - 2 * len(runs) + 3 * blocks + 40 * len(FINDER_LIKE.findall(text)) + balance


class QRCode(qrcode.QRCode):
    """qrcode's QRCode with the same mask choice made faster."""

    def make(self, fit: bool = True) -> None:
        """Lay the code out as `qrcode.QRCode.make` does; without a fixed mask, search it here and reuse its layout."""
        if fit or self._version is None:
            self.best_fit(start=self._version)
        if self.mask_pattern is not None:
            super().make(fit=False)
            return
        rows, pattern = self._search()
        n = self.modules_count
        # The layout of the chosen mask, with its format (and version) bits drawn as makeImpl(False, ...) draws them.
        self.modules = [[bit == "1" for bit in format(row, f"0{n}b")] for row in rows]
        self.setup_type_info(False, pattern)
        if self.version >= 7:
            self.setup_type_number(False)

    def best_mask_pattern(self) -> int:
        """Return the mask with the lowest penalty, the lowest-numbered on a tie, as qrcode does."""
        return self._search()[1]

    def _search(self) -> tuple[list[int], int]:
        """Return the test layout (format bits light) of the best mask, as rows of bits, and that mask."""
        self.makeImpl(True, 0)
        n = self.modules_count
        first = [_bits(row) for row in self.modules]
        flips = _data_flips(self)
        best, best_rows, best_score = 0, first, None
        for pattern in range(8):
            rows = first if pattern == 0 else [
                row ^ a ^ b for row, a, b in zip(first, flips[0], flips[pattern], strict=True)]
            score = penalty(rows, n)
            if best_score is None or score < best_score:
                best, best_rows, best_score = pattern, rows, score
        return best_rows, best
