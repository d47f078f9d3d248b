"""The window caller on the intake screen: F7 calls, F8 recalls, F9 the rest; the header shows the
current ticket; two windows calling alternately never get the same ticket; finishing a visit links
its case to the ticket and the applicant's rating reaches the case."""

from __future__ import annotations

import pytest

from tests.support.screen import screen_text
from tests.support.tickets import printed

from .support import CLERK_ID, CLERK_PASSWORD
from .visit import PERSON, applicant, finish, pick, settle, typed


def _tickets(case_service, settings, catalog, clock):
    from clerk.services.tickets import TicketService

    return TicketService(case_service.store, settings, catalog, clock)


async def _sign_in(pilot, clerk_id: str, password: str, window: str) -> None:
    await settle(pilot)
    await pilot.press(*typed(clerk_id), "enter", *typed(password), "enter")
    field = pilot.app.screen.query_one("#window")
    field.value = ""
    await pilot.press(*typed(window), "enter")
    await settle(pilot)
    await settle(pilot)


def _header(app) -> str:
    return str(app.home.query_one("#intake-header").render())


@pytest.mark.asyncio
@pytest.mark.slow
async def test_two_windows_calling_alternately_never_get_the_same_ticket(make_app, case_service, settings,
                                                                         catalog, clock):
    from clerk.domain.accounts import Role

    case_service.add_user(None, "w08", "李四", Role.WINDOW, CLERK_PASSWORD)
    tickets = _tickets(case_service, settings, catalog, clock)
    taken = [printed(tickets, "A").number for _ in range(5)]
    seven, eight = make_app(), make_app()
    got: dict[int, list[str]] = {7: [], 8: []}
    async with seven.run_test(size=(120, 36)) as p7, eight.run_test(size=(120, 36)) as p8:
        await _sign_in(p7, CLERK_ID, CLERK_PASSWORD, "7")
        await _sign_in(p8, "w08", CLERK_PASSWORD, "8")
        for round_ in range(2):
            for window, pilot, app in ((7, p7, seven), (8, p8, eight)):
                await pilot.press("f7")
                await settle(pilot)
                current = app.screen.window_status.current
                assert current is not None and current.window == window
                got[window].append(current.number)
                assert f"当前 {current.number}" in _header(app)
                # a second F7 while the ticket is open is refused, and says why
                await pilot.press("f7")
                await settle(pilot)
                assert "尚未办结" in screen_text(app)
                # 过号 through the caller's menu: F9, 1
                await pilot.press("f9", "1")
                await settle(pilot)
                assert app.screen.window_status.current is None
    called = got[7] + got[8]
    assert len(set(called)) == len(called) == 4
    assert set(called) <= set(taken)


@pytest.mark.asyncio
@pytest.mark.slow
async def test_finishing_the_visit_links_the_case_and_the_rating_reaches_it(make_app, case_service, settings,
                                                                            catalog, clock):
    from clerk.domain.queueing import TicketState

    tickets = _tickets(case_service, settings, catalog, clock)
    ticket = printed(tickets, "A")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _sign_in(pilot, CLERK_ID, CLERK_PASSWORD, "7")
        assert "未叫号" in _header(app)
        await pilot.press("f7")
        await settle(pilot)
        assert f"当前 {ticket.number}" in _header(app)
        await pilot.press("f8")  # 重呼
        await settle(pilot)
        assert "已重呼" in screen_text(app)

        await pick(pilot, "370112-WSJK-006")
        await applicant(pilot, PERSON)
        await pilot.press("f4", "a")
        await pilot.pause()
        await finish(pilot)
        await settle(pilot)
        await settle(pilot)
        # the visit is still open (an applicant may have a second item): the header counts its cases
        assert tickets.get(ticket.id).state is not TicketState.DONE
        assert "已办 1 件" in _header(app)

        # F7 ends it: the case is linked, the applicant rates (2 = 满意), then the next call
        await pilot.press("f7")
        await settle(pilot)
        linked = tickets.get(ticket.id)
        assert linked.state is TicketState.DONE
        assert len(linked.case_numbers) == 1
        number = linked.case_numbers[0]
        from clerk.tui.screens.visit_rating import VisitRatingScreen

        assert isinstance(app.screen, VisitRatingScreen)
        await pilot.press("2")
        await settle(pilot)
        assert not isinstance(app.screen, VisitRatingScreen)
        assert "未叫号" in _header(app)
        assert "当前没有等候的号" in screen_text(app)
    assert str(case_service.get(number).rating) == "满意"


