"""One app for the whole hall: each role lands on its own screen and reaches the others it may open."""

from __future__ import annotations

import pytest

from clerk.domain.accounts import Role
from clerk.domain.lifecycle import CaseState

from .conftest import STAFF_PASSWORD as PASSWORD
from .support import screen_text
from .test_scan_and_lookup import saved_case
from .visit import applicant, finish, pick, settle, sign_in, typed

TEACHER = "370112-JYTY-003"  # 教师资格认定, 承诺件 (promised days from the catalog)


def banner(app) -> str:
    return app.screen.query_one("#banner").text


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


async def sign_in_as(pilot, clerk_id: str, window: str = "9") -> None:
    await pilot.press(*typed(clerk_id), "enter", *typed(PASSWORD), "enter", *typed(window), "enter")
    await settle(pilot)


W, F, M, S, A, B = (Role.WINDOW, Role.FALLBACK, Role.MAILROOM, Role.SUPERVISOR, Role.ADMIN,
                    Role.BACKOFFICE)
#: Who is offered each screen, written out from the hall's jobs: the desks take in and finish
#: visits, the back office (and the fallback desk, where the hall allows it) records decisions,
#: the mail room and the supervisor send items, the supervisor and the administrator watch.
OFFERED = {
    "intake": {W, F, S, A},
    "fallback": {W, F, S},
    "decision": {B, F},
    "verification": {B},
    "mail": {M, S},
    "rating": {W, F, S, M},
    "dashboard": {S, A},
    "complaints": set(Role),
    "appointments": {W, F, S},
}


def test_the_ui_role_table_matches_the_service_layer():
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.errors import PermissionDenied
    from clerk.domain.permissions import Action, check_permission
    from clerk.tui.navigation import DESTINATIONS, HOME

    assert {name: set(d.roles) for name, d in DESTINATIONS.items()} == OFFERED
    # The service layer lets exactly the offered roles do each screen's own job, except: the
    # administrator opens the intake screen for its search; the fallback desk is offered the
    # decision screen, which the service serves only under the hall's fallback_may_decide;
    # the fallback desk mails the pickups it receives from its own screen, not the mail room's.
    job = {"intake": Action.INTAKE, "fallback": Action.SUPPLEMENT, "decision": Action.DECIDE,
           "verification": Action.VERIFY,
           "mail": Action.MAIL_ITEM, "rating": Action.RATE, "appointments": Action.APPOINTMENT}
    offered_beyond_the_service = {"intake": {A}, "decision": {F}}
    allowed_elsewhere = {"mail": {F}}
    for name, action in job.items():
        allowed = set()
        for role in Role:
            try:
                check_permission(ClerkUser("x1", "某人", role), action)
            except PermissionDenied:
                continue
            allowed.add(role)
        assert (set(DESTINATIONS[name].roles) - offered_beyond_the_service.get(name, set())
                == allowed - allowed_elsewhere.get(name, set())), name
    check_permission(ClerkUser("f1", "某人", F), Action.DECIDE, fallback_may_decide=True)  # the hall's option
    assert all(role in DESTINATIONS[HOME[role]].roles for role in Role)  # every role may open its home


@pytest.mark.asyncio
@pytest.mark.slow
async def test_incomplete_visit_is_finished_at_the_fallback_desk_by_scanning(make_app, case_service, staff,
                                                                              key_clock):
    from textual.widgets import DataTable, Input, SelectionList

    window = make_app()
    async with window.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "1", "3", "3", "a")  # photo and diploma missing
        await finish(pilot, 1)  # 转兜底窗口
    (summary,) = case_service.find("张三")
    number = summary.number
    assert case_service.get(number).state is CaseState.INCOMPLETE

    desk = make_app()
    async with desk.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        screen = desk.screen
        assert type(screen).__name__ == "FallbackScreen"  # the fallback desk lands on its queue
        assert screen.query_one("#fallback-queue", DataTable).row_count == 1
        key_clock.scanner()
        await pilot.press(*number, "enter")  # scanned into the focused scan field
        key_clock.human()
        await settle(pilot)
        assert desk.screen is screen and screen.case is not None and screen.case.number == number
        assert screen.query_one("#fallback-scan", Input).value == ""
        materials = screen.query_one("#fallback-materials", SelectionList)
        materials.select("photo")
        materials.select("teacher-diploma")
        await pilot.press("f10")
        await settle(pilot)
        assert "已生成通知书PDF" in banner(desk), banner(desk)  # no printer configured
        assert screen.query_one("#fallback-queue", DataTable).row_count == 0
    view = case_service.get(number)
    assert view.state is CaseState.ACCEPTED
    from clerk.store.notices import NoticeKind

    promised = [n for n in view.notices if n.kind is NoticeKind.PROMISED]
    assert promised and promised[-1].path, view.notices
    text = pdf_text(promised[-1].path)
    due = view.promised_due.date
    assert "承诺件通知书" in text and f"{due.year}年{due.month}月{due.day}日" in text


