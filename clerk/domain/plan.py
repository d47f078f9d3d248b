"""Planning an intake (pure): which cases, states, deadlines, notices.

``preview`` shows the plan; ``submit`` writes exactly the same plan, so what
the clerk saw before pressing the key is what gets stored.  A bundle becomes a
parent case plus one child case per item, each child with its own checklist
(the item's part of the merged one) and its own state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from clerk.calendar import WorkCalendar
from clerk.catalog.errors import ChecklistError
from clerk.catalog.model import (
    Bundle,
    Checklist,
    Delivery,
    HandlingRegion,
    ItemKind,
    LimitUnit,
    ServiceItem,
    TimeLimit,
)
from clerk.domain.deadlines import NOTICE_LIMIT_DAYS, latest_limit, local_date, make_deadline
from clerk.domain.errors import IntakeError
from clerk.domain.intake import (
    OUTCOME_LABELS,
    IntakeDraft,
    MaterialMark,
    MaterialStatus,
    Outcome,
    Verdict,
    VerdictState,
    assess,
    child_name_problems,
)
from clerk.domain.lifecycle import CaseState, check_transition
from clerk.domain.notices import NoticeKind
from clerk.domain.verification import VerificationPlan, plan_verifications
from clerk.domain.views import Deadline, DeadlineKind, NoticeLine
from clerk.identity.text import NOTE_MAX, text_problems

if TYPE_CHECKING:
    from clerk.catalog.catalog import Catalog


@dataclass
class CasePlan:
    code: str
    name: str
    department: str
    is_bundle: bool
    item_kind: str
    checklist: Checklist
    marks: dict[str, MaterialMark]
    verdict: Verdict
    state: CaseState
    deadlines: list[Deadline] = field(default_factory=list)
    notice: tuple[NoticeLine, ...] | None = None
    documents: list[NoticeKind] = field(default_factory=list)
    children: list[CasePlan] = field(default_factory=list)
    verifications: list[VerificationPlan] = field(default_factory=list)  # 告知承诺: to verify afterwards
    region: HandlingRegion | None = None  # 跨域通办: decided by another region (办理地), taken in here


def window_promise(item: ServiceItem) -> TimeLimit:
    """What this hall's window promises for ``item``: its own limit; for another region's item
    (跨域通办) the handling region's limit plus the transfer time the alliance agreement allows,
    in working days (counted on this hall's calendar)."""
    if item.region is None:
        return item.promised
    own = 0 if item.promised_unit is LimitUnit.IMMEDIATE else item.promised_days
    return TimeLimit(own + item.region.transfer_days, LimitUnit.WORKING_DAYS)


def notice_lines(verdict: Verdict) -> tuple[NoticeLine, ...]:
    """Everything still to bring, in full (一次告知): missing and tolerated."""
    lines: list[NoticeLine] = []
    for req in (*verdict.missing, *verdict.tolerated):
        for entry in req.entries:
            m = entry.material
            choice = (m.alt_group or "") if len(req.entries) > 1 else ""
            lines.append(NoticeLine(m.key, m.name, m.form.value, m.copies, m.requirement, entry.needed_by, choice))
    return tuple(lines)


def state_for(outcome: Outcome, verdict: Verdict, on_the_spot: bool) -> CaseState:
    if outcome is Outcome.REJECT:
        return CaseState.NOT_ACCEPTED
    if verdict.state is VerdictState.COMPLETE:
        return CaseState.DONE_ON_THE_SPOT if on_the_spot else CaseState.ACCEPTED
    if outcome is Outcome.TOLERATE and verdict.state is VerdictState.TOLERABLE:
        return CaseState.TOLERATED
    return CaseState.INCOMPLETE


def supply_deadline(
    calendar: WorkCalendar, start: date, promised_days: int | TimeLimit, marks: dict[str, MaterialMark],
    verdict: Verdict,
) -> Deadline:
    tolerated_keys = {e.material.key for req in verdict.tolerated for e in req.entries}
    asked = [m.supply_by for k, m in marks.items() if k in tolerated_keys and m.supply_by]
    return make_deadline(calendar, DeadlineKind.SUPPLY, start, promised_days, min(asked, default=None))


def deadlines_for(
    calendar: WorkCalendar, state: CaseState, start: date, promised_days: int | TimeLimit,
    marks: dict[str, MaterialMark], verdict: Verdict,
) -> list[Deadline]:
    if state is CaseState.ACCEPTED:
        return [make_deadline(calendar, DeadlineKind.PROMISED, start, promised_days)]
    if state is CaseState.TOLERATED:
        return [
            make_deadline(calendar, DeadlineKind.PROMISED, start, promised_days),
            supply_deadline(calendar, start, promised_days, marks, verdict),
        ]
    if state is CaseState.INCOMPLETE:
        return [make_deadline(calendar, DeadlineKind.NOTICE, start, NOTICE_LIMIT_DAYS)]
    return []


#: states in which a case was taken (its commitments stand and are verified)
TAKEN_STATES = frozenset({CaseState.ACCEPTED, CaseState.DONE_ON_THE_SPOT, CaseState.TOLERATED})


def documents_for(state: CaseState, pledged: bool = False) -> list[NoticeKind]:
    """The papers of a case in ``state``; ``pledged``: it was taken on 告知承诺 (the 告知承诺书 too)."""
    pledge = [NoticeKind.PLEDGE] if pledged and state in TAKEN_STATES else []
    return pledge + {
        CaseState.ACCEPTED: [NoticeKind.PROMISED],
        CaseState.DONE_ON_THE_SPOT: [NoticeKind.ON_THE_SPOT],
        CaseState.TOLERATED: [NoticeKind.PROMISED, NoticeKind.COMMITMENT],
        CaseState.INCOMPLETE: [NoticeKind.ONE_TIME],
        CaseState.NOT_ACCEPTED: [NoticeKind.REJECTION],
    }[state]


def bundle_documents(state: CaseState, children: list[CasePlan]) -> list[NoticeKind]:
    """The papers of a bundle: one per kind of outcome among its items, each true for its items.

    Items decided or accepted get the bundle's 承诺件通知书 (即办件办结回执 when every one
    was done on the spot), with each item's number, outcome and date; items to be
    supplemented get the 一次性告知书 for their missing materials only; 容缺 items the
    承诺书.  A bundle never gets a paper saying the whole of it is incomplete when part of
    it was done or accepted.
    """
    if state is CaseState.NOT_ACCEPTED or not children:
        return documents_for(state)
    states = {c.state for c in children}
    documents: list[NoticeKind] = []
    if any(c.verifications for c in children):
        documents.append(NoticeKind.PLEDGE)
    taken = states - {CaseState.INCOMPLETE, CaseState.NOT_ACCEPTED}
    if taken:
        documents.append(NoticeKind.ON_THE_SPOT if taken == {CaseState.DONE_ON_THE_SPOT} else NoticeKind.PROMISED)
    if CaseState.TOLERATED in states:
        documents.append(NoticeKind.COMMITMENT)
    if CaseState.INCOMPLETE in states:
        documents.append(NoticeKind.ONE_TIME)
    return documents


def _item_checklist(catalog: Catalog, item: ServiceItem, answers: dict[str, str],
                    marks: dict[str, MaterialMark]) -> tuple[Checklist, dict[str, MaterialMark]]:
    """An item's own part of a visit: its checklist for the answers it asks, and its marks."""
    keys = {s.key for s in catalog.situations(item.code)}
    checklist = catalog.checklist(item.code, {k: v for k, v in answers.items() if k in keys})
    own = {e.material.key for e in checklist.entries}
    return checklist, {k: m for k, m in marks.items() if k in own}


def some_item_complete(catalog: Catalog, code: str, answers: dict[str, str],
                       marks: dict[str, MaterialMark]) -> bool:
    """A bundle of which some item has every material: that item is accepted or done today,
    even when the visit goes on to the fallback desk for the others (so the newborn's name is
    needed now).  False for a single item."""
    target = catalog.get(code)
    if not isinstance(target, Bundle):
        return False
    try:
        parts = [_item_checklist(catalog, catalog.items[c], answers, marks) for c in target.item_codes]
    except (ChecklistError, KeyError):
        return False
    return any(assess(checklist, own).state is VerdictState.COMPLETE for checklist, own in parts)


def _item_plan(
    catalog: Catalog, calendar: WorkCalendar, item: ServiceItem, answers: dict[str, str],
    marks: dict[str, MaterialMark], outcome: Outcome, start: date,
) -> CasePlan:
    checklist, item_marks = _item_checklist(catalog, item, answers, marks)
    verdict = assess(checklist, item_marks)
    # Another region's item is never decided at this window: it is taken in and handed over.
    state = state_for(outcome, verdict, item.kind is ItemKind.ON_THE_SPOT and item.region is None)
    return CasePlan(
        code=item.code, name=item.name, department=item.department, is_bundle=False,
        item_kind=(ItemKind.PROMISED if item.region is not None else item.kind).value, checklist=checklist,
        marks=item_marks, verdict=verdict, state=state,
        deadlines=deadlines_for(calendar, state, start, window_promise(item), item_marks, verdict),
        region=item.region,
        notice=notice_lines(verdict) if state is CaseState.INCOMPLETE else None,
        verifications=plan_verifications(calendar, start, item, checklist, item_marks) if state in TAKEN_STATES
        else [],
    )


def plan_intake(
    catalog: Catalog, calendar: WorkCalendar, draft: IntakeDraft, outcome: Outcome,
    received_at: datetime, tz: ZoneInfo, reason: str = "",
) -> tuple[CasePlan, list[str]]:
    """The plan for this visit and the problems (Chinese) that block submitting it."""
    target = catalog.get(draft.code)
    if target is None:
        raise IntakeError([f"未知的事项编码：{draft.code}"])
    try:
        checklist = catalog.checklist(draft.code, draft.answers)
    except ChecklistError as exc:
        raise IntakeError([str(exc)]) from exc
    marks = dict(draft.marks)
    verdict = assess(checklist, marks)
    start = local_date(received_at, tz)
    problems = list(draft.applicant.problems(need_address=draft.delivery is Delivery.EMS))
    after_applicant = len(problems)
    problems.extend(verdict.problems)
    if outcome not in verdict.allowed_outcomes():
        problems.append(f"材料情况为“{verdict.summary}”，不能选择“{OUTCOME_LABELS[outcome]}”")
    if outcome is Outcome.REJECT and not reason.strip():
        problems.append("不予受理必须填写理由")
    problems.extend(text_problems((reason, "不予受理理由", NOTE_MAX),
                                  *((m.note, "材料备注", NOTE_MAX) for m in marks.values())))
    for key, mark in marks.items():
        if mark.status is MaterialStatus.TOLERATED and mark.supply_by and mark.supply_by <= start:
            problems.append(f"容缺材料的补齐日期 {mark.supply_by:%Y-%m-%d} 必须晚于受理当日")

    if isinstance(target, Bundle):
        items = [catalog.items[c] for c in target.item_codes]
        children = [_item_plan(catalog, calendar, it, draft.answers, marks, outcome, start) for it in items]
        for item in items:
            if draft.delivery not in item.deliveries:
                problems.append(f"“{item.name}”不支持{draft.delivery.value}")
        state = state_for(outcome, verdict, all(c.state is CaseState.DONE_ON_THE_SPOT for c in children))
        promised_days = latest_limit(calendar, start, [it.promised for it in items])
        plan = CasePlan(
            code=target.code, name=target.name, department="", is_bundle=True, item_kind="",
            checklist=checklist, marks=marks, verdict=verdict, state=state, children=children,
            deadlines=deadlines_for(calendar, state, start, promised_days, marks, verdict),
            notice=notice_lines(verdict) if state is CaseState.INCOMPLETE else None,
        )
        if state in (CaseState.ACCEPTED, CaseState.TOLERATED):
            # The bundle is done when its slowest item is: promise the latest child date.
            promised = [d for c in children for d in c.deadlines if d.kind is DeadlineKind.PROMISED]
            if promised:
                latest = max(promised, key=lambda d: d.due.date)
                plan.deadlines = [latest if d.kind is DeadlineKind.PROMISED else d for d in plan.deadlines]
    else:
        if draft.delivery not in target.deliveries:
            problems.append(f"该事项不支持{draft.delivery.value}，可选：{'、'.join(d.value for d in target.deliveries)}")
        plan = _item_plan(catalog, calendar, target, draft.answers, marks, outcome, start)
        plan.checklist = checklist
    # The newborn's name is needed once anything is accepted or done today, which a
    # bundle sent to the fallback desk may be in part (its papers name the child).
    taken = [c for c in (plan, *plan.children) if c.state not in (CaseState.INCOMPLETE, CaseState.NOT_ACCEPTED)]
    problems[after_applicant:after_applicant] = child_name_problems(
        draft.child_name, asked=isinstance(target, Bundle) and target.child_name, required=bool(taken))
    plan.documents = (bundle_documents(plan.state, plan.children) if plan.is_bundle
                      else documents_for(plan.state, bool(plan.verifications)))
    for case in (plan, *plan.children):
        check_transition(draft.code, CaseState.RECEIVED, case.state)
    return plan, problems
