"""Property tests: generated valid numbers pass, every single-character typo fails,
masking keeps length and ends.  Check characters are computed here from the
standards' formulas, independently of the module's tables."""

from __future__ import annotations

import string
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from clerk.identity import (
    check_mobile,
    check_phone,
    check_resident_id,
    check_uscc,
    check_waybill,
    mask_id,
    mask_phone,
    mask_uscc,
)
from clerk.identity.masking import mask_middle

TODAY = date(2026, 11, 25)
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ANY_CHAR = string.digits + string.ascii_uppercase


def mod11_2(body: str) -> str:
    # ISO 7064 MOD 11-2: weight of position i (from the left, 1-based) is 2^(18-i) mod 11.
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body))
    return "10X98765432"[total % 11]


def mod31(body: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return USCC_ALPHABET[-total % 31]


@st.composite
def resident_ids(draw) -> str:
    province = draw(st.sampled_from(PROVINCES))
    rest = draw(st.text("0123456789", min_size=4, max_size=4))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.text("0123456789", min_size=3, max_size=3))
    body = f"{province}{rest}{birth:%Y%m%d}{seq}"
    return body + mod11_2(body)


USCC_PREFIXES = ["11", "12", "13", "19", "21", "31", "34", "51", "52", "53", "59", "71", "81",
                 "91", "92", "93", "A1", "N2", "Y1"]


@st.composite
def usccs(draw) -> str:
    body = (
        draw(st.sampled_from(USCC_PREFIXES))
        + draw(st.text("0123456789", min_size=6, max_size=6))
        + draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    )
    return body + mod31(body)


@given(resident_ids())
def test_generated_ids_pass(value):
    assert check_resident_id(value, today=TODAY).ok
    assert check_resident_id(value.lower(), today=TODAY).value == value


@given(resident_ids(), st.integers(0, 17), st.sampled_from(ANY_CHAR))
def test_every_single_character_change_of_an_id_fails(value, position, char):
    if char == value[position]:
        char = "7" if value[position] != "7" else "3"
    mutated = value[:position] + char + value[position + 1 :]
    result = check_resident_id(mutated, today=TODAY)
    assert not result.ok and result.reason


@given(resident_ids())
def test_all_single_substitutions_of_one_id_fail(value):
    for position in range(18):
        for char in ANY_CHAR:
            if char != value[position]:
                mutated = value[:position] + char + value[position + 1 :]
                assert not check_resident_id(mutated, today=TODAY).ok, mutated


@given(usccs())
def test_generated_usccs_pass_and_every_substitution_fails(value):
    assert check_uscc(value.lower()).value == value
    assert check_uscc(value).ok
    for position in range(18):
        for char in ANY_CHAR:
            if char != value[position]:
                mutated = value[:position] + char + value[position + 1 :]
                assert not check_uscc(mutated).ok, mutated


@given(st.text("0123456789", min_size=8, max_size=8), st.sampled_from(["EA", "EE", "RR", "CP"]))
def test_s10_generated_pass_and_a_wrong_check_digit_fails(serial, service):
    weighted = sum(int(c) * w for c, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7)))
    check = {10: 0, 11: 5}.get(11 - weighted % 11, 11 - weighted % 11)
    assert check_waybill(f"{service}{serial}{check}CN").ok
    for other in set("0123456789") - {str(check)}:
        assert not check_waybill(f"{service}{serial}{other}CN").ok


@given(
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
    st.sampled_from(["", "+86", "86", "+86 ", "0086"]),
    st.sampled_from(["", " ", "-"]),
)
def test_formatted_mobiles_normalise(second, rest, prefix, sep):
    digits = f"1{second}{rest}"
    typed = prefix + sep.join([digits[:3], digits[3:7], digits[7:]])
    assert check_mobile(typed).value == digits
    assert check_phone(typed).value == digits
    assert mask_phone(typed) == digits[:3] + "****" + digits[7:]


@given(resident_ids())
def test_id_masking_keeps_length_and_ends(value):
    masked = mask_id(value)
    assert len(masked) == 18
    assert masked[:4] == value[:4] and masked[-4:] == value[-4:]
    assert masked[4:14] == "*" * 10


@given(usccs())
def test_uscc_masking_keeps_length_and_ends(value):
    masked = mask_uscc(value)
    assert (len(masked), masked[:4], masked[-4:], masked[4:14]) == (18, value[:4], value[-4:], "*" * 10)


@given(st.text(ANY_CHAR, max_size=30), st.integers(0, 6), st.integers(0, 6))
def test_mask_middle_hides_at_least_half_of_short_values(text, head, tail):
    masked = mask_middle(text, head, tail)
    assert len(masked) == len(text)
    hidden = masked.count("*")
    if head + tail < len(text):
        assert masked.startswith(text[:head]) and masked.endswith(text[len(text) - tail :])
        assert hidden == len(text) - head - tail
    else:
        keep = len(text) // 4
        assert masked == text[:keep] + "*" * (len(text) - 2 * keep) + text[len(text) - keep :]
        assert hidden * 2 >= len(text)
