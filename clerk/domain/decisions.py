"""The back office's decisions (后台审批结果): what each does to a case, what it prints, and the
confirmation the clerk reads before it is recorded (a decision prints a notice to a citizen: it
is confirmed like an intake)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clerk.catalog.model import Delivery
from clerk.domain.errors import IntakeError
from clerk.domain.lifecycle import CaseState
from clerk.domain.notices import NoticeKind
from clerk.domain.views import CaseView, Decision

#: the case's state after each decision, and the notice it prints
DECISION_STATE = {
    Decision.APPROVED: (CaseState.APPROVED, NoticeKind.RESULT_READY),
    Decision.CORRECTION: (CaseState.CORRECTION, NoticeKind.RESULT_CORRECTION),
    Decision.REFUSED: (CaseState.REFUSED, NoticeKind.RESULT_REFUSED),
}

DECISION_LABELS = {
    Decision.APPROVED: "准予许可",
    Decision.CORRECTION: "需补正",
    Decision.REFUSED: "不予许可",
}


def decision_reason(decision: Decision, reason: str, items: Sequence[str]) -> str:
    """What the case records (and its notice prints) as the decision's reason: the numbered correction
    items (补正内容), the refusal's reason, or the optional note of an approval.  ``IntakeError`` when a
    correction lists nothing or a refusal gives no reason."""
    listed = [i.strip() for i in items if i.strip()]
    if decision is Decision.CORRECTION:
        if not listed:
            raise IntakeError(["需补正时须列明补正内容"])
        return "；".join(f"{n}. {text}" for n, text in enumerate(listed, 1))
    if decision is Decision.REFUSED and not reason.strip():
        raise IntakeError(["不予许可须写明理由"])
    return reason.strip()


@dataclass(frozen=True)
class DecisionPreview:
    """What recording a decision will do, read by the clerk before F10 confirms it."""

    number: str
    name: str  # the item
    applicant: str
    decision: Decision
    state: CaseState  # the case's state after it
    notice: NoticeKind  # printed now, for the applicant
    reason: str  # as recorded and printed
    by_mail: bool  # the notice goes out by EMS (else the applicant is told to collect it)

    def lines(self) -> list[str]:
        label = DECISION_LABELS[self.decision]
        out = [f"{self.number}  {self.name}", f"申请人：{self.applicant}",
               f"审批结果：{label} → 案件状态“{self.state.value}”"]
        if self.reason:
            out.append(("补正内容：" if self.decision is Decision.CORRECTION else
                        "不予许可理由：" if self.decision is Decision.REFUSED else "说明：") + self.reason)
        out.append(f"将打印：{self.notice.title}" + ("，并列入EMS待寄清单" if self.by_mail else "，请通知申请人到窗口领取"))
        return out


def preview_decision(case: CaseView, decision: Decision, reason: str, items: Sequence[str]) -> DecisionPreview:
    """The confirmation of ``decision`` on ``case``; ``IntakeError`` as ``decision_reason`` says."""
    decision = Decision(decision)
    state, notice = DECISION_STATE[decision]
    return DecisionPreview(case.number, case.name, case.applicant.name, decision, state, notice,
                           decision_reason(decision, reason, items), Delivery(case.delivery) is Delivery.EMS)
