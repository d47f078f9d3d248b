"""Kept visits on the window's disk: sealed, bound to their clerk, never lost in silence.

A pending file that fails its seal (written by hand, altered, moved to another
clerk) is set aside and reported, never saved.  A visit that can be neither
saved nor kept stays on screen with a red banner and a bell.  The state folder
is the service account's alone (0600 / 0700); a full or unwritable one does not
stop a clerk from signing in.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

import clerk.tui.app
from clerk.domain.intake import Outcome
from clerk.store.errors import StoreUnavailable
from clerk.tui.app import ClerkApp
from clerk.tui.state import PendingVisit, WindowState
from clerk.tui.widgets.banner import Banner
from tests.support.drafts import PERSON, hygiene
from tests.support.screen import settle

pytestmark = pytest.mark.asyncio
SIZE = (120, 36)


@pytest.fixture
def backend():
    """The seal and the folder are the window's; one store is enough."""
    return "sqlite"


@pytest.fixture
def hall_key(settings):
    from clerk.store.hallkey import ensure_hall_key, load_hall_key

    ensure_hall_key(settings)
    return lambda: load_hall_key(settings)


def _forged(state_dir, clerk_id="9001", window=42, name="冒名顶替"):
    """A pending file written by hand, in the format of a kept visit but without the key."""
    from clerk.tui.state import draft_to_dict

    draft = hygiene()
    data = {"clerk_id": clerk_id, "window": window, "outcome": "accept", "reason": "",
            "draft": {**draft_to_dict(draft), "applicant": {**draft_to_dict(draft)["applicant"], "name": name}},
            "seal": "00" * 32}
    (state_dir / "pending").mkdir(parents=True, exist_ok=True)
    path = state_dir / "pending" / "forged.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


async def _sign_in(app, pilot, user):
    await settle(pilot)
    app.signed_in(user, 5)
    await settle(pilot)
    await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
    await app.workers.wait_for_complete()
    await settle(pilot)


