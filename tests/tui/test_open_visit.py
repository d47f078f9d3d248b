"""The visit being typed, kept on the window's disk: one store, one file per clerk,
its visit key kept, written off the UI thread and never older than what was typed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.tui.state import WindowState
from tests.support.drafts import PERSON, hygiene

from .support import CLERK_ID, CLERK_PASSWORD
from .test_scan_and_lookup import TEACHER
from .visit import pick, settle, sign_in


def _state(tmp_path) -> WindowState:
    return WindowState(tmp_path / "state", key=lambda: bytes(range(32)))


def test_clerk_ids_that_escape_alike_keep_their_own_visit(tmp_path):
    state = _state(tmp_path)
    first = hygiene(applicant=replace(PERSON, name="甲"))
    second = hygiene(applicant=replace(PERSON, name="乙"))
    state.keep_open("a.b", first, "k1")
    state.keep_open("a_b", second, "k2")
    assert state.open_visit("a.b").draft.applicant.name == "甲"
    assert state.open_visit("a_b").draft.applicant.name == "乙"
    assert state.open_visit("a_b").key == "k2"
    assert len(list((tmp_path / "state" / "open").glob("*.json"))) == 2
    state.drop_open("a.b")
    assert state.open_visit("a.b") is None and state.open_visit("a_b") is not None


def test_the_writer_keeps_only_the_newest_state_and_a_drop_wins(tmp_path):
    state = _state(tmp_path)
    writer = state.writer
    assert writer.note("w07", hygiene(applicant=replace(PERSON, name="一")), "k") is True
    assert writer.note("w07", hygiene(applicant=replace(PERSON, name="二")), "k") is False  # a drain is due already
    assert state.open_visit("w07") is None  # nothing written on the caller's thread
    assert writer.drain() == []
    assert state.open_visit("w07").draft.applicant.name == "二"
    writer.note("w07", hygiene(applicant=replace(PERSON, name="三")), "k")
    writer.flush()  # quit, hand-over: on this thread, now
    assert state.open_visit("w07").draft.applicant.name == "三"
    assert writer.drain() == []  # nothing older comes after the flush
    assert state.open_visit("w07").draft.applicant.name == "三"
    writer.note("w07", None)
    writer.drain()
    assert state.open_visit("w07") is None


@pytest.mark.asyncio
async def test_a_restored_visit_keeps_its_visit_key(make_app, tmp_path):
    state_dir = tmp_path / "state"
    first = make_app(state_dir=state_dir)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, TEACHER)
        await pilot.press(*"张三")
        await settle(pilot)
        key = first.screen.visit_key
    second = make_app(state_dir=state_dir)
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*CLERK_ID, "enter", *CLERK_PASSWORD, "enter")
        await settle(pilot)
        assert second.screen.query_one("#applicant-name").value == "张三"
        assert second.screen.visit_key == key  # finished again, it is still one case in the store
