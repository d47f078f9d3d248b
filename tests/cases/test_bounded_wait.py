"""``clerk.services.bounded``: a store call never holds its caller longer than the limit."""

from __future__ import annotations

import threading

import pytest

from clerk.services.bounded import Attempt, StoreTooSlow, within
from clerk.services.visits import SaveNotKnown
from clerk.store.errors import StoreUnavailable


def test_the_result_and_the_error_of_the_call_come_back() -> None:
    assert within(5.0, lambda: 41 + 1) == 42
    assert within(5.0, lambda: None) is None  # a call that answers None answered

    def refuse() -> int:
        raise ValueError("拒绝")

    with pytest.raises(ValueError, match="拒绝"):
        within(5.0, refuse)


def test_a_call_that_does_not_answer_in_time_is_too_slow_and_may_still_finish() -> None:
    release = threading.Event()
    attempt = Attempt(lambda: release.wait(10.0) and "saved")

    with pytest.raises(StoreTooSlow) as raised:
        attempt.result(0.05)
    assert isinstance(raised.value, StoreUnavailable)  # screens treat it as an outage
    assert not attempt.done.is_set()

    release.set()
    assert attempt.result(5.0) == "saved"  # the late outcome is still there for whoever joins
    assert attempt.done.is_set()


def test_the_caller_chooses_the_error_of_a_late_answer() -> None:
    release = threading.Event()
    attempt = Attempt(lambda: release.wait(10.0))
    try:
        with pytest.raises(SaveNotKnown):
            attempt.result(0.05, too_slow=SaveNotKnown)
    finally:
        release.set()
