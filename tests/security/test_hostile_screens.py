"""Hostile text stored in the cases (old rows, other systems) through every screen that shows it.

The domain refuses controls, bidi marks and long names at entry, so the rows
are written behind its back, as far as each store can hold them (PostgreSQL
has no NUL in text and 200-character columns).  Every screen must show the
text literally — markup as typed, controls as visible pictures, long text
cut — never crash, never turn a name into an action or a link, and never
let an escape sequence reach the terminal.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clerk.domain.intake import Outcome
from clerk.domain.views import Decision, Rating
from clerk.identity.text import printable
from tests.support.drafts import hygiene, incomplete_hygiene
from tests.support.hostile import CONTROL_CHARS, HOSTILE
from tests.support.screen import screen_text, settle

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
SIZE = (160, 50)


def _storable(backend):
    return [h for h in HOSTILE if backend == "sqlite" or h.pg_storable]


def _set(service, sql, **params):
    """Write behind the services (the domain refuses these values at entry)."""
    with service.store.connection(write=True) as conn:
        conn.execute(text(sql), params)


def _seed(service, users, backend):
    """One incomplete and one mailed case per hostile string, a bad rating and a complaint."""
    from clerk.services.desk import DeskService

    desk = DeskService(service)
    seeded = []
    for h in _storable(backend):
        waiting = service.submit(users["window"], 3, incomplete_hygiene(), Outcome.FALLBACK)
        decided = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
        for number in (waiting.number, decided.number):
            _set(service, "UPDATE cases SET applicant_name = :v, applicant_address = :v, reason = :v "
                          "WHERE number = :n", v=h.value, n=number)
        desk.record_decision(users["office"], 1, decided.number, Decision.APPROVED)  # queues the mailing
        desk.rate(users["boss"], 1, decided.number, Rating.VERY_DISSATISFIED, comment="待改")
        _set(service, "UPDATE rating_notes SET comment = :v WHERE case_id = (SELECT id FROM cases WHERE number = :n)",
             v=h.value, n=decided.number)
        seeded.append((h, waiting.number, decided.number))
    return desk, seeded


def _assert_clean(app):
    shown = screen_text(app)
    for ch in CONTROL_CHARS:
        assert ch not in shown
    return shown


def _fragment(value: str) -> str:
    """A piece of the value as the screen shows it (controls as pictures, before any cut)."""
    return printable(value, None)[:8]


async def test_desks_show_hostile_names_literally(make_app, service, users, backend):
    desk, seeded = _seed(service, users, backend)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the fallback desk: its queue lists every case, then each opens with name and address
        app.signed_in(users["fallback"], 5)
        await settle(pilot)
        await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
        shown = _assert_clean(app)
        assert "[/]坏标记" in shown and "[@click=app.q" in shown  # literal; long names end in “…” in a queue
        for h, waiting, _ in seeded:
            app.screen.open_case(waiting)
            await settle(pilot)
            assert _fragment(h.value) in _assert_clean(app)
        # F5: the list and every case's details (name, address, reason)
        app.action_lookup()
        await settle(pilot)
        await pilot.press(*"13812345678", "enter")
        await settle(pilot)
        _assert_clean(app)
        await pilot.click("#lookup-results", offset=(30, 2))  # a literal "[@click=…]" runs nothing
        await settle(pilot)
        assert app.is_running
        for h, waiting, decided in seeded:
            app.open_case(decided)
            await settle(pilot)
            shown = _assert_clean(app)
            assert f"申请人：{_fragment(h.value)}" in shown
            detail = app.screen.query_one("#case-detail")
            for strip in detail.render_lines(detail.region.reset_offset):
                assert all(seg.style is None or not (seg.style.link or seg.style.meta) for seg in strip)
    assert app.return_code in (None, 0)

    # the EMS station lists recipients and addresses; the supervisor's follow-ups the comments
    for who, place in (("mail", None), ("boss", "rating"), ("boss", "dashboard")):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.signed_in(users[who], 5)
            await settle(pilot)
            await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
            if place:
                app.action_go(place)
                await settle(pilot)
            shown = _assert_clean(app)
            if who == "mail":
                assert "[@click=app.quit]点我[/]" in shown or "[/]坏标记" in shown
            if place == "rating":
                assert "[/]坏标记" in shown
            assert app.is_running


async def test_complaint_desk_shows_hostile_summary_literally(make_app, service, users, backend):
    app = make_app()
    complaints = app.services.complaints
    for h in _storable(backend)[:6]:
        logged = complaints.log(users["boss"], 1, next(iter(complaints.categories)), "待改")
        _set(service, "UPDATE complaints SET summary = :v, applicant_name = :v WHERE number = :n",
             v=h.value, n=logged.number)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.signed_in(users["boss"], 5)
        await settle(pilot)
        await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
        app.action_go("complaints")
        await settle(pilot)
        shown = _assert_clean(app)
        assert "[/]坏标记" in shown and "[@click=app.quit]点我" in shown
