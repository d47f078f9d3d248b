"""告知承诺制 from the window to the back office, on both stores (issue 28)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from clerk.domain.errors import IntakeError, PermissionDenied, ServiceError
from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome, VerdictState, assess
from clerk.domain.lifecycle import CaseState
from clerk.domain.verification import VerificationState, drawn
from clerk.domain.views import Decision
from clerk.services.cases import CaseService
from clerk.services.desk import DeskService
from clerk.services.verification import VerificationDesk
from clerk.store.notices import NoticeKind
from clerk.store.tables import CaseRow
from clerk.store.tables_verification import DishonestRecord
from tests.support.drafts import COPY, RECEIVED, hygiene
from tests.support.pledges import pledge_catalog

PLEDGED = MaterialMark(MaterialStatus.COMMITTED)


@pytest.fixture
def pledging(store, catalog, calendar, clock, cheap_password_hashing):
    return CaseService(store, pledge_catalog(catalog), calendar, clock, hall_code="SF", timezone="Asia/Shanghai")


@pytest.fixture
def users(pledging):
    from clerk.domain.accounts import Role

    make = lambda uid, name, role: pledging.add_user(None, uid, name, role, "secret1")  # noqa: E731
    return {"window": make("w01", "张三", Role.WINDOW), "office": make("b01", "孙审批", Role.BACKOFFICE),
            "office2": make("b02", "周审批", Role.BACKOFFICE)}


def pledged_draft(**marks):
    return hygiene({"id-card": RECEIVED, "business-licence": COPY, "hygiene-plan": PLEDGED,
                    "lease-contract": COPY, **marks})


def count(store, table) -> int:
    with store.session(write=False) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_commitment_meets_a_material_that_allows_it_and_no_other(pledging):
    checklist = pledging.catalog.checklist("T-GGWS-001")
    verdict = assess(checklist, pledged_draft().marks)
    assert verdict.state is VerdictState.COMPLETE
    assert [r.name for r in verdict.committed] == ["卫生管理制度"]
    assert verdict.summary == "材料齐全（告知承诺 1 项：卫生管理制度）"
    refused = assess(checklist, pledged_draft(**{"id-card": PLEDGED}).marks)
    assert refused.state is VerdictState.INCOMPLETE
    assert any("不实行告知承诺" in p for p in refused.problems)


def test_accepting_on_commitment_stores_its_verification_and_queues_the_pledge(pledging, users):
    view = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    assert view.state is CaseState.ACCEPTED
    (task,) = view.verifications
    assert (task.material_key, task.name, task.replaces, task.method) == (
        "hygiene-plan", "卫生管理制度", "卫生管理制度文本", "数据核查")
    # received Wednesday 2026-11-25: 20 working days later (no holiday in between)
    assert task.due_on == date(2026, 12, 23)
    assert task.state is VerificationState.DUE
    assert [n.kind for n in view.notices] == [NoticeKind.PLEDGE, NoticeKind.PROMISED]
    intake = next(e for e in view.events if e.action == "intake")
    assert intake.after["verifications"] == [{"material": "hygiene-plan", "due_on": "2026-12-23", "state": "待核查"}]


def test_an_item_on_commitment_draws_its_share_of_cases(pledging, users, monkeypatch):
    import clerk.domain.verification as verification

    assert drawn(20, draw=19) and not drawn(20, draw=20) and drawn(100, draw=99)
    draws = iter([5, 50])
    monkeypatch.setattr(verification.secrets, "randbelow", lambda n: next(draws))
    food = replace(hygiene(), code="T-SP-002", marks={"id-card": RECEIVED, "business-licence": COPY,
                                                      "food-layout": RECEIVED})
    first = pledging.submit(users["window"], 3, food, Outcome.ACCEPT)
    second = pledging.submit(users["window"], 3, food, Outcome.ACCEPT)
    assert NoticeKind.PLEDGE in [n.kind for n in second.notices]  # signed by every applicant, drawn or not
    assert [v.state for v in first.verifications] == [VerificationState.DUE]
    assert [v.state for v in second.verifications] == [VerificationState.NOT_DRAWN]
    assert first.verifications[0].material_key == "" and first.verifications[0].replaces == "许可前现场核查"
    assert first.verifications[0].due_on == date(2026, 12, 25)  # 30 calendar days
    desk = VerificationDesk(pledging)
    assert [v.case_number for v in desk.due(users["office"])] == [first.number]


def test_true_closes_it_and_it_cannot_be_recorded_twice(pledging, users):
    view = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    desk = VerificationDesk(pledging)
    (task,) = desk.due(users["office"])
    assert task.applicant_name != "王五" and task.applicant_name.startswith("王")  # masked in the list
    after = desk.record(users["office"], 30, task.id, "属实")
    assert after.state is CaseState.ACCEPTED
    assert after.verifications[0].state is VerificationState.TRUE
    assert desk.due(users["office"]) == []
    with pytest.raises(ServiceError, match="已登记为“属实”"):
        desk.record(users["office2"], 31, task.id, "不实", "伪造")
    assert pledging.get(view.number).state is CaseState.ACCEPTED


def test_false_revokes_the_approval_records_the_dishonesty_and_bars_the_next_commitment(pledging, users, clock):
    view = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    DeskService(pledging).record_decision(users["office"], 30, view.number, Decision.APPROVED)
    clock.advance(hours=15)  # 17:00 UTC: already 2026-11-26 in the hall
    desk = VerificationDesk(pledging)
    (task,) = desk.due(users["office"])
    with pytest.raises(ServiceError, match="必须填写核查情况说明"):
        desk.record(users["office"], 30, task.id, "不实")
    revoked = desk.record(users["office"], 30, task.id, "不实", "经数据比对，未建立卫生管理制度")
    assert revoked.state is CaseState.REVOKED
    assert revoked.reason == "告知承诺不实：经数据比对，未建立卫生管理制度"
    assert NoticeKind.REVOCATION in [n.kind for n in revoked.notices]
    event = revoked.events[-1] if revoked.events[-1].action == "verify" else revoked.events[-2]
    assert event.action == "verify" and event.after["revoked"] is True and event.after["result"] == "不实"
    assert [e.case_number for e in desk.dishonest_of(view.applicant.id_number)] == [view.number]
    # the same applicant asks to commit again: refused in full, nothing written
    cases_before = count(pledging.store, CaseRow)
    pledged = pledging.preview(pledged_draft(), Outcome.ACCEPT).pledged_materials
    assert any("失信记录" in p for p in pledging.pledge_problems(pledged_draft(), pledged))
    with pytest.raises(IntakeError, match=f"失信记录（案件 {view.number}，2026-11-26）"):
        pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    assert count(pledging.store, CaseRow) == cases_before
    # bringing the material itself is fine
    pledging.submit(users["window"], 3, pledged_draft(**{"hygiene-plan": COPY}), Outcome.ACCEPT)


def test_a_refused_case_is_not_revoked_but_the_false_commitment_is_recorded(pledging, users):
    view = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    DeskService(pledging).record_decision(users["office"], 30, view.number, Decision.REFUSED, reason="不符合条件")
    desk = VerificationDesk(pledging)
    (task,) = desk.due(users["office"])
    after = desk.record(users["office"], 30, task.id, "不实", "制度系伪造")
    assert after.state is CaseState.REFUSED
    assert NoticeKind.REVOCATION not in [n.kind for n in after.notices]
    assert count(pledging.store, DishonestRecord) == 1


def test_who_may_verify(pledging, users):
    from clerk.domain.accounts import Role

    view = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    desk = VerificationDesk(pledging)
    (task,) = desk.due(users["office"])
    with pytest.raises(PermissionDenied, match="无权登记告知承诺核查结果"):
        desk.record(users["window"], 3, task.id, "属实")
    # an account moved from a window to the back office never verifies what it took in itself
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.permissions import Action, check_separation

    with pytest.raises(PermissionDenied, match="不能由本人登记核查结果"):
        check_separation(ClerkUser("w01", "张三", Role.BACKOFFICE), Action.VERIFY, "w01", view.number)
    assert desk.record(users["office"], 30, task.id, "属实").verifications[0].decided_by == "b01"


def test_the_report_and_the_dashboard_count_commitments(pledging, users, clock):
    from clerk.reports.dashboard import Dashboard
    from clerk.reports.export import report_csv, report_pdf
    from clerk.reports.report import daily_report
    from tests.printing.conftest import pdf_text

    first = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    desk = VerificationDesk(pledging)
    task = next(t for t in desk.due(users["office"]) if t.case_number == first.number)
    desk.record(users["office"], 30, task.id, "不实", "未建立制度")
    other = next(t for t in desk.due(users["office"]) if t.case_number != first.number)
    assert other.state is VerificationState.DUE
    board = Dashboard(pledging.store, pledging.calendar, clock)
    assert (board.deadlines().verify_open, board.deadlines().verify_overdue) == (1, 0)
    clock.advance(days=40)  # past the 20 working days
    assert (board.deadlines().verify_open, board.deadlines().verify_overdue) == (1, 1)
    report = daily_report(pledging.store, date(2026, 11, 25), now=clock())
    assert report.commitments == (("区卫生健康局", "公共场所卫生许可（新办）", 2, 2, 0, 1, 0, 0),)
    assert "告知承诺,区卫生健康局 公共场所卫生许可（新办）,承诺 2，抽中核查 2，属实 0，不实 1" in report_csv(report)
    assert "告知承诺" in pdf_text(report_pdf(report))


def test_a_result_written_behind_the_services_back_is_named_by_the_audit(pledging, users):
    from sqlalchemy import text

    from clerk.store.audit import verify_chain

    pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    (task,) = VerificationDesk(pledging).due(users["office"])
    with pledging.store.session(write=False) as session:
        assert verify_chain(session).ok
    with pledging.store.connection() as conn:  # a shell on a window PC marks it 属实 by hand
        conn.execute(text("UPDATE verifications SET state = '属实' WHERE id = :i"), {"i": task.id})
    with pledging.store.session(write=False) as session:
        report = verify_chain(session)
    assert not report.ok and any(f"verifications#{task.id}" in line for line in report.rows), report.rows
