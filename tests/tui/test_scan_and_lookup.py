"""Scanning a case number anywhere, looking cases up, surviving a store outage."""

from __future__ import annotations

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.store.errors import StoreUnavailable

from .support import CLERK_ID, screen_text
from .visit import PERSON, applicant, finish, pick, settle, sign_in

pytestmark = pytest.mark.asyncio
TEACHER = "370112-JYTY-003"


def saved_case(case_service, catalog, name="赵六") -> str:
    """A 承诺件 accepted through the service, as another window would."""
    user = case_service.authenticate(CLERK_ID, "demo1234")
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(TEACHER).entries}
    applicant = Applicant(ApplicantKind.PERSON, name, "11010519491231002X", "13912345678", "济南市")
    draft = IntakeDraft(TEACHER, applicant, Delivery.EMS, {}, marks)
    return case_service.submit(user, 3, draft, Outcome.ACCEPT).number


async def test_scan_opens_the_case_wherever_the_focus_is(make_app, case_service, catalog, key_clock):
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("f3", *"王")  # the clerk was typing a name
        key_clock.scanner()
        await pilot.press(*number, "enter")
        key_clock.human()
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen"
        text = screen_text(app)
        assert number in text and "已受理" in text
        assert "承诺办结时间" in text and "剩余" in text  # working days left
        assert "11010519491231002X" in text  # full values on the case's own form
        await pilot.press("escape")
        await pilot.pause()
        # the scan did not leave its characters in the field; the clerk's typing is kept
        assert app.screen.query_one("#applicant-name").value == "王"


async def test_a_fast_burst_that_is_no_case_number_stays_in_the_field(make_app, key_clock):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        key_clock.scanner()
        await pilot.press(*"X9#A-12345-ZZ")
        key_clock.human()
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
        assert "扫描内容" not in app.screen.query_one("#banner").text
        assert app.screen.query_one("#search-input").value == "X9#A-12345-ZZ"


async def test_typing_fast_is_not_a_scan(make_app, case_service, catalog):
    """Typed at human speed, a case number is just text in the lookup field."""
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        assert app.screen.query_one("#lookup-input").value == number
        assert number in screen_text(app)


async def test_lookup_by_name_masks_the_list(make_app, case_service, catalog):
    saved_case(case_service, catalog, "赵六")
    saved_case(case_service, catalog, "赵六")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *"赵六", "enter")
        await settle(pilot)
        table = app.screen.query_one("#lookup-results")
        assert table.row_count == 2
        text = screen_text(app)
        assert "11010519491231002X" not in text and "13912345678" not in text
        assert "139****5678" in text


async def test_opening_a_case_in_the_lookup_leaves_a_view_event(make_app, case_service, catalog):
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "7")
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        assert "11010519491231002X" in screen_text(app)  # the case in hand, unmasked
    event = case_service.get(number).events[-1]
    assert (event.action, event.actor, event.window) == ("view", CLERK_ID, app.window_number)