@pytest.mark.asyncio
async def test_pause_and_resume_and_an_empty_queue(make_app, case_service, settings, catalog, clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(pilot, CLERK_ID, CLERK_PASSWORD, "7")
        await pilot.press("f7")
        await settle(pilot)
        assert "当前没有等候的号" in screen_text(app)
        await pilot.press("f9", "3")  # 暂停: the reason prompt, with a default
        await pilot.pause()
        await pilot.press("f10")
        await settle(pilot)
        assert app.screen.window_status.paused
        assert "暂停服务（临时离开）" in _header(app)
        await pilot.press("f7")
        await settle(pilot)
        assert "已暂停服务" in screen_text(app)
        await pilot.press("f9", "3")  # 上岗
        await settle(pilot)
        assert not app.screen.window_status.paused


@pytest.mark.asyncio
async def test_a_consultation_ends_without_a_case_and_without_a_rating(make_app, case_service, settings, catalog,
                                                                       clock):
    from clerk.domain.queueing import TicketState
    from clerk.tui.screens.visit_rating import VisitRatingScreen

    tickets = _tickets(case_service, settings, catalog, clock)
    ticket = printed(tickets, "Z")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(pilot, CLERK_ID, CLERK_PASSWORD, "7")
        await pilot.press("f7")
        await settle(pilot)
        assert f"当前 {ticket.number}" in _header(app)
        await pilot.press("f9", "5")  # 结束接待
        await settle(pilot)
        assert not isinstance(app.screen, VisitRatingScreen)
        assert f"{ticket.number} 的接待已结束" in screen_text(app)
    done = tickets.get(ticket.id)
    assert done.state is TicketState.DONE and done.case_numbers == ()


@pytest.mark.asyncio
async def test_a_transfer_to_another_window_keeps_the_ticket_for_that_window(make_app, case_service, settings,
                                                                             catalog, clock):
    from clerk.domain.queueing import TicketState

    tickets = _tickets(case_service, settings, catalog, clock)
    first, second = printed(tickets, "A"), printed(tickets, "A")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(pilot, CLERK_ID, CLERK_PASSWORD, "7")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("f9", "2")  # 转移
        await pilot.pause()
        await pilot.press(str(len(settings.queues) + 1))  # 转到指定窗口……
        await pilot.pause()
        await pilot.press("9", "enter")
        await settle(pilot)
        assert "转到9 号窗口" in screen_text(app)
        moved = tickets.get(first.id)
        assert moved.state is TicketState.WAITING and moved.target_window == 9
        await pilot.press("f7")  # window 7 gets the next one, not the transferred ticket
        await settle(pilot)
        assert app.home.window_status.current.number == second.number


@pytest.mark.asyncio
async def test_a_ticket_scanned_at_the_wrong_window_is_refused_and_the_field_keeps_nothing(
        make_app, case_service, settings, catalog, clock, key_clock):
    from clerk.domain.accounts import Role

    tickets = _tickets(case_service, settings, catalog, clock)
    ticket = printed(tickets, "A")
    case_service.add_user(None, "w03", "赵三", Role.WINDOW, CLERK_PASSWORD)
    tickets.call_next(case_service.account("w03"), 3)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _sign_in(pilot, CLERK_ID, CLERK_PASSWORD, "7")
        await pilot.press("f2")
        key_clock.scanner()
        await pilot.press(*typed(ticket.number), "enter")
        key_clock.human()
        await settle(pilot)
        assert "请到 3 号窗口办理" in screen_text(app)
        assert app.home.query_one("#search-input").value == ""


@pytest.mark.asyncio
async def test_an_id_read_at_the_kiosk_reaches_the_window_with_the_returning_offer(make_app, case_service,
                                                                                 settings, catalog, clock):
    from .test_scan_and_lookup import saved_case

    saved_case(case_service, catalog, "赵六")  # an earlier case of the applicant, at another window
    tickets = _tickets(case_service, settings, catalog, clock)
    ticket = printed(tickets, "A", id_number="11010519491231002X")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(pilot, CLERK_ID, CLERK_PASSWORD, "7")
        await pilot.press("f7")
        await settle(pilot)
        await settle(pilot)
        assert app.screen.window_status.current.id == ticket.id
        form = app.screen.query_one("#applicant")
        assert form.applicant().id_number == "11010519491231002X"  # not asked for again at the window
        assert "赵六" in app.screen.query_one("#banner").text and "F6" in app.screen.query_one("#banner").text
        await pilot.press("f6")
        await settle(pilot)
        assert form.applicant().name == "赵六"


@pytest.mark.asyncio
@pytest.mark.parametrize("keys", [("f9", "2", "4"), ("f9", "1"), ("f9", "5")], ids=["transfer", "no_show", "finish"])
async def test_a_ticket_that_leaves_the_window_takes_its_applicant_with_it(make_app, case_service, settings, catalog,
                                                                          clock, keys):
    """Issue 30 item 3: F7 calls a ticket taken with an ID (and F6 brings the returning applicant's
    details); 转兜底, 过号 or 结束接待 empties the form, so the next ticket (taken without an ID) starts
    with nothing of the previous applicant."""
    from .test_scan_and_lookup import saved_case

    saved_case(case_service, catalog, "赵六")
    tickets = _tickets(case_service, settings, catalog, clock)
    first = printed(tickets, "A", id_number="11010519491231002X")
    second = printed(tickets, "A")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(pilot, CLERK_ID, CLERK_PASSWORD, "7")
        await pilot.press("f7")
        await settle(pilot)
        await settle(pilot)
        form = app.screen.query_one("#applicant")
        assert form.applicant().id_number == "11010519491231002X"
        await pilot.press("f6")
        await settle(pilot)
        assert form.applicant().name == "赵六"

        await pilot.press(*keys)
        await settle(pilot)
        assert app.screen.window_status.current is None
        assert f"{first.number}" in screen_text(app)  # the caller's answer stays in the banner
        assert form.applicant().id_number == "" and form.applicant().name == ""
        assert app.state.open_visit(CLERK_ID) is None  # nor is it kept on this machine for later

        await pilot.press("f7")
        await settle(pilot)
        await settle(pilot)
        assert app.screen.window_status.current.id == second.id
        assert form.applicant().id_number == "" and form.applicant().name == ""
        assert "11010519491231002X" not in screen_text(app) and "赵六" not in screen_text(app)
