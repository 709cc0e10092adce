"""The identifiers of the chain: credit codes, GTINs, lot codes, ear tags and public tokens."""

from __future__ import annotations

import datetime
import string

import pytest

from supply.identifiers import USCC_CHARS
from supply.identifiers import gtin_check_digit
from supply.identifiers import is_public_token
from supply.identifiers import is_valid_ear_tag
from supply.identifiers import is_valid_lot_code
from supply.identifiers import is_valid_uscc
from supply.identifiers import new_lot_code
from supply.identifiers import new_public_token
from supply.identifiers import normalise_gtin
from supply.identifiers import uscc_check_char

# GS1 General Specifications, figure 7.11-1: the 82 characters of AI (10).
GS1_AI10 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_real_credit_codes_are_valid(code):
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", [
    "91630100MA752XKP1H",  # looks right, but the check character is G
    "91350100M000100Y44",  # one off
    "91350100M000100Y4",  # 17 characters
    "91350100M000100Y433",  # 19 characters
    "91350100M0001O0Y43",  # O is not in the alphabet
    "91350100m000100y43",  # lower case (the API upper-cases first)
    "91350100M000100Y43\n",
    "",
])
def test_bad_credit_codes(code):
    assert not is_valid_uscc(code)


def test_check_character_of_a_known_body():
    assert uscc_check_char("91630100MA752XKP1") == "G"
    assert is_valid_uscc("91630100MA752XKP1G")


def test_credit_code_alphabet_leaves_out_i_o_s_v_z():
    assert len(USCC_CHARS) == 31
    assert not set("IOSVZ") & set(USCC_CHARS)


@pytest.mark.parametrize(("gtin", "gtin14"), [
    ("96385074", "00000096385074"),  # GTIN-8
    ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
    ("4006381333931", "04006381333931"),  # GTIN-13 (EAN-13)
    ("6901234567892", "06901234567892"),  # GTIN-13 with the Chinese 690 prefix
    ("10614141000415", "10614141000415"),  # GTIN-14
])
def test_good_gtins_normalise_to_14_digits(gtin, gtin14):
    assert normalise_gtin(gtin) == gtin14
    assert gtin_check_digit(gtin[:-1]) == gtin[-1]


@pytest.mark.parametrize("gtin", ["96385075", "036000291453", "4006381333932", "10614141000416", "123456789",
                                  "1234567890", "12345678901", "123456789012345", "4006381333931\n",
                                  "40063813339３1", "", "ABCDEFGH"])
def test_bad_gtins(gtin):
    assert normalise_gtin(gtin) is None


def test_lot_code_character_set_is_the_gs1_one():
    assert len(GS1_AI10) == 82
    for char in GS1_AI10:
        assert is_valid_lot_code(char * 2), repr(char)
    for char in set(string.printable) - set(GS1_AI10) | {"西", "é", "\u3000", "＃"}:
        assert not is_valid_lot_code(f"AB{char}1"), repr(char)


def test_lot_code_length():
    assert is_valid_lot_code("A")
    assert is_valid_lot_code("A" * 20)
    assert not is_valid_lot_code("A" * 21)
    assert not is_valid_lot_code("")
    assert not is_valid_lot_code("ABC\n")


def test_generated_lot_codes_fit_the_rules():
    codes = {new_lot_code("VG", datetime.date(2026, 7, 1)) for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert code.startswith("VG260701-") and len(code) == 14
        assert is_valid_lot_code(code)


def test_public_tokens_carry_at_least_64_random_bits():
    tokens = {new_public_token() for _ in range(100)}
    assert len(tokens) == 100
    for token in tokens:
        assert len(token) * 6 >= 64
        assert set(token) <= set(string.ascii_letters + string.digits + "-_")


def test_every_new_public_token_has_the_form_the_pages_accept():
    assert all(is_public_token(new_public_token()) for _ in range(100))
    assert not any(is_public_token(value) for value in ("Ab9-_xY", "Ab9-_xY0" * 4 + "z", "Ab9-_xY.", "Ab9 _xY0"))


@pytest.mark.parametrize("tag", ["263012100000001", "163012112345678", "111010100000000", "882999999999999"])
def test_good_ear_tags(tag):
    assert is_valid_ear_tag(tag)


@pytest.mark.parametrize("tag", [
    "26301210000001",  # 14 digits
    "2630121000000011",  # 16 digits
    "200012100000001",  # province 00
    "210012100000001",  # province 10
    "283012100000001",  # province 83
    "26301210000000A",
    "263012100000001\n",
    "２６３０１２１００００００００１",
    "",
])
def test_bad_ear_tags(tag):
    assert not is_valid_ear_tag(tag)
