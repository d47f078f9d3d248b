"""Bad input at the window's doors: IDs, credit codes, phones, waybills, scanner bursts, drafts.

Random text and single-character mutations of valid values (generated with
their real check characters by ``bench.hall_people``): no crash, every
rejection says why in Chinese, and every single-character typo in an ID,
a credit code or an S10 waybill is caught by its check character.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bench import hall_people
from clerk.identity import (
    check_mobile,
    check_phone,
    check_postcode,
    check_resident_id,
    check_uscc,
    check_waybill,
)
from clerk.identity.uscc import USCC_CHARS

CJK = re.compile(r"[\u4e00-\u9fff]")
SEEDS = st.integers(0, 2**32)
NOISE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
FAST = settings(max_examples=150, deadline=None)


def _rejected_in_chinese(check) -> None:
    assert not check.ok
    assert check.reason and CJK.search(check.reason), f"no Chinese reason: {check!r}"


#: What an accepted value looks like once normalised, written from the formats (ASCII only:
#: an ID, a phone or a waybill number goes into the store, onto paper and to EMS as typed).
SHAPES = {
    check_resident_id: re.compile(r"[0-9]{17}[0-9X]"),
    check_uscc: re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}"),
    check_mobile: re.compile(r"1[3-9][0-9]{9}"),
    check_phone: re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-[1-9][0-9]{6,7}(-[0-9]{1,6})?"),
    check_postcode: re.compile(r"[0-8][0-9]{5}"),
    check_waybill: re.compile(r"[0-9]{13}|[A-Z]{2}[0-9]{9}[A-Z]{2}"),
}
#: Text that looks like a number to ``str.isdigit`` and ``\d`` but is not ASCII: Arabic-Indic,
#: Devanagari, Thai, mathematical and other decimal digits, in the lengths the formats use.
LOOKALIKE_DIGITS = st.text(st.characters(categories=["Nd"]).filter(lambda c: not c.isascii()), min_size=1,
                           max_size=3).flatmap(lambda digits: st.sampled_from(
                               ["1" + "3" + digits * 9, "١٢٣٤٥٦", digits * 6, "0531-" + digits * 8, digits * 13,
                                "11010519491231002X"[:6] + digits * 11 + "X", "EA" + digits * 9 + "CN"]))


def _verdict_agrees_with_the_shape(check, text: str) -> None:
    result = check(text)
    if result.ok:
        assert SHAPES[check].fullmatch(result.value), (check.__name__, text, result)
        assert result.reason == ""
    else:
        _rejected_in_chinese(result)


@FAST
@given(st.one_of(NOISE, LOOKALIKE_DIGITS))
def test_random_text_never_crashes_a_check(text):
    for check in SHAPES:
        _verdict_agrees_with_the_shape(check, text)


@FAST
@given(NOISE.filter(lambda t: not any(c.isdigit() for c in unicodedata.normalize("NFKC", t))))
def test_text_without_digits_is_no_number(text):
    for check in (check_resident_id, check_mobile, check_phone, check_postcode):
        _rejected_in_chinese(check(text))


@FAST
@given(SEEDS, st.sampled_from(["{}", " {} ", "{}\n", "FULL"]))
def test_generated_valid_values_are_accepted_as_typed(seed, form):
    """Valid numbers (real check characters, from ``bench.hall_people``) pass, also with blanks
    around them or typed full-width through a Chinese IME, and come back normalised."""
    rng = random.Random(seed)
    values = {check_resident_id: hall_people.resident_id(rng), check_uscc: hall_people.uscc(rng),
              check_mobile: hall_people.mobile(rng), check_phone: hall_people.mobile(rng),
              check_waybill: hall_people.waybill(rng)}
    for check, valid in values.items():
        typed = valid.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}) if form == "FULL" else form.format(valid)
        result = check(typed)
        assert result.ok and result.value == valid, (check.__name__, typed, result)
        assert SHAPES[check].fullmatch(result.value)


@FAST
@given(SEEDS, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_character_typo_in_a_resident_id_is_caught(seed, position, char):
    valid = hall_people.resident_id(random.Random(seed))
    assert check_resident_id(valid).ok
    if valid[position] == char:
        return
    typo = valid[:position] + char + valid[position + 1:]
    _rejected_in_chinese(check_resident_id(typo))


@FAST
@given(SEEDS, st.integers(0, 17), st.sampled_from(USCC_CHARS + "IOSVZ"))
def test_every_single_character_typo_in_a_credit_code_is_caught(seed, position, char):
    valid = hall_people.uscc(random.Random(seed))
    assert check_uscc(valid).ok
    if valid[position] == char:
        return
    _rejected_in_chinese(check_uscc(valid[:position] + char + valid[position + 1:]))


@FAST
@given(SEEDS, st.integers(2, 10), st.sampled_from("0123456789"))
def test_every_digit_typo_in_an_s10_waybill_is_caught(seed, position, char):
    """Caught unless the UPU S10 scheme itself cannot: its check maps both remainders
    0 and 6 to "5", so a typo moving the sum between them keeps a valid number."""
    from clerk.identity import s10_check_digit

    valid = hall_people.waybill(random.Random(seed))
    if valid[position] == char:
        return
    typo = valid[:position] + char + valid[position + 1:]
    if s10_check_digit(typo[2:10]) == typo[10]:
        assert typo[10] == "5"  # the scheme's only blind spot
        assert check_waybill(typo).ok
        return
    _rejected_in_chinese(check_waybill(typo))


@FAST
@given(SEEDS, st.integers(0, 12), st.one_of(st.just(""), st.sampled_from("0123456789AZ-  ")))
def test_mangled_waybills_never_crash(seed, position, char):
    valid = hall_people.waybill(random.Random(seed))
    result = check_waybill(valid[:position] + char + valid[position + 1:])
    if not result.ok:
        _rejected_in_chinese(result)


# -- the barcode scanner (clerk/tui/scanner.py: the pure ScanDetector) -------------------------

KEYS = st.lists(st.tuples(st.one_of(st.none(), st.characters(blacklist_categories=("Cs",))),
                          st.floats(0, 0.2), st.booleans()), max_size=60)


@FAST
@given(KEYS, st.sampled_from(["", "@@", "SCAN:"]))
def test_any_key_stream_is_handled(events, prefix):
    from clerk.tui.scanner import ScanDetector

    now = [0.0]
    detector = ScanDetector(prefix=prefix, clock=lambda: now[0])
    for char, gap, enter in events:
        now[0] += gap
        if enter:
            scanned = detector.enter()
            assert scanned is None or isinstance(scanned, str)
            assert detector.pending == ""
        else:
            detector.key(char)
        assert isinstance(detector.pending, str)


@FAST
@given(st.dates(date(2000, 1, 1), date(9999, 12, 31)), st.integers(1, 99999), st.lists(st.floats(0.0005, 0.02), min_size=30, max_size=30),
       st.floats(0.0, 0.02), st.lists(st.sampled_from("abc12"), max_size=5), st.floats(0.3, 2.0))
def test_a_scanner_burst_after_typing_returns_exactly_the_burst(day, serial, gaps, before_enter, typed, pause):
    """Slow typing, a pause, then a scanner burst of a case number: the burst (and only it) is the scan."""
    from clerk.store.numbering import format_number
    from clerk.tui.scanner import ScanDetector

    number = format_number(day, "SF", serial)
    now = [0.0]
    detector = ScanDetector(clock=lambda: now[0], hall="SF")
    for char in typed:  # a clerk typing, 300 ms between keys
        now[0] += 0.3
        detector.key(char)
    now[0] += pause
    for char, gap in zip(number, gaps, strict=False):
        now[0] += gap
        detector.key(char)
    now[0] += before_enter
    assert detector.enter() == number
    assert detector.pending == ""


@FAST
@given(st.text(st.sampled_from("0123456789X -"), min_size=1, max_size=30), st.floats(0.0005, 0.02))
def test_a_device_burst_that_is_no_case_number_is_never_a_scan(burst, gap):
    """An ID-card reader, a pasted phone, a fast password: fast, but not a case number of this hall."""
    from clerk.tui.scanner import ScanDetector

    now = [0.0]
    detector = ScanDetector(clock=lambda: now[0], hall="SF")
    for char in burst:
        now[0] += gap
        detector.key(char)
    now[0] += gap
    assert detector.enter() is None


# -- a whole draft at the intake door (CaseService.preview) ----------------------------------------

@settings(max_examples=60, deadline=None)
@given(NOISE, NOISE, NOISE, NOISE, st.sampled_from(["个人", "单位"]))
def test_random_applicants_get_chinese_problems_not_crashes(name, id_number, phone, address, kind):
    from clerk.domain.intake import Applicant, ApplicantKind

    applicant = Applicant(ApplicantKind(kind), name, id_number, phone, address, postcode=phone[:6])
    for problem in applicant.problems(need_address=True):
        assert CJK.search(problem), problem
