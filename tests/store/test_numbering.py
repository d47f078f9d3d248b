from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk.store.numbering import allocate_number, format_number, parse_number


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2999, 12, 31)),
       st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True), st.integers(1, 99999))
def test_numbers_are_ascii_and_round_trip(day, hall, serial):
    number = format_number(day, hall, serial)
    assert number.isascii() and " " not in number
    assert parse_number(number) == (day, hall, serial)
    assert parse_number(number.lower()) == (day, hall, serial)


@pytest.mark.parametrize("text", ["", "20261125-SF-7", "2026112-SF-0001", "20261345-SF-0001", "20261125_SF_0001"])
def test_malformed_numbers_do_not_parse(text):
    assert parse_number(text) is None


def test_serials_are_gap_free_and_rollback_returns_the_serial(store):
    day = date(2026, 11, 25)
    with store.session() as session:
        assert allocate_number(session, day, "SF") == "20261125-SF-0001"
        assert allocate_number(session, day, "SF") == "20261125-SF-0002"
        assert allocate_number(session, day, "LC") == "20261125-LC-0001"
        assert allocate_number(session, date(2026, 11, 26), "SF") == "20261126-SF-0001"
    with pytest.raises(RuntimeError):
        with store.session() as session:
            assert allocate_number(session, day, "SF") == "20261125-SF-0003"
            raise RuntimeError("intake failed after numbering")
    with store.session() as session:
        assert allocate_number(session, day, "SF") == "20261125-SF-0003"