@pytest.mark.asyncio
async def test_the_mail_room_hands_a_result_to_ems(make_app, case_service, catalog, staff, key_clock):
    from textual.widgets import DataTable

    from clerk.domain.views import Decision
    from clerk.services.desk import DeskService

    number = saved_case(case_service, catalog)
    DeskService(case_service).record_decision(staff["office"], 30, number, Decision.APPROVED)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "3001")
        assert type(app.screen).__name__ == "MailScreen"
        assert app.screen.query_one("#mail-items", DataTable).row_count == 1
        await pilot.press(*typed("EA123456789CN"), "enter")  # typed by hand, wrong check digit
        await settle(pilot)
        assert "邮件号" in banner(app) or "运单号" in banner(app), banner(app)
        assert case_service.get(number).state is CaseState.APPROVED
        await pilot.press(*["backspace"] * 13)
        key_clock.scanner()
        await pilot.press(*"EA123456785CN", "enter")  # the waybill's barcode
        key_clock.human()
        await settle(pilot)
        assert "EA123456785CN" in banner(app), banner(app)
        assert type(app.screen).__name__ == "MailScreen"
    assert case_service.get(number).state is CaseState.MAILED


@pytest.mark.asyncio
async def test_a_window_clerk_gets_a_banner_for_the_dashboard(make_app, staff):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
        assert "无权打开“管理看板”" in banner(app) and "大厅管理" in banner(app)
        await pilot.press("f12")  # the menu marks it too
        await settle(pilot)
        assert "管理看板（无权限）" in screen_text(app)
        await pilot.press("2")  # 兜底窗口: a window clerk may work the queue
        await settle(pilot)
        assert type(app.screen).__name__ == "FallbackScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"


@pytest.mark.asyncio
async def test_the_supervisor_lands_on_the_dashboard_and_moves_around(make_app, staff):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "9001")
        home = app.screen
        assert type(home).__name__ == "DashboardScreen"
        footer = screen_text(app).splitlines()[-1]
        assert "刷新" in footer and "返回" not in footer  # home: nowhere to return to, nothing offered
        await pilot.press("f5")  # the lookup, over the dashboard, offers its way back
        await settle(pilot)
        assert "esc 返回" in screen_text(app).splitlines()[-1]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert type(app.screen).__name__ == "MailScreen"
        await pilot.press("ctrl+g")  # straight on to another desk: the mail screen is left
        await settle(pilot)
        assert type(app.screen).__name__ == "FallbackScreen" and len(app.screen_stack) == 3
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home
        await pilot.press("escape")  # the home screen stays
        await settle(pilot)
        assert app.screen is home


@pytest.mark.asyncio
async def test_the_mail_room_may_not_open_the_fallback_desk(make_app, staff):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "3001")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert type(app.screen).__name__ == "MailScreen" and "无权打开“兜底窗口”" in banner(app)


@pytest.mark.asyncio
async def test_desk_screens_share_one_desk_service(make_app, staff):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")  # the fallback desk (may decide where the hall allows it)
        await pilot.press("ctrl+r")
        await settle(pilot)
        decision = app.screen
        await pilot.press("ctrl+g")
        await settle(pilot)
        fallback = app.screen
        assert type(fallback).__name__ == "FallbackScreen" and fallback.desk is decision.desk is app.services.desk


@pytest.mark.asyncio
async def test_the_back_office_lands_on_the_decision_screen_and_a_window_clerk_is_refused_it(make_app, staff):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "4001")
        assert type(app.screen).__name__ == "DecisionScreen"
        await pilot.press("ctrl+r")  # already there
        await settle(pilot)
        assert type(app.screen).__name__ == "DecisionScreen"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "1001")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ != "DecisionScreen"


