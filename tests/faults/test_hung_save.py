"""A hung PostgreSQL server (``kill -STOP`` on its processes) during a save.

Seen in the hall: the save waited as long as the hang, F10 worked again
meanwhile, and both saves committed when the server resumed — two cases for
one visit.  Now the second F10 is inert, the save is reported "not known yet"
after the statement timeout, and the kept visit is resolved by asking the
store for its key — exactly one case, also when the window process is killed
and restarted while the server hangs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time

import pytest

from bench.hall_checks import check_store
from clerk.config import PROJECT_ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TEACHER = "370112-JYTY-003"
CLERK_ID, CLERK_PASSWORD = "w07", "demo1234"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(scope="module")
def hall_data():
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog

    catalog = load_catalog(PROJECT_ROOT / "data" / "catalog")
    catalog.prepare_search()
    return catalog, WorkCalendar.load(PROJECT_ROOT / "data" / "calendar")


@pytest.fixture
def hung_store(restartable_pg, hall_data, cheap_password_hashing):
    """A migrated database on the freezable cluster, with the window clerk; thawed afterwards."""
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    name = restartable_pg.server.create_database()
    url = restartable_pg.server.url(name)
    store = Store(url)
    upgrade(store)
    service = CaseService(store, *hall_data, hall_code="SF")
    service.add_user(None, CLERK_ID, "王小红", Role.WINDOW, CLERK_PASSWORD)
    try:
        yield url, service
    finally:
        restartable_pg.thaw()
        store.dispose()
        restartable_pg.server.drop_database(name)


def _cases(service) -> list:
    from sqlalchemy import select

    from clerk.store.tables import CaseRow

    with service.store.session(write=False) as session:
        return list(session.execute(select(CaseRow)).scalars())


async def _until(pilot, condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


@pytest.mark.asyncio
async def test_a_hung_server_during_a_save_gives_one_case(restartable_pg, hung_store, hall_data, tmp_path,
                                                          hall_key_file):
    from clerk.config import Settings
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState
    from tests.tui.visit import applicant, pick, settle, sign_in

    url, service = hung_store
    settings = Settings.defaults(home=tmp_path / "home", database_url=url, receipts_dir=tmp_path / "receipts",
                       statement_timeout_seconds=1.0, key_file=hall_key_file)
    app = ClerkApp(Services(settings, catalog=hall_data[0], calendar=hall_data[1]),
                   state=WindowState(tmp_path / "state"), retry_interval=0.3)
    pending = tmp_path / "state" / "pending"
    banner = lambda: app.screen.query_one("#banner").text  # noqa: E731
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)

        restartable_pg.freeze()
        try:
            began = time.monotonic()
            await pilot.press("f10")  # confirm: the save hangs
            await pilot.pause()
            await pilot.press("f10")  # again: inert while the save is in flight
            await pilot.pause()
            assert "正在保存本次办件" in banner()
            assert await _until(pilot, lambda: "暂未知" in banner(), 10), banner()
            assert time.monotonic() - began < 6  # the statement timeout (1 s) bounds the wait, not the hang
            assert "张三" in banner()  # whose visit it is
            assert len(list(pending.glob("*.json"))) == 1  # kept, with its key
            await pilot.press("f10")  # the form is empty now: nothing to save twice
            await pilot.pause(2)  # the hang goes on for a while
        finally:  # never leave the server frozen: the app's shutdown waits for its save worker
            restartable_pg.thaw()

        assert await _until(pilot, lambda: not list(pending.glob("*.json")), 30), banner()
        assert await _until(pilot, lambda: "暂存的办件已保存" in banner(), 10), banner()
        assert "张三" in banner()

    cases = _cases(service)
    assert len(cases) == 1, [c.number for c in cases]
    assert cases[0].applicant_name == "张三" and cases[0].visit_key
    assert check_store(service.store) == []


@pytest.mark.asyncio
async def test_a_sign_in_against_a_hung_server_is_told_so_within_the_timeouts(restartable_pg, hung_store, hall_data,
                                                                              tmp_path, hall_key_file):
    """Seen: the sign-in waited as long as the hang.  A pooled connection to a frozen server
    answers nothing (no driver timeout fires); the client-side limit does."""
    from clerk.config import Settings
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState
    from tests.tui.visit import CLERK_PASSWORD, settle, sign_in, typed

    url, _service = hung_store
    settings = Settings.defaults(home=tmp_path / "home", database_url=url, receipts_dir=tmp_path / "receipts",
                       statement_timeout_seconds=1.0, key_file=hall_key_file)
    services = Services(settings, catalog=hall_data[0], calendar=hall_data[1])
    app = ClerkApp(services, state=WindowState(tmp_path / "state"), retry_interval=0.3)
    banner = lambda: app.screen.query_one("#banner").text  # noqa: E731
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*typed("w07"), "enter", *typed("wrong-password"), "enter", *typed("7"), "enter")
        await settle(pilot)  # refused: the store answered, and its connection stays in the pool
        assert app.user is None and "数据库" not in banner(), banner()
        limit = services.cases.store.answer_limit
        restartable_pg.freeze()
        try:
            began = time.monotonic()
            await pilot.press(*typed(CLERK_PASSWORD), "enter")
            assert await _until(pilot, lambda: "数据库暂时无法连接" in banner(), limit + 5), banner()
            took = time.monotonic() - began
        finally:
            restartable_pg.thaw()
        assert app.user is None
        assert limit <= took < limit + 5, (took, limit)
        await pilot.press(*typed(CLERK_PASSWORD), "enter")  # the server is back: the same window signs in
        await settle(pilot)
        await settle(pilot)
        assert app.user is not None and app.user.id == "w07", banner()


def test_killed_and_restarted_while_the_server_hangs_gives_one_case(restartable_pg, hung_store, hall_data,
                                                                     tmp_path):
    from tests.faults.window_app_child import first_window, restarted_window

    url, service = hung_store
    context = multiprocessing.get_context("fork")
    # One queue per child: a queue's write lock is shared by every process that holds the queue, and a
    # child SIGKILLed between its feeder thread's write and the lock's release leaves it held for good.
    # (That, not the app, was why the restarted window used to "never reach its first screen" under load.)
    ready, frozen, report = context.Event(), context.Event(), context.Queue()
    first = context.Process(target=first_window, args=(url, str(tmp_path), *hall_data, ready, frozen, report),
                            daemon=True)
    first.start()
    assert ready.wait(120), "the first window did not reach the confirmation"
    restartable_pg.freeze()
    frozen.set()
    said = report.get(timeout=60)
    assert "正在保存本次办件" in said  # F10 again did nothing but say so
    os.kill(first.pid, signal.SIGKILL)
    first.join(10)
    pending = list((tmp_path / "state" / "pending").glob("*.json"))
    assert len(pending) == 1, "the visit was not on disk before the save began"

    report, thawed = context.Queue(), context.Event()  # the first child may have died holding the old lock
    second = context.Process(target=restarted_window, args=(url, str(tmp_path), *hall_data, report, thawed),
                             daemon=True)
    second.start()
    try:
        assert report.get(timeout=120) == ("pending at start", 1)  # the first screen is up
        told, took, refused, banner = report.get(timeout=60)  # signed in while the server hangs
    finally:
        restartable_pg.thaw()
        thawed.set()
    assert told == "sign-in while hung" and refused, banner
    assert "数据库暂时无法连接" in banner and took < 10, (took, banner)
    outcome = report.get(timeout=120)
    second.join(60)
    assert outcome[:2] == ("resolved", True), outcome
    assert "暂存的办件已保存" in outcome[2] and "张三" in outcome[2]
    cases = _cases(service)
    assert len(cases) == 1, [c.number for c in cases]
    assert check_store(service.store) == []
