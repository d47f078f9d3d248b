"""``clerk.tui.saving.VisitSaving`` on its own: no Textual, a real state folder, a scripted store.

The window is a recorder of what the saving asked of it; ``on_ui`` runs each call at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.errors import StoreUnavailable
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, Outcome
from clerk.services.visits import VisitSaver
from clerk.tui.saving import KeptForLater, NeitherSavedNorKept, NotSaved, Saved, VisitSaving
from clerk.tui.state import PendingVisit, WindowState

TEACHER = "370112-JYTY-003"
CLERK = ClerkUser("w07", "王小红", Role.WINDOW)
SCREEN = "intake"


def a_visit(name: str = "张三", key: str = "a" * 32) -> PendingVisit:
    applicant = Applicant(ApplicantKind.PERSON, name, "110101199003071234", "13800000000")
    return PendingVisit(CLERK.id, 7, IntakeDraft(TEACHER, applicant, Delivery.PICKUP), Outcome.ACCEPT, "", key)


@dataclass
class Window:
    """Records what the saving asked of the window."""

    up: set[str] = field(default_factory=lambda: {SCREEN})
    screens: list[tuple[str, Any]] = field(default_factory=list)
    banners: list[tuple[str, str, bool | None]] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    bells: int = 0
    retries: int = 0

    def shows(self, screen: str) -> bool:
        return screen in self.up

    def to_screen(self, screen: str, outcome: Any) -> None:
        self.screens.append((screen, outcome))

    def banner(self, text: str, level: str = "error", sticky: bool | None = None) -> None:
        self.banners.append((text, level, sticky))

    def withdraw(self, text: str) -> None:
        self.withdrawn.append(text)

    def print_case(self, number: str) -> None:
        self.printed.append(number)

    def bell(self) -> None:
        self.bells += 1

    def start_retry(self) -> None:
        self.retries += 1


class Cases:
    """A case service whose ``submit`` does what the test says; it remembers what it stored by key."""

    def __init__(self, state: WindowState) -> None:
        self.state = state
        self.stored: dict[str, Any] = {}
        self.submits: list[str] = []
        self.asked: list[str] = []  # keys the store was asked for (``saved_visit``)
        self.kept_at_submit: list[list[str]] = []  # the kept visits' keys when each submit began
        self.fail: BaseException | None = None
        self.gate: threading.Event | None = None  # set: submit waits for it (a hung server)

    def submit(self, user: ClerkUser, window: int, draft: IntakeDraft, outcome: Outcome, reason: str, *,
               visit_key: str, received_at: Any = None) -> Any:
        self.kept_at_submit.append([v.key for v in self.state.pending()])
        self.submits.append(visit_key)
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail is not None:
            raise self.fail
        if visit_key not in self.stored:
            self.stored[visit_key] = SimpleNamespace(
                number=f"20260310-SF-{len(self.stored) + 1:04d}", state="已受理", name="教师资格认定",
                applicant=SimpleNamespace(name=draft.applicant.name), user=user)
        return self.stored[visit_key]

    def saved_visit(self, key: str) -> Any:
        self.asked.append(key)
        if self.fail is not None:
            raise self.fail
        return self.stored.get(key)


@pytest.fixture
def state(tmp_path) -> WindowState:
    return WindowState(tmp_path / "state", key=lambda: bytes(32))


@pytest.fixture
def cases(state) -> Cases:
    return Cases(state)


def saving_for(state: Any, cases: Cases, window: Window, deadline: float = 5.0) -> VisitSaving[str]:
    visits = VisitSaver(cases, deadline)
    accounts = {CLERK.id: CLERK}
    return VisitSaving(state, lambda: visits, accounts.__getitem__, window, on_ui=lambda call: call(),
                       explain=str, retry_interval=0.01)


def kept_keys(state: WindowState) -> list[str]:
    return sorted(p.stem for p in state.pending_dir.glob("*.json"))


def retry_until_done(saving: VisitSaving[str], seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    saving.retry_kept(lambda: time.monotonic() > end)
    assert time.monotonic() <= end, "the retry did not finish"


def test_the_visit_is_kept_before_its_save_starts_and_dropped_once_saved(state, cases):
    window, visit = Window(), a_visit()
    saving = saving_for(state, cases, window)
    assert saving.begin(visit)
    assert saving.saving(visit.key)
    outcome = saving.save(SCREEN, CLERK, visit)
    assert cases.kept_at_submit == [[visit.key]]  # on disk when the store was asked
    assert isinstance(outcome, Saved) and window.screens == [(SCREEN, outcome)]
    assert kept_keys(state) == [] and not saving.saving(visit.key)
    assert window.retries == 0 and window.banners == []
    assert saving.case_label(outcome.view.number) == f"{outcome.view.number}（张三 · 教师资格认定）"


def test_a_second_begin_of_a_visit_on_its_way_is_refused(state, cases):
    saving, visit = saving_for(state, cases, Window()), a_visit()
    assert saving.begin(visit)
    assert not saving.begin(visit)  # F10 again while the save is in flight
    saving.save(SCREEN, CLERK, visit)
    assert cases.submits == [visit.key]
    assert saving.begin(visit)  # that save is over: a new attempt may start (the store keeps one case per key)


def test_a_save_past_its_bound_is_not_known_yet_the_visit_stays_kept_and_the_retry_resolves_it_once(state, cases):
    window, visit = Window(), a_visit()
    saving = saving_for(state, cases, window, deadline=0.05)
    cases.gate = threading.Event()  # the server hangs
    saving.begin(visit)
    began = time.monotonic()
    outcome = saving.save(SCREEN, CLERK, visit)
    assert time.monotonic() - began < 2  # the bound, not the hang
    assert isinstance(outcome, KeptForLater) and "暂未知" in outcome.text and "张三" in outcome.text
    assert window.screens == [(SCREEN, outcome)] and window.retries == 1
    assert kept_keys(state) == [visit.key]
    assert not saving.saving(visit.key)  # the retry takes it over

    cases.gate.set()  # the server wakes up: the first attempt commits
    for thread in threading.enumerate():
        if thread.name == "clerk-store-call":  # clerk.services.visits: the attempt still waiting
            thread.join(5)
    retry_until_done(saving)
    assert cases.submits == [visit.key]  # asked by key, never saved a second time
    assert kept_keys(state) == []
    (number,) = [case.number for case in cases.stored.values()]
    assert window.printed == [number]
    recovered = [text for text, level, sticky in window.banners if "暂存的办件已保存" in text]
    assert len(recovered) == 1 and "张三" in recovered[0]


def test_a_visit_kept_during_an_outage_is_saved_by_the_retry_exactly_once(state, cases):
    window, visit = Window(), a_visit()
    saving = saving_for(state, cases, window)
    cases.fail = StoreUnavailable()
    saving.begin(visit)
    outcome = saving.save(SCREEN, CLERK, visit)
    assert isinstance(outcome, KeptForLater) and "数据库恢复后自动保存" in outcome.text
    assert window.retries == 1 and kept_keys(state) == [visit.key]

    end = time.monotonic() + 0.3
    saving.retry_kept(lambda: time.monotonic() > end)  # still out: it keeps trying until cancelled
    assert kept_keys(state) == [visit.key] and window.printed == []

    cases.fail = None
    retry_until_done(saving)
    retry_until_done(saving)  # nothing left: a second run saves nothing
    assert len(cases.stored) == 1 and cases.stored[visit.key].user is CLERK  # as the clerk who took it
    assert window.printed == [cases.stored[visit.key].number]
    assert sum("暂存的办件已保存" in text for text, _, _ in window.banners) == 1
    assert window.withdrawn == [outcome.text]  # “kept … saved once the store is back” no longer holds
    assert kept_keys(state) == []


def test_a_visit_the_store_refuses_is_not_saved_and_the_screen_is_told(state, cases):
    window, visit = Window(), a_visit()
    saving = saving_for(state, cases, window)
    cases.fail = ValueError("请填写新生儿姓名")
    saving.begin(visit)
    outcome = saving.save(SCREEN, CLERK, visit)
    assert isinstance(outcome, NotSaved) and outcome.text == "张三：未保存。请填写新生儿姓名"
    assert window.screens == [(SCREEN, outcome)]  # the form that holds the visit hears it
    assert window.retries == 0 and cases.stored == {}
    assert kept_keys(state) == []  # nothing for the retry to save behind the clerk's back


def test_a_visit_neither_saved_nor_kept_rings_and_is_not_retried(tmp_path, cases):
    unkeyed = WindowState(tmp_path / "state")  # no hall key: nothing can be kept
    window, visit = Window(), a_visit()
    saving = saving_for(unkeyed, cases, window)
    cases.fail = StoreUnavailable()
    assert saving.begin(visit)  # the save still goes ahead
    assert window.banners and window.banners[0][1] == "warning" and "本机暂存失败" in window.banners[0][0]
    outcome = saving.save(SCREEN, CLERK, visit)
    assert isinstance(outcome, NeitherSavedNorKept) and "也无法暂存" in outcome.text
    assert window.bells == 1 and window.screens == [(SCREEN, outcome)] and window.retries == 0


def test_a_write_ahead_that_failed_is_tried_again_when_the_store_is_out(state, cases):
    class FlakyDisk:
        """The state folder refuses the first write only."""

        def __init__(self) -> None:
            self.writes = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(state, name)

        def keep(self, visit: PendingVisit) -> PendingVisit:
            self.writes += 1
            if self.writes == 1:
                raise OSError(28, "No space left on device")
            return state.keep(visit)

    window, visit = Window(), a_visit()
    saving = saving_for(FlakyDisk(), cases, window)
    cases.fail = StoreUnavailable()
    saving.begin(visit)
    assert kept_keys(state) == []
    outcome = saving.save(SCREEN, CLERK, visit)
    assert isinstance(outcome, KeptForLater) and kept_keys(state) == [visit.key]
    assert window.bells == 0 and window.retries == 1


def test_an_outcome_for_a_screen_that_has_gone_goes_to_the_banner(state, cases):
    window, visit = Window(up=set()), a_visit()
    saving = saving_for(state, cases, window)
    saving.begin(visit)
    outcome = saving.save(SCREEN, CLERK, visit)
    assert isinstance(outcome, Saved) and window.screens == []
    ((text, level, sticky),) = window.banners
    assert level == "ok" and sticky and "已保存" in text and "张三" in text
    assert window.printed == [outcome.view.number]  # the app still prints it

    cases.fail = StoreUnavailable()
    other = a_visit("李四", "b" * 32)
    saving.begin(other)
    saving.save(SCREEN, CLERK, other)
    text, level, sticky = window.banners[-1]
    assert level == "warning" and sticky and "李四" in text


def test_kept_visits_found_at_sign_in_are_retried_and_forged_ones_reported(state, cases):
    window = Window()
    saving = saving_for(state, cases, window)
    saving.look_for_kept()
    assert window.banners == [] and window.retries == 0  # nothing kept: nothing said

    state.keep(a_visit())
    saving.look_for_kept()
    assert window.banners[-1][1] == "warning" and "正在自动保存" in window.banners[-1][0]
    assert window.retries == 1

    forged = state.pending_dir / f"{'c' * 32}.json"
    data = json.loads((state.pending_dir / f"{'a' * 32}.json").read_text(encoding="utf-8"))
    data["draft"]["applicant"]["name"] = "王五"  # changed by hand: the seal no longer holds
    forged.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    saving.look_for_kept()
    text, level, _ = window.banners[-1]
    assert level == "error" and "1 个暂存办件未通过校验" in text and str(state.rejected_dir) in text
    assert not forged.exists()
    retry_until_done(saving)
    assert [case.applicant.name for case in cases.stored.values()] == ["张三"]


def test_a_kept_visit_the_store_refuses_stays_kept_and_is_reported(state, cases):
    window, visit = Window(), a_visit()
    saving = saving_for(state, cases, window)
    state.keep(visit)
    cases.fail = PermissionError("工号 w07 不存在，不能办理业务")
    retry_until_done(saving)
    ((text, level, sticky),) = window.banners
    assert level == "error" and sticky and "张三" in text and "不能办理业务" in text
    assert kept_keys(state) == [visit.key] and window.printed == []


class Waits(threading.Event):
    """The retry's pauses, recorded instead of waited; set after ``rounds`` of them."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.rounds = rounds
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= self.rounds:
            self.set()
        return self.is_set()