async def test_a_hand_written_pending_file_is_not_saved(make_app, service, users, tmp_path, hall_key):
    from clerk.domain.accounts import Role

    service.add_user(None, "9001", "冒名", Role.WINDOW, "secret1")
    state_dir = tmp_path / "state"
    _forged(state_dir)
    app = make_app(state_dir=state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window"])
        banner = app.screen.query_one(Banner)
        assert banner.level == "error" and "未通过校验" in banner.text
    assert service.find("冒名顶替") == []
    assert not list((state_dir / "pending").glob("*.json"))
    assert [p.name for p in (state_dir / "pending" / "rejected").iterdir()] == ["forged.json"]


@pytest.mark.parametrize("change", ["name", "clerk", "window", "seal-only"])
async def test_an_altered_kept_visit_is_set_aside(make_app, service, users, tmp_path, hall_key, change):
    state_dir = tmp_path / "state"
    kept = WindowState(state_dir, key=hall_key).keep(PendingVisit("w01", 3, hygiene(), Outcome.ACCEPT))
    path = state_dir / "pending" / f"{kept.key}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if change == "name":
        data["draft"]["applicant"]["name"] = "李鬼"
    elif change == "clerk":
        data["clerk_id"] = "w02"  # another clerk's visit now, under the first one's seal
    elif change == "window":
        data["window"] = 42
    else:
        data.pop("seal")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = make_app(state_dir=state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window2"])
        assert "未通过校验" in app.screen.query_one(Banner).text
    assert service.find(PERSON.name) == [] and service.find("李鬼") == []
    assert (state_dir / "pending" / "rejected" / path.name).exists()


async def test_a_sealed_visit_is_saved_as_its_own_clerk_and_the_folder_is_private(
        make_app, service, users, tmp_path, hall_key):
    state_dir = tmp_path / "state"
    WindowState(state_dir, key=hall_key).keep(PendingVisit("w02", 4, hygiene(), Outcome.ACCEPT))
    app = make_app(state_dir=state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window"])
    (summary,) = service.find(PERSON.name)
    view = service.get(summary.number)
    assert (view.clerk_id, view.window) == ("w02", 4)
    for folder in (state_dir, state_dir / "pending"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in (state_dir / "window", state_dir / "clerk.log"):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600


async def test_kept_files_are_private(tmp_path):
    state = WindowState(tmp_path / "state", key=lambda: bytes(32))
    kept = state.keep(PendingVisit("w01", 3, hygiene(), Outcome.ACCEPT))
    assert stat.S_IMODE((tmp_path / "state" / "pending" / f"{kept.key}.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "state" / "pending").stat().st_mode) == 0o700
    # sealed under another hall key: not saved there, and not filed as forged either (it waits)
    other = WindowState(tmp_path / "state", key=lambda: bytes(31) + b"\x01")
    assert other.pending() == [] and other.take_rejected() == [] and sum(other.waiting_for_key.values()) == 1


class StoreDown:
    """The real service with the database unreachable for submits."""

    def __init__(self, real) -> None:
        self.real = real

    def submit(self, *args, **kwargs):
        raise StoreUnavailable()

    def __getattr__(self, name):
        return getattr(self.real, name)


class BellCounter(ClerkApp):
    CSS_PATH = str(Path(clerk.tui.app.__file__).parent / ClerkApp.CSS_PATH)
    rings = 0

    def bell(self) -> None:
        self.rings += 1
        super().bell()


async def test_a_visit_neither_saved_nor_kept_stays_on_screen(settings, service, users, catalog, calendar, clock,
                                                              tmp_path, hall_key):
    from textual.widgets import Input

    from clerk.tui.services import Services

    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "pending").write_text("not a folder")  # the disk refuses the kept visit
    os.symlink("/dev/full", state_dir / "window.tmp")  # and remembering the window: no space left
    services = Services(settings, clock=clock, catalog=catalog, calendar=calendar, cases=StoreDown(service))
    app = BellCounter(services, state=WindowState(state_dir), retry_interval=0.01)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window"])  # remember_window fails quietly
        screen = app.screen
        app.submit_visit(screen, hygiene(), Outcome.ACCEPT, "")
        await settle(pilot)
        banner = screen.query_one(Banner)
        assert banner.level == "error" and "未能保存，也无法暂存" in banner.text
        assert app.rings == 1 and app.is_running and app.screen is screen
    assert service.find(PERSON.name) == []


async def test_signing_in_with_a_full_state_folder_works(make_app, users, tmp_path):
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    os.symlink("/dev/full", state_dir / "window.tmp")
    app = make_app(state_dir=state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window"])
        assert app.user is users["window"] and type(app.screen).__name__ == "IntakeScreen"
    assert not (state_dir / "window").exists()


async def test_a_visit_kept_under_another_hall_key_waits_for_it_and_is_saved_once_it_is_back(
        make_app, service, users, settings, tmp_path, hall_key):
    """Seen: a window given another key file (a new ``clerk setup``) filed the visits kept under the hall's
    key as forged (``pending/rejected/``), and they stayed there after the right key was back."""
    from dataclasses import replace

    from clerk.store.hallkey import ensure_hall_key

    state_dir = tmp_path / "state"
    kept = WindowState(state_dir, key=hall_key).keep(PendingVisit("w02", 4, hygiene(), Outcome.ACCEPT))
    path = state_dir / "pending" / f"{kept.key}.json"
    other = replace(settings, key_file=tmp_path / "other" / "hall.key")  # the wrong key on this window
    ensure_hall_key(other)

    app = make_app(state_dir=state_dir, settings_=other)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window"])
        text = "\n".join(entry.text for entry in app.message_log.entries)
        assert "由另一把大厅密钥封存" in text and "装回该大厅密钥文件" in text, text
        assert "未通过校验" not in text and "伪造" not in text
    assert path.exists() and not (state_dir / "pending" / "rejected").exists()  # waiting, not filed as forged
    assert service.find(PERSON.name) == []

    app = make_app(state_dir=state_dir)  # the hall's key is back
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window"])
        await settle(pilot)
    (summary,) = service.find(PERSON.name)
    assert service.get(summary.number).clerk_id == "w02"
    assert not path.exists()


async def test_a_file_claiming_this_windows_key_with_a_bad_seal_is_still_rejected(tmp_path):
    from clerk.tui.state import key_id

    key = bytes(32)
    state = WindowState(tmp_path / "state", key=lambda: key)
    kept = state.keep(PendingVisit("w01", 3, hygiene(), Outcome.ACCEPT))
    path = tmp_path / "state" / "pending" / f"{kept.key}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["key_id"] == key_id(key)
    data["draft"]["applicant"]["name"] = "李鬼"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert state.pending() == [] and [p.name for p in state.take_rejected()] == [path.name]
    assert state.waiting_for_key == {}


async def test_a_copied_kept_file_is_set_aside_once_and_its_visit_saved_once(make_app, service, users, tmp_path,
                                                                             hall_key):
    """Seen: a kept file copied under another name made the retry spin (``暂存的办件已保存`` 13 times a minute)."""
    state_dir = tmp_path / "state"
    kept = WindowState(state_dir, key=hall_key).keep(PendingVisit("w02", 4, hygiene(), Outcome.ACCEPT))
    original = state_dir / "pending" / f"{kept.key}.json"
    (state_dir / "pending" / "replayed.json").write_bytes(original.read_bytes())
    app = make_app(state_dir=state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, users["window"])
        await settle(pilot)
        said = [entry.text for entry in app.message_log.entries]
    assert sum("文件名与办件标识不符" in text for text in said) == 1, said
    assert sum("暂存的办件已保存" in text for text in said) == 1, said
    assert len(service.find(PERSON.name)) == 1
    assert not list((state_dir / "pending").glob("*.json"))
    assert [p.name for p in (state_dir / "pending" / "unmatched").iterdir()] == ["replayed.json"]


async def test_a_half_entered_visit_kept_under_another_hall_key_is_left_for_it(tmp_path):
    state_dir = tmp_path / "state"
    WindowState(state_dir, key=lambda: bytes(32)).keep_open("w01", hygiene(), "k" * 32)
    other = WindowState(state_dir, key=lambda: bytes(31) + b"\x01")
    assert other.open_visit("w01") is None and other.take_rejected() == []  # not filed as forged
    back = WindowState(state_dir, key=lambda: bytes(32)).open_visit("w01")
    assert back is not None and back.key == "k" * 32