class FlakyCases:
    """The real service, with the store down for the first ``outages`` submits."""

    def __init__(self, real, outages: int, pending_dir) -> None:
        self.real, self.outages, self.pending_dir = real, outages, pending_dir
        self.kept_when_back: list[str] = []

    def submit(self, *args, **kwargs):
        if self.outages:
            self.outages -= 1
            raise StoreUnavailable()
        self.kept_when_back = sorted(p.name for p in self.pending_dir.glob("*.json"))
        return self.real.submit(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


async def test_a_visit_survives_a_store_outage(make_app, case_service, tmp_path):
    state_dir = tmp_path / "state"
    flaky = FlakyCases(case_service, outages=3, pending_dir=state_dir / "pending")
    app = make_app(cases=flaky, state_dir=state_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "a")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("f10")
        await pilot.pause()
        # first attempt fails: the draft is on disk before anything else happens
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert flaky.outages == 0
        assert len(flaky.kept_when_back) == 1  # the draft was on disk while the store was down
        assert not list((state_dir / "pending").glob("*.json"))  # saved by the retry worker
        (summary,) = case_service.find(PERSON[0])
        assert summary.state is CaseState.ACCEPTED


async def test_a_scan_onto_the_checklist_leaves_the_marks_alone(make_app, case_service, catalog, key_clock):
    """Digits mark materials on the checklist; a scanned number must not."""
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press("f4", "1")  # the clerk ticked the first material
        intake = app.screen
        before = dict(intake.marks)
        key_clock.scanner()
        await pilot.press(*number, "enter")
        key_clock.human()
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen"
        assert intake.marks == before


async def test_reprint_from_the_lookup_queues_a_reprint(make_app, case_service, catalog, settings):
    from clerk.integration.printing import CasePrinter

    number = saved_case(case_service, catalog)
    CasePrinter(settings).print_case(case_service, number)  # issued at intake
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChooseScreen"  # which notice?
        await pilot.press("enter")
        await settle(pilot)
        notices = case_service.get(number).notices
        assert [(n.is_reprint, str(n.status)) for n in notices] == [(False, "saved"), (True, "saved")]  # no printer
        assert number in app.screen.query_one("#banner").text


async def test_reprint_of_a_notice_that_never_printed_retries_the_original(make_app, case_service, catalog):
    number = saved_case(case_service, catalog)  # saved, its notice still queued
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *number, "enter")
        await settle(pilot)
        await pilot.press("f9", "1")
        await settle(pilot)
        notices = case_service.get(number).notices
        assert [(n.is_reprint, str(n.status)) for n in notices] == [(False, "saved")]  # no printer: the PDF


class PrinterOff:
    def print_case(self, cases, number, user=None, window=None):
        from clerk.printing.data import PrintError

        raise PrintError("打印机未连接，请检查电源和数据线")


async def test_printer_off_keeps_the_case_and_says_so(make_app, case_service):
    app = make_app(printer=PrinterOff())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "a")
        await finish(pilot, 1)
        text = app.screen.query_one("#banner").text
        assert "打印机未连接" in text and "F9 重打" in text
        assert app.screen.query_one("#banner").level == "error"
        (summary,) = case_service.find(PERSON[0])
        assert summary.state is CaseState.ACCEPTED


async def test_a_second_scan_in_the_lookup_opens_that_case_and_f9_acts_on_it(make_app, case_service, catalog,
                                                                             settings, key_clock):
    from clerk.integration.printing import CasePrinter

    first, second = saved_case(case_service, catalog, "赵六"), saved_case(case_service, catalog, "钱七")
    for number in (first, second):
        CasePrinter(settings).print_case(case_service, number)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        for number in (first, second):  # two notices scanned one after the other
            key_clock.scanner()
            await pilot.press(*number, "enter")
            key_clock.human()
            await settle(pilot)
        lookup = app.screen
        assert type(lookup).__name__ == "LookupScreen"
        assert lookup.query_one("#lookup-input").value == ""  # no “…0001…0002” query left behind
        assert lookup.view.number == second
        assert "没有找到" not in lookup.query_one("#banner").text
        await pilot.press("f9")
        await pilot.pause()
        assert second in screen_text(app) and "承诺件通知书" in screen_text(app)
        await pilot.press("1")
        await settle(pilot)
        assert [n.is_reprint for n in case_service.get(first).notices] == [False]
        assert [n.is_reprint for n in case_service.get(second).notices] == [False, True]
        banner = app.screen.query_one("#banner").text
        assert second in banner and "已" in banner and "10:00" in banner  # when it was printed


async def test_f5_starts_from_an_empty_query_each_time(make_app, case_service, catalog):
    number = saved_case(case_service, catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *"赵六", "enter")
        await settle(pilot)
        await pilot.press("escape", "f5")
        await settle(pilot)
        assert app.screen.query_one("#lookup-input").value == ""
        assert app.screen.view is None and number