def test_while_the_store_is_out_the_retry_backs_off_to_four_intervals(state, cases):
    state.keep(a_visit())
    cases.fail = StoreUnavailable()
    waits = Waits(rounds=6)
    visits = VisitSaver(cases, 5.0)
    saving = VisitSaving(state, lambda: visits, {CLERK.id: CLERK}.__getitem__, Window(), on_ui=lambda call: call(),
                         explain=str, retry_interval=1.0, stop=waits)
    saving.retry_kept()
    assert waits.waits == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]  # doubling, capped at 4 intervals
    assert len(cases.asked) == 6  # the store is asked once a round, never without a pause


@pytest.mark.parametrize("original", ["kept too", "already saved"])
def test_a_copied_kept_file_is_set_aside_once_and_the_retry_does_not_spin(state, cases, original):
    """A kept file under another name than its visit key (copied, or replayed after the save)."""
    window, visit = Window(), a_visit()
    saving = saving_for(state, cases, window)
    state.keep(visit)
    kept = (state.pending_dir / f"{visit.key}.json").read_bytes()
    if original == "already saved":  # the copy is a replay of a visit the store holds
        saving.begin(visit)
        saving.save(SCREEN, CLERK, visit)
        assert kept_keys(state) == [] and len(cases.stored) == 1
        cases.asked.clear()
    (state.pending_dir / "copy.json").write_bytes(kept)
    retry_until_done(saving, seconds=5)  # before: it ran until cancelled, announcing the same case again and again
    retry_until_done(saving, seconds=5)
    assert kept_keys(state) == [] and [p.name for p in state.unmatched_dir.iterdir()] == ["copy.json"]
    said = [text for text, _, _ in window.banners]
    assert sum("文件名与办件标识不符" in text for text in said) == 1, said
    assert str(state.unmatched_dir) in next(text for text in said if "文件名与办件标识不符" in text)
    assert sum("暂存的办件已保存" in text for text in said) == (1 if original == "kept too" else 0)
    assert len(cases.stored) == 1 and cases.submits == [visit.key]
    assert len(cases.asked) <= 1  # the copy itself is never looked up


def test_the_saving_loads_no_textual():
    code = "import sys, clerk.tui.saving; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
