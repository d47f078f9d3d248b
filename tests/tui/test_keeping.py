"""F10 while the database is frozen and the state folder cannot keep the visit (issue 23, high 2).

Seen: the banner said "保存结果暂未知……本次办件已暂存在本机……请勿重复录入" and the form
cleared, but nothing was in ``pending/``; once the database resumed there was no case.
Now "kept" is said only when the kept file and its folder reached the disk; otherwise the
visit stays on screen under a red banner, and F10 again (same visit key) saves it once.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import replace

import pytest

from clerk.tui.widgets.banner import Banner
from tests.support.frozen import FrozenStore

from .visit import PERSON, applicant, finish, pick, settle, sign_in

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

TEACHER = "370112-JYTY-003"


def _break_disk(how: str, state_dir, monkeypatch) -> None:
    """The state folder stops keeping files, in one of the ways seen on window PCs."""
    real_fsync = os.fsync
    if how == "full":  # no space left: the data cannot be flushed
        def fsync(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    elif how == "folder-not-synced":  # the file is written, but its name never reaches the disk
        def fsync(fd: int) -> None:
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            real_fsync(fd)
    else:  # "unwritable": the pending folder cannot be made
        (state_dir / "pending").write_text("not a folder")
        return
    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize(("how", "resumed"), [("full", "commits"), ("folder-not-synced", "drops"),
                                               ("unwritable", "commits")])
async def test_a_visit_neither_known_saved_nor_kept_stays_on_screen_and_is_saved_once_later(
        make_app, case_service, settings, tmp_path, monkeypatch, how, resumed):
    frozen = FrozenStore(case_service)
    quick = replace(settings, statement_timeout_seconds=0.2)  # the save is "not known" after 1.2 s
    state_dir = tmp_path / "state"
    app = make_app(cases=frozen, settings_=quick, state_dir=state_dir)
    banner = lambda: app.screen.query_one(Banner)  # noqa: E731
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await applicant(pilot)
        await pilot.press("f4", "a")
        await settle(pilot)
        intake = app.screen
        _break_disk(how, state_dir, monkeypatch)
        frozen.freeze()
        try:
            await finish(pilot, 1)  # the save waits past its bound: not known; the keep fails
            await settle(pilot)
            shown = banner()
            assert shown.level == "error", shown.text
            assert "暂未知" in shown.text and "无法暂存在本机" in shown.text and "已暂存在本机" not in shown.text
            assert "请不要清空此办件" in shown.text and PERSON[0] in shown.text
            assert app.screen is intake and intake.query_one("#applicant-name").value == PERSON[0]  # not cleared
            assert not list(state_dir.glob("pending/*.json"))  # indeed nothing kept
        finally:
            frozen.thaw(dropped=resumed == "drops")  # the database resumes
        frozen.wait_for_stragglers()
        assert len(case_service.find(PERSON[0])) == (1 if resumed == "commits" else 0)

        await finish(pilot, 1)  # F10 again on the same form: the same visit key
        await settle(pilot)
        (case,) = case_service.find(PERSON[0])  # one case, never two
        assert banner().level == "ok" and f"受理编号 {case.number}" in banner().text, banner().text
        assert intake.query_one("#applicant-name").value == ""  # saved now: the form is clear


async def test_a_visit_typed_again_minutes_after_its_save_is_flagged_before_a_second_case(make_app, case_service):
    """Seen: a visit whose kept copy was cleared was typed again and became a second case."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        for _ in range(2):  # the same applicant and item, twice
            await pick(pilot, TEACHER)
            await applicant(pilot)
            await pilot.press("f4", "a")
            await finish(pilot, 1)
        (first,) = case_service.find(PERSON[0])
        assert type(app.screen).__name__ == "ConfirmScreen"  # F10 by habit made no second case
        warning = app.screen.query_one(Banner)
        assert warning.level == "warning" and first.number in warning.text and "重复录入" in warning.text, warning.text
        assert len(case_service.find(PERSON[0])) == 1

        await pilot.press("f10")  # on purpose: another application indeed
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
    assert len(case_service.find(PERSON[0])) == 2
