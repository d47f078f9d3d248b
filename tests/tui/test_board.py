"""The hall display (``clerk board``): calls reach it within a second, on SQLite and PostgreSQL;
each new call is announced once; the TV size and 80×24 both show the latest call large."""

from __future__ import annotations

import shlex
import sys
import threading
import time

import pytest

from tests.support.screen import screen_text
from tests.support.tickets import printed

from .support import FIXED_NOW


@pytest.fixture
def hall(store, settings, catalog, cheap_password_hashing):
    """The hall's pieces on ``store`` (both databases) and a window clerk."""
    from clerk.domain.accounts import Role
    from clerk.services.accounts import AccountService
    from clerk.services.tickets import TicketService
    from clerk.tui.services import Services
    from tests.conftest import FakeClock

    clock = FakeClock(FIXED_NOW)
    tickets = TicketService(store, settings, catalog, clock)
    clerk = AccountService(store, clock).add(None, "1001", "王小明", Role.WINDOW, "secret12")
    return Services(settings, clock=clock, store=store, catalog=catalog, tickets=tickets), clerk


async def _wait(pilot, done, seconds: float) -> float:
    """Let the app run until ``done()``; the time it took (fails after ``seconds``)."""
    start = time.monotonic()
    while not done():
        if time.monotonic() - start > seconds:
            break
        await pilot.pause(0.02)
    return time.monotonic() - start


@pytest.mark.asyncio
async def test_a_call_made_elsewhere_reaches_the_board_within_a_second_and_is_announced_once(hall):
    from clerk.tui.board import BoardApp

    hall_services, clerk = hall
    tickets = hall_services.tickets
    first, second = printed(tickets, "A"), printed(tickets, "A")
    said: list[str] = []
    app = BoardApp(hall_services, announce=said.append, refresh_seconds=600)  # only a change wakes it
    async with app.run_test(size=(120, 36)) as pilot:
        await _wait(pilot, lambda: app.loads >= 1, 5)
        assert app.view.latest is None
        assert "欢迎光临" in screen_text(app)

        # another window calls, in another thread with its own connection
        caller = threading.Thread(target=tickets.call_next, args=(clerk, 7))
        started = time.monotonic()
        caller.start()
        caller.join()
        await _wait(pilot, lambda: app.view.latest is not None, 3)
        took = time.monotonic() - started  # from the call's start to the board showing it
        assert app.view.latest.number == first.number
        assert took < 1.0, f"the call took {took:.2f}s to reach the board"
        await app.workers.wait_for_complete()
        text = screen_text(app)
        assert f"请 {first.number} 号 到 7 号窗口" in text
        assert said == [f"请 {first.number} 号 到 7 号窗口"]

        # a recall is said again; nothing else is
        loads = app.loads
        hall_services.clock.advance(seconds=40)
        threading.Thread(target=tickets.recall, args=(clerk, 7)).start()
        await _wait(pilot, lambda: len(said) >= 2, 3)
        await app.workers.wait_for_complete()
        assert said == [f"请 {first.number} 号 到 7 号窗口"] * 2
        assert app.loads > loads
        # the queue line counts the one still waiting
        queue_a = next(q for q in app.view.queues if q.prefix == "A")
        assert queue_a.waiting == 1 and second.number not in text.split("最近叫号")[0]


@pytest.mark.asyncio
async def test_calls_made_before_the_board_started_are_not_announced(hall):
    from clerk.tui.board import BoardApp

    hall_services, clerk = hall
    printed(hall_services.tickets, "A")
    hall_services.tickets.call_next(clerk, 3)
    said: list[str] = []
    app = BoardApp(hall_services, announce=said.append, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: app.loads >= 1, 5)
        await app.workers.wait_for_complete()
        assert app.view.latest.window == 3
        assert said == []
        assert "请 A001 号 到 3 号窗口" in screen_text(app)


