"""Check and normalise the identifiers of the chain: credit codes, GTINs, lot codes, ear tags, public tokens."""

from __future__ import annotations

import re
import secrets

# GS1 General Specifications, figure 7.11-1: the 82 characters allowed in AI (10).
LOT_CODE_RE = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
EAR_TAG_RE = re.compile(r"^[0-9]{15}$")
GTIN_RE = re.compile(r"^(?:[0-9]{8}|[0-9]{12,14})$")

# GB 32100-2015: the 31 characters of the Unified Social Credit Code (no I, O, S, V, Z).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(rf"^[{USCC_CHARS}]{{18}}$")

LOT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# The public token of a QR code: 96 random bits in the URL-safe base64 alphabet (16 characters; DOMAIN.md §4).
PUBLIC_TOKEN_BYTES = 12
PUBLIC_TOKEN_MAX_LENGTH = 32
# A token as a URL may carry it: that alphabet, 8 characters up to the column's width. Anything else names no
# batch and is refused before a query, by the scan page's fast path and by Flask alike.
PUBLIC_TOKEN_RE = re.compile(rf"^[A-Za-z0-9_-]{{8,{PUBLIC_TOKEN_MAX_LENGTH}}}$")


def uscc_check_char(first17: str) -> str:
    """Return the check character of a Unified Social Credit Code from its first 17 characters."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """Tell whether an 18-character Unified Social Credit Code is well formed with a correct check character."""
    return bool(USCC_RE.fullmatch(code)) and uscc_check_char(code[:17]) == code[17]


def gtin_check_digit(body: str) -> str:
    """Return the GS1 mod-10 check digit for the digits before it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def normalise_gtin(value: str) -> str | None:
    """Return the GTIN-14 for a GTIN-8/12/13/14 with a correct check digit, else None."""
    if not GTIN_RE.fullmatch(value):
        return None
    if gtin_check_digit(value[:-1]) != value[-1]:
        return None
    return value.zfill(14)


def is_valid_lot_code(value: str) -> bool:
    """Tell whether a lot code fits GS1 AI (10): 1 to 20 characters of the GS1 set."""
    return bool(LOT_CODE_RE.fullmatch(value))


def is_valid_ear_tag(value: str) -> bool:
    """Tell whether an ear tag is 15 digits: species code, county code (province 11-82), serial."""
    return bool(EAR_TAG_RE.fullmatch(value)) and 11 <= int(value[1:3]) <= 82


def new_lot_code(prefix: str, day) -> str:
    """Make a lot code such as VG261125-7K3Q9 from a two-letter prefix and a date."""
    suffix = "".join(secrets.choice(LOT_ALPHABET) for _ in range(5))
    return f"{prefix}{day:%y%m%d}-{suffix}"


def new_public_token() -> str:
    """Make an unguessable public token for a QR code (96 random bits, URL-safe)."""
    return secrets.token_urlsafe(PUBLIC_TOKEN_BYTES)


def is_public_token(value: str) -> bool:
    """Tell whether a value has the form of a public token (it may still name no batch)."""
    return bool(PUBLIC_TOKEN_RE.fullmatch(value))
