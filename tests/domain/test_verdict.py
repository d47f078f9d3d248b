"""The live verdict on a visit's materials: what the clerk sees before finishing."""

from __future__ import annotations

import pytest

from clerk.catalog.model import Checklist, ChecklistEntry, Material, MaterialForm, Need
from clerk.domain import MaterialMark, MaterialStatus, Outcome, VerdictState, assess


def material(key: str, *, need=Need.REQUIRED, tolerable=False, alt=None) -> Material:
    return Material(
        key=key,
        name=f"材料{key}",
        form=MaterialForm.COPY,
        copies=1,
        need=need,
        tolerable=tolerable,
        requirement=f"{key} 的要求",
        alt_group=alt,
    )


def checklist(*materials: Material) -> Checklist:
    return Checklist("v1", ("ITEM",), (), tuple(ChecklistEntry(m, ("ITEM",)) for m in materials))


ID = material("id")
HEALTH = material("health", tolerable=True)
LEASE = material("lease", alt="premises")
DEED = material("deed", alt="premises")
LEAFLET = material("leaflet", need=Need.OPTIONAL)

RECEIVED = MaterialMark(MaterialStatus.ORIGINAL, copies=1)


def test_nothing_ticked_is_incomplete_and_lists_every_requirement():
    verdict = assess(checklist(ID, HEALTH, LEASE, DEED), {})
    assert verdict.state is VerdictState.INCOMPLETE
    assert [r.name for r in verdict.missing] == ["材料id", "材料health", "材料lease 或 材料deed"]
    assert len(verdict.pending) == 3
    assert verdict.allowed_outcomes() == (Outcome.FALLBACK, Outcome.REJECT)
    assert verdict.summary.startswith("缺 3 项")


def test_one_alternative_satisfies_the_group_and_optional_never_blocks():
    marks = {"id": RECEIVED, "health": RECEIVED, "deed": MaterialMark(MaterialStatus.COPY, 1)}
    verdict = assess(checklist(ID, HEALTH, LEASE, DEED, LEAFLET), marks)
    assert verdict.state is VerdictState.COMPLETE
    assert verdict.summary == "材料齐全"
    assert Outcome.ACCEPT in verdict.allowed_outcomes()


def test_tolerated_material_that_allows_it_makes_the_case_tolerable():
    marks = {"id": RECEIVED, "lease": RECEIVED, "health": MaterialMark(MaterialStatus.TOLERATED)}
    verdict = assess(checklist(ID, HEALTH, LEASE, DEED), marks)
    assert verdict.state is VerdictState.TOLERABLE
    assert [r.name for r in verdict.tolerated] == ["材料health"]
    assert verdict.allowed_outcomes()[0] is Outcome.TOLERATE
    assert "容缺 1 项" in verdict.summary


def test_tolerating_a_material_that_forbids_it_is_missing_with_a_reason():
    marks = {"id": MaterialMark(MaterialStatus.TOLERATED), "health": RECEIVED, "lease": RECEIVED}
    verdict = assess(checklist(ID, HEALTH, LEASE, DEED), marks)
    assert verdict.state is VerdictState.INCOMPLETE
    assert [r.name for r in verdict.missing] == ["材料id"]
    assert verdict.problems == ("“材料id”不允许容缺",)


@pytest.mark.parametrize("status", [MaterialStatus.MISSING, MaterialStatus.PENDING])
def test_missing_and_unticked_both_block_acceptance(status):
    verdict = assess(checklist(ID), {"id": MaterialMark(status)})
    assert verdict.state is VerdictState.INCOMPLETE
    assert Outcome.ACCEPT not in verdict.allowed_outcomes()
    assert bool(verdict.pending) is (status is MaterialStatus.PENDING)


def test_not_applicable_satisfies_a_requirement():
    verdict = assess(checklist(ID), {"id": MaterialMark(MaterialStatus.NOT_APPLICABLE)})
    assert verdict.state is VerdictState.COMPLETE


def test_supply_by_takes_a_date_or_working_days_and_flags_unpublished_years():
    from datetime import date

    from clerk.calendar import WorkCalendar
    from clerk.domain.deadlines import provisional_note, supply_by

    calendar = WorkCalendar.load(None)
    today = date(2026, 11, 25)  # a Wednesday
    offer, problem = supply_by(calendar, today, "")
    assert (offer.date, offer.provisional, problem) == (date(2026, 12, 2), False, "")
    assert supply_by(calendar, today, "3")[0].date == date(2026, 11, 30)
    late, _ = supply_by(calendar, today, "2027-01-20")  # 2027's holidays are not published
    assert late.provisional and late.missing_years == (2027,)
    assert "2027 年节假日安排尚未公布" in provisional_note(late)
    assert supply_by(calendar, today, "2026-11-25") == (None, "补交日期必须晚于今天")
    assert supply_by(calendar, today, "0")[0] is None
    assert supply_by(calendar, today, "明天")[1].startswith("请输入日期")


def test_a_supply_by_date_past_the_promised_completion_is_refused_with_the_rule():
    from datetime import date

    from clerk.calendar import WorkCalendar
    from clerk.domain.deadlines import supply_by

    calendar = WorkCalendar.load(None)
    today = date(2026, 12, 2)  # a Wednesday
    limit = calendar.add_working_days(today, 3).date
    assert supply_by(calendar, today, "3", promised_days=3)[0].date == limit
    due, problem = supply_by(calendar, today, "20", promised_days=3)
    assert due is None
    assert "承诺 3 个工作日" in problem and f"{limit:%Y-%m-%d}" in problem
    assert supply_by(calendar, today, f"{limit:%Y-%m-%d}", promised_days=3)[0].date == limit
    assert supply_by(calendar, today, "", promised_days=3)[0].date == limit  # the offer never passes the limit
    assert supply_by(calendar, today, "20")[0] is not None  # without the rule, as before


def test_a_copy_does_not_stand_in_for_an_original():
    original = Material(key="id", name="身份证", form=MaterialForm.ORIGINAL, copies=1, need=Need.REQUIRED,
                        tolerable=False, requirement="原件", alt_group=None)
    checklist = Checklist("v", ("X",), (), (ChecklistEntry(original, ("X",)),))
    copy = {"id": MaterialMark(MaterialStatus.COPY, 1)}
    assert assess(checklist, copy).state is VerdictState.INCOMPLETE
    assert assess(checklist, {"id": MaterialMark(MaterialStatus.ORIGINAL, 1)}).state is VerdictState.COMPLETE