def test_the_announce_command_gets_the_call_text_as_one_argument_without_a_shell(tmp_path):
    from clerk.tui.board import announce_with

    out = tmp_path / "said.txt"
    script = tmp_path / "say.py"
    script.write_text("import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write(repr(sys.argv[2:]))\n")
    say = announce_with(f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {shlex.quote(str(out))}")
    say("请 A012 号 到 7 号窗口; touch pwned")
    assert out.read_text(encoding="utf-8") == repr(["请 A012 号 到 7 号窗口; touch pwned"])
    assert not (tmp_path / "pwned").exists()
    assert announce_with("") is None and announce_with("   ") is None


@pytest.mark.asyncio
async def test_a_store_that_does_not_answer_leaves_the_last_board_and_says_so(settings, catalog):
    from clerk.tui.board import BoardApp
    from clerk.tui.services import Services

    class Down:
        def board(self, now):
            from clerk.store.errors import StoreUnavailable

            raise StoreUnavailable("数据库暂时无法连接")

    app = BoardApp(Services(settings, clock=lambda: FIXED_NOW, tickets=Down()), watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "叫号数据暂时无法读取" in screen_text(app)


@pytest.mark.asyncio
async def test_the_reference_number_the_board_shows_for_an_internal_error_is_in_the_log(hall, monkeypatch, tmp_path):
    """``clerk board`` opens no log of its own: the incident must still reach ``clerk.log``."""
    import re

    from clerk.incidents import close_log, log_path
    from clerk.tui.board import BoardApp

    monkeypatch.setenv("CLERK_LOG_DIR", str(tmp_path / "log"))
    close_log()
    hall_services, _ = hall

    def broken(now):
        raise ImportError("cannot import name 'x' from partially initialized module 'sqlalchemy'")

    monkeypatch.setattr(hall_services.tickets, "board", broken)
    app = BoardApp(hall_services, watch=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            shown = screen_text(app)
    finally:
        close_log()
    ref = re.search(r"记录号 ([0-9a-f]{8})", shown)
    assert ref is not None, shown
    assert f"incident {ref.group(1)}" in log_path().read_text(encoding="utf-8")


#: A board started in a fresh interpreter whose SQLAlchemy and psycopg modules load slowly (a busy
#: PC): prints what its status line said once it had loaded, or had given up.
_SLOW_START = r"""
import asyncio, sys, time

class Slow:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("sqlalchemy", "sqlmodel", "psycopg", "alembic"):
            time.sleep(0.01)
        return None

sys.meta_path.insert(0, Slow())

async def main():
    from textual.widgets import Static

    from clerk.tui.board import make_board_app

    app = make_board_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = time.monotonic()
        while time.monotonic() - start < 60 and app.loads < 1:
            status = str(app.query_one("#board-status", Static).render())
            if status.strip():
                break
            await pilot.pause(0.05)
        await pilot.pause(0.5)  # the store's watcher starts and reads once
        print("loads", app.loads, "status", str(app.query_one("#board-status", Static).render()))

asyncio.run(main())
"""


def test_boards_started_together_on_a_busy_pc_all_load(store, tmp_path):
    """Several boards starting at once, their imports slowed down: each shows the hall, none an
    internal error (it did in 1 of 4 starts, 5 of 5 started together: two threads importing
    SQLAlchemy at once saw it half-initialised)."""
    import os
    import subprocess

    from tests.support.cli import CATALOG

    env = {**os.environ, "HOME": str(tmp_path), "CLERK_LOG_DIR": str(tmp_path / "log"), "CLERK_CONFIG": os.devnull,
           "CLERK_DATABASE_URL": store.url, "CLERK_CATALOG_DIR": str(CATALOG)}
    starts = [subprocess.Popen([sys.executable, "-c", _SLOW_START], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for board in starts:
        out, err = board.communicate(timeout=120)
        assert board.returncode == 0, err
        logs = "".join(p.read_text() for p in tmp_path.rglob("clerk.log"))
        assert out.strip() == "loads 1 status", out + err + logs


@pytest.mark.asyncio
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_during_an_outage_the_board_no_longer_says_every_window_serves(hall, monkeypatch):
    """Issue 30 item 19: the store stops answering; the board keeps the last calls but no longer claims
    各窗口正常服务 nor shows the old queue figures as current; once the store answers, it does again."""
    from clerk.store.errors import StoreUnavailable
    from clerk.tui.board import BoardApp

    services, _ = hall
    real = services.tickets.board

    class Flaky:
        down = False

        def board(self, now):
            if self.down:
                raise StoreUnavailable("数据库暂时无法连接")
            return real(now)

    flaky = Flaky()
    monkeypatch.setattr(services.tickets, "board", flaky.board)
    app = BoardApp(services, watch=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "各窗口正常服务" in screen_text(app)
        flaky.down = True
        app.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = screen_text(app)
        assert "叫号数据暂时无法读取" in shown
        assert "各窗口正常服务" not in shown
        assert "暂停更新" in shown
        await pilot.resize_terminal(80, 24)  # redrawn at another size: still not current
        await pilot.pause()
        await pilot.pause()
        assert "各窗口正常服务" not in screen_text(app) and "暂停更新" in screen_text(app)
        flaky.down = False
        app.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = screen_text(app)
        assert "各窗口正常服务" in shown and "暂停更新" not in shown and "叫号数据暂时无法读取" not in shown


@pytest.mark.asyncio
async def test_a_board_on_a_store_not_set_up_says_so(empty_store, settings, catalog):
    """It said 数据库未能完成本次操作，输入内容未丢失 (no input on a board; the store has no tables)."""
    from clerk.services.tickets import TicketService
    from clerk.tui.board import BoardApp
    from clerk.tui.services import Services

    services = Services(settings, clock=lambda: FIXED_NOW, store=empty_store, catalog=catalog,
                        tickets=TicketService(empty_store, settings, catalog, lambda: FIXED_NOW))
    app = BoardApp(services, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: "数据库尚未初始化" in screen_text(app), 10)
        shown = "".join(screen_text(app).split())
        assert "数据库尚未初始化" in shown and "请先运行clerksetup" in shown
        assert "输入内容未丢失" not in shown