@pytest.mark.asyncio
async def test_sign_out_hands_the_window_to_the_next_clerk(make_app, staff):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
        await pilot.press("f12")
        await settle(pilot)
        assert "注销（换人登录）    ctrl+\\" in screen_text(app)  # as the footer writes it, not ``ctrl+backslash``
        await pilot.press("0")
        await settle(pilot)
        assert type(app.screen).__name__ == "SignInScreen" and app.user is None
        await sign_in_as(pilot, "2001")
        assert type(app.screen).__name__ == "FallbackScreen" and app.user.id == "2001"


@pytest.mark.asyncio
async def test_sign_out_is_refused_in_the_middle_of_a_visit(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("ctrl+backslash")
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen" and app.user is not None
        assert "当前办件尚未办结" in banner(app)


@pytest.mark.asyncio
async def test_a_kept_visit_is_saved_as_the_clerk_who_took_it(make_app, case_service, catalog, staff, tmp_path,
                                                              settings):
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
    from clerk.tui.state import PendingVisit, WindowState

    from .support import CLERK_ID

    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(TEACHER).entries}
    person = Applicant(ApplicantKind.PERSON, "孙七", "11010519491231002X", "13912345678", "济南市")
    from clerk.store.hallkey import ensure_hall_key, load_hall_key

    state_dir = tmp_path / "state"
    ensure_hall_key(settings)
    WindowState(state_dir, key=lambda: load_hall_key(settings)).keep(PendingVisit(CLERK_ID, 3, IntakeDraft(TEACHER, person, Delivery.EMS, {}, marks),
                                             Outcome.ACCEPT))
    app = make_app(state_dir=state_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")  # the next clerk signs in while the visit waits
        await app.workers.wait_for_complete()
        await settle(pilot)
    (summary,) = case_service.find("孙七")
    view = case_service.get(summary.number)
    assert (view.clerk_id, view.window) == (CLERK_ID, 3)
    # printed although the screen up (the fallback queue) is not the intake screen that kept it
    assert [str(n.status) for n in view.notices] == ["saved"]  # issued as its PDF: no printer here


@pytest.mark.asyncio
async def test_not_accepted_at_the_fallback_desk_prints_the_notice(make_app, case_service, catalog, staff,
                                                                   key_clock):
    from textual.widgets import Input

    from clerk.domain.intake import Outcome
    from clerk.store.notices import NoticeKind

    from .support import CLERK_ID, CLERK_PASSWORD

    clerk = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    number = case_service.submit(clerk, 3, _incomplete_teacher(catalog), Outcome.FALLBACK).number
    desk = make_app()
    async with desk.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        key_clock.scanner()
        await pilot.press(*number, "enter")
        key_clock.human()
        await settle(pilot)
        desk.screen.query_one("#fallback-reason", Input).value = "申请人放弃办理"
        await pilot.press("f8")
        await settle(pilot)
        await desk.workers.wait_for_complete()
        await settle(pilot)
        assert "不予受理通知书" in banner(desk), banner(desk)
    view = case_service.get(number)
    assert view.state is CaseState.NOT_ACCEPTED
    (rejection,) = [n for n in view.notices if n.kind is NoticeKind.REJECTION]
    assert str(rejection.status) == "saved" and "申请人放弃办理" in pdf_text(rejection.path)  # no printer: the PDF


def _incomplete_teacher(catalog):
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus

    entries = catalog.checklist(TEACHER).entries
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in entries[1:]}
    marks[entries[0].material.key] = MaterialMark(MaterialStatus.MISSING)
    person = Applicant(ApplicantKind.PERSON, "周八", "11010519491231002X", "13912345678", "济南市")
    return IntakeDraft(TEACHER, person, Delivery.EMS, {}, marks)


@pytest.mark.asyncio
async def test_footers_show_their_keys_while_the_terminal_has_no_focus(make_app, staff):
    """In a browser (``clerk serve``) the terminal has no focus until the first click; a screen
    opened meanwhile showed an empty footer (Textual's footer waits for the app's focus)."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.post_message(events.AppBlur())
        await settle(pilot)
        app.signed_in(app.services.cases.account("9001"), 0)  # a ticket of the gate signs in: no key
        await settle(pilot)
        await settle(pilot)
        assert not app.app_focus and type(app.screen).__name__ == "DashboardScreen"
        assert "f3 刷新" in screen_text(app).splitlines()[-1]
