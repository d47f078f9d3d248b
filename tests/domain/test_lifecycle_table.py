"""The transition table: every state reachable from intake, terminal states stay terminal."""

from __future__ import annotations

import pytest

from clerk.domain import TRANSITIONS, CaseState, TransitionError, check_transition


def reachable_from(start: CaseState) -> set[CaseState]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_every_state_is_reachable_from_intake():
    assert reachable_from(CaseState.RECEIVED) == set(CaseState)


def test_every_open_state_can_reach_a_finished_state():
    for state in CaseState:
        assert any(not s.is_open for s in reachable_from(state)), state


@pytest.mark.parametrize("state", [CaseState.NOT_ACCEPTED, CaseState.REVOKED])
def test_finished_states_allow_nothing(state):
    assert not state.is_open
    with pytest.raises(TransitionError, match="已是终态"):
        check_transition("20261125-SF-0001", state, CaseState.ACCEPTED)


@pytest.mark.parametrize("state", [CaseState.CLOSED, CaseState.DONE_ON_THE_SPOT])
def test_finished_approvals_may_only_be_revoked(state):
    """告知承诺制: a false commitment revokes an approval even after the case is finished."""
    assert not state.is_open
    assert TRANSITIONS[state] == {CaseState.REVOKED}
    with pytest.raises(TransitionError, match="只能转为：已撤销"):
        check_transition("20261125-SF-0001", state, CaseState.ACCEPTED)


def test_refusals_and_untaken_cases_cannot_be_revoked():
    for state in (CaseState.NOT_ACCEPTED, CaseState.REFUSED, CaseState.INCOMPLETE, CaseState.RECEIVED):
        assert CaseState.REVOKED not in TRANSITIONS[state], state


def test_illegal_transition_names_the_case_and_what_is_allowed():
    with pytest.raises(TransitionError) as err:
        check_transition("20261125-SF-0002", CaseState.INCOMPLETE, CaseState.APPROVED)
    message = str(err.value)
    assert "20261125-SF-0002" in message and "待补正" in message and "准予许可" in message
    assert "已受理" in message  # the allowed targets are named


def test_no_shortcut_from_intake_to_a_decision():
    for decided in (CaseState.APPROVED, CaseState.REFUSED, CaseState.CORRECTION):
        assert decided not in TRANSITIONS[CaseState.RECEIVED]
