"""Case states and the transitions the law and the hall allow between them.

The table below is the single source of truth: the store refuses any change it
does not list, and the property tests check that no sequence of actions leaves
a case outside it.
"""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    RECEIVED = "已收件"  # transient: inside the intake transaction only
    DONE_ON_THE_SPOT = "即办办结"  # 即办件
    ACCEPTED = "已受理"  # 承诺件, waiting for the back office
    INCOMPLETE = "待补正"  # at the fallback desk, one-time notice issued
    TOLERATED = "容缺受理"  # accepted with tolerated missing materials
    NOT_ACCEPTED = "不予受理"
    APPROVED = "准予许可"  # back office: meets conditions, result ready
    CORRECTION = "需补正"  # back office: correction needed (补正通知书)
    REFUSED = "不予许可"  # back office: refused (不予许可通知书)
    MAILED = "已寄出"  # result handed to EMS
    PICKED_UP = "已领取"  # result picked up at the window
    CLOSED = "已办结"
    REVOKED = "已撤销"  # 告知承诺 found false: the approval (or acceptance) revoked (撤销决定书)

    @property
    def is_open(self) -> bool:
        """Still owes the applicant something (counts in the hall's open load)."""
        return self not in _FINISHED


_FINISHED = frozenset({CaseState.NOT_ACCEPTED, CaseState.CLOSED, CaseState.DONE_ON_THE_SPOT, CaseState.REVOKED})

# state → states it may move to (a taken case may also be revoked: ``_REVOCABLE`` below)
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.RECEIVED: frozenset(
        {
            CaseState.DONE_ON_THE_SPOT,
            CaseState.ACCEPTED,
            CaseState.INCOMPLETE,
            CaseState.TOLERATED,
            CaseState.NOT_ACCEPTED,
        }
    ),
    # Supplements complete the case (accepted), leave only tolerable gaps, or
    # the applicant withdraws / cannot qualify.
    CaseState.INCOMPLETE: frozenset({CaseState.ACCEPTED, CaseState.TOLERATED, CaseState.NOT_ACCEPTED}),
    # 容缺: the promised materials arrive (accepted) or are not supplied in time.
    CaseState.TOLERATED: frozenset({CaseState.ACCEPTED, CaseState.NOT_ACCEPTED}),
    CaseState.ACCEPTED: frozenset({CaseState.APPROVED, CaseState.CORRECTION, CaseState.REFUSED}),
    # After a correction notice the supplied correction goes back to the back office.
    CaseState.CORRECTION: frozenset({CaseState.ACCEPTED, CaseState.MAILED, CaseState.PICKED_UP, CaseState.CLOSED}),
    CaseState.APPROVED: frozenset({CaseState.MAILED, CaseState.PICKED_UP}),
    CaseState.REFUSED: frozenset({CaseState.MAILED, CaseState.PICKED_UP, CaseState.CLOSED}),
    CaseState.MAILED: frozenset({CaseState.CLOSED}),
    CaseState.PICKED_UP: frozenset({CaseState.CLOSED}),
    CaseState.DONE_ON_THE_SPOT: frozenset(),
    CaseState.NOT_ACCEPTED: frozenset(),
    CaseState.CLOSED: frozenset(),
    CaseState.REVOKED: frozenset(),
}
# 告知承诺制: a commitment found false (不实) revokes what it obtained — the acceptance, or the
# approval even after the result was handed over or the case closed.  A refused case obtained
# nothing (the store checks that a closed case was not a refusal).
_REVOCABLE = (CaseState.DONE_ON_THE_SPOT, CaseState.ACCEPTED, CaseState.TOLERATED, CaseState.CORRECTION,
              CaseState.APPROVED, CaseState.MAILED, CaseState.PICKED_UP, CaseState.CLOSED)
for _state in _REVOCABLE:
    TRANSITIONS[_state] = TRANSITIONS[_state] | {CaseState.REVOKED}


class TransitionError(ValueError):
    """An action the case's current state does not allow (the store is unchanged)."""

    def __init__(self, number: str, current: CaseState, target: CaseState):
        self.number, self.current, self.target = number, current, target
        allowed = "、".join(s.value for s in sorted(TRANSITIONS[current], key=list(CaseState).index))
        hint = f"当前状态只能转为：{allowed}" if allowed else "该状态已是终态"
        super().__init__(f"案件 {number} 当前状态为“{current.value}”，不能转为“{target.value}”（{hint}）")


def can_transition(current: CaseState, target: CaseState) -> bool:
    return target in TRANSITIONS[current]


def check_transition(number: str, current: CaseState, target: CaseState) -> None:
    if not can_transition(current, target):
        raise TransitionError(number, current, target)
