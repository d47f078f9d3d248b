"""Saving a finished visit at the window: write-ahead keep, bounded save, retry, delivery.

``VisitSaving`` knows nothing of Textual.  The window app owns the threads (its
workers run ``save`` and ``retry_kept``) and implements ``SaveWindow``: what the
saving needs from the window, every method called on the UI thread (the
``on_ui`` callable given to the constructor moves a call there — the app's
``call_from_thread``).

- ``begin`` (UI thread): the visit is written to the state folder *before* its
  save starts, so a window killed mid-save finds it on restart (with its key);
  False when a save of the visit is already on its way (F10 again is inert).
- ``save`` (a worker): the bounded save (``clerk.services.visits.VisitSaver``);
  the outcome (``Saved``, ``KeptForLater``, ``NotSaved``, ``NeitherSavedNorKept``)
  goes to the screen that asked, or to the banner when that screen has gone.
- ``retry_kept`` (a worker): saves the kept visits, asking the store for each
  visit's key first (a save whose answer never came may be there), until none
  is left; each recovered case is announced and printed once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeAlias, TypeVar

from clerk.domain.errors import StoreUnavailable
from clerk.services.visits import SaveNotKnown
from clerk.tui.state import PendingVisit, StateError

if TYPE_CHECKING:
    from datetime import datetime

    from clerk.domain.accounts import ClerkUser
    from clerk.domain.intake import IntakeDraft, Outcome
    from clerk.domain.views import CaseView

Level: TypeAlias = Literal["info", "ok", "warning", "error"]

#: The screen that asked for a save (opaque here: only the ``SaveWindow`` looks at it).
S = TypeVar("S")
S_contra = TypeVar("S_contra", contravariant=True)


@dataclass(frozen=True)
class Saved:
    """The store holds the visit's case."""

    view: CaseView


@dataclass(frozen=True)
class KeptForLater:
    """No answer from the store (unreachable, or too slow: not known yet); the visit is kept on
    this machine and the retry takes it over."""

    visit: PendingVisit
    text: str


@dataclass(frozen=True)
class NotSaved:
    """The store refused the visit: nothing stored; the form still holds it."""

    error: BaseException
    text: str


@dataclass(frozen=True)
class NeitherSavedNorKept:
    """The store is unreachable and the state folder cannot keep the visit: it stays on screen."""

    error: BaseException
    text: str


SaveOutcome: TypeAlias = Saved | KeptForLater | NotSaved | NeitherSavedNorKept


class SaveWindow(Protocol[S_contra]):
    """What the saving needs from the window app; every method runs on the UI thread."""

    def shows(self, screen: S_contra) -> bool:
        """The screen that asked is still up (it gets the outcome, else the banner does)."""
        ...

    def to_screen(self, screen: S_contra, outcome: SaveOutcome) -> None:
        """Hand the outcome to the screen that asked (it updates its own widgets)."""
        ...

    def banner(self, text: str, level: Level = "error", sticky: bool | None = None) -> None: ...

    def withdraw(self, text: str) -> None:
        """Take back a banner message that no longer holds, wherever it is shown (it stays in F11)."""
        ...

    def print_case(self, number: str) -> None:
        """Print a saved case's notices; the outcome goes to the banner."""
        ...

    def bell(self) -> None: ...

    def start_retry(self) -> None:
        """Run ``retry_kept`` in a worker (one at a time)."""
        ...


class BoundedVisits(Protocol):
    """``clerk.services.visits.VisitSaver``: exactly-once saves that never wait without bound."""

    def save(self, user: ClerkUser, window: int, draft: IntakeDraft, outcome: Outcome, reason: str,
             key: str, at: datetime | None = None) -> CaseView: ...

    def resolve(self, key: str) -> CaseView | None: ...


class VisitSaving(Generic[S]):
    """The window's saves of finished visits (see the module's docstring)."""

    def __init__(
        self,
        state: KeptVisits,
        visits: Callable[[], BoundedVisits],
        account: Callable[[str], ClerkUser],
        window: SaveWindow[S],
        *,
        on_ui: Callable[[Callable[[], None]], object],
        explain: Callable[[BaseException], str],
        retry_interval: float = 15.0,
        stop: threading.Event | None = None,
    ) -> None:
        self.state = state
        self._visits = visits  # built on first use (it imports the store): called from workers only
        self._account = account  # an active account by id: a kept visit is saved as the clerk who took it
        self.window = window
        self._on_ui = on_ui
        self._explain = explain  # the clerk's sentence for an error
        self.retry_interval = retry_interval
        self.stop = stop or threading.Event()
        self._lock = threading.Lock()
        self._saving: set[str] = set()  # visit keys this process is saving right now
        self._unkept: set[str] = set()  # visit keys whose write-ahead copy could not be kept
        self._whose: dict[str, str] = {}  # case number -> applicant · item, for later messages
        self._kept_said: dict[str, str] = {}  # visit key -> the banner that said it was kept here

    # -- the UI thread ------------------------------------------------------------
    def case_label(self, number: str) -> str:
        """``number（applicant · item）`` when this window saved it, else the number."""
        with self._lock:
            who = self._whose.get(number)
        return f"{number}（{who}）" if who else number

    def saving(self, key: str) -> bool:
        """A save of this visit is in flight in this process."""
        with self._lock:
            return key in self._saving

    def begin(self, visit: PendingVisit) -> bool:
        """Keep the visit on disk, then let its save start (True); False: it is already on its way."""
        with self._lock:
            if visit.key in self._saving:  # never a second attempt
                return False
            self._saving.add(visit.key)
        try:
            # written ahead, before anything can be sent: a window killed mid-save finds the
            # visit (and its key) on restart and asks the store for it
            self.state.keep(visit)
        except OSError as exc:  # StateError too: no hall key, a full or unwritable state folder
            with self._lock:
                self._unkept.add(visit.key)
            self.window.banner(f"本机暂存失败（{exc}），仍在保存……", "warning")
        return True

    def look_for_kept(self) -> None:
        """After sign-in: kept visits whose seal holds are saved; any other is set aside and reported."""
        try:
            waiting = self.state.pending()
        except StateError as exc:
            self.window.banner(f"本机有暂存的办件，但无法核验：{exc}。请联系管理员。")
            return
        rejected = self.state.take_rejected()
        unmatched = self.state.take_unmatched()
        foreign = dict(self.state.waiting_for_key)
        if rejected:
            self.window.banner(rejected_text(rejected, self.state.rejected_dir))
        if unmatched:
            self.window.banner(unmatched_text(unmatched, self.state.unmatched_dir))
        if foreign:
            self.window.banner(foreign_key_text(foreign, self.state), "warning", True)
        if waiting and not (rejected or unmatched or foreign):
            self.window.banner("有暂存未保存的办件，正在自动保存……", "warning")
        if waiting:
            self.window.start_retry()

    # -- workers --------------------------------------------------------------------
    def save(self, screen: S, user: ClerkUser, visit: PendingVisit) -> SaveOutcome:
        """Save a visit ``begin`` let through; its outcome goes to ``screen`` (or the banner)."""
        outcome = self._attempt(user, visit)
        if isinstance(outcome, NeitherSavedNorKept):
            self._on_ui(partial(self._lost, screen, outcome))
        else:
            self._on_ui(partial(self._deliver, screen, outcome))
        if isinstance(outcome, KeptForLater):  # after the key left ``_saving``: the retry takes it over
            with self._lock:
                self._kept_said[visit.key] = outcome.text  # taken back once the retry saved it
            self._on_ui(self.window.start_retry)
        return outcome

    def _attempt(self, user: ClerkUser, visit: PendingVisit) -> SaveOutcome:
        who = visit.draft.applicant.name or "本次办件"
        try:
            view = self._visits().save(user, visit.window, visit.draft, visit.outcome, visit.reason, visit.key,
                                       visit.at)
        except SaveNotKnown as exc:  # it may still commit: kept (ahead), resolved by its key later
            why = self._keep_again(visit)
            if why is not None:  # never "kept" unless it is on disk: the form keeps the visit instead
                return NeitherSavedNorKept(exc, f"{who}：保存结果暂未知（数据库未在规定时间内答复），且本次办件无法暂存在本机"
                                                f"（{why}）。请不要清空此办件，待数据库恢复后在此再按 F10 办结"
                                                "（按办件标识核对，不会重复受理），并联系管理员。")
            return KeptForLater(visit, f"{who}：{exc}")
        except StoreUnavailable as exc:
            why = self._keep_again(visit)
            if why is not None:
                return NeitherSavedNorKept(exc, f"{who}：本次办件未能保存，也无法暂存在本机（{why}）。"
                                                "请不要关闭或清空此办件，待数据库恢复后再按 F10 办结，并联系管理员。")
            return KeptForLater(visit, f"{who}：{exc} 本次办件已暂存在本机，数据库恢复后自动保存，请勿重复录入。")
        except Exception as exc:
            self._forget(visit)  # refused: nothing stored; the form still holds the visit
            return NotSaved(exc, f"{who}：未保存。{self._explain(exc)}")
        else:
            self._forget(visit)
            with self._lock:
                self._unkept.discard(visit.key)
            self._saved(view)
            return Saved(view)
        finally:
            with self._lock:
                self._saving.discard(visit.key)

    def _forget(self, visit: PendingVisit) -> None:
        """The store answered: the kept copy goes.  A folder that cannot drop it (unwritable)
        never hides the answer: the copy left behind is resolved by its key later (no second case)."""
        try:
            self.state.saved(visit)
        except OSError:
            pass

    def _keep_again(self, visit: PendingVisit) -> StateError | None:
        """The write-ahead copy failed: try once more now that the store is out too (the error: kept nowhere)."""
        with self._lock:
            if visit.key not in self._unkept:
                return None
        try:
            self.state.keep(visit)
        except StateError as why:
            return why
        with self._lock:
            self._unkept.discard(visit.key)
        return None

    def retry_kept(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Save the visits kept during a store outage, until none is left (a worker).

        While the store does not answer, the rounds wait ``retry_interval``, doubling
        up to ``RETRY_CAP`` times it; a round that saved something starts the next at
        once (it removed files, so this cannot spin).  A visit saved in this run whose
        file could not be removed is not asked for again (nor announced twice).
        """
        delay = self.retry_interval
        done: set[str] = set()  # saved in this run
        while not cancelled() and not self.stop.is_set():
            try:
                with self._lock:
                    busy = set(self._saving) | done
                pending = [v for v in self.state.pending() if v.key not in busy]  # in flight: that attempt's
            except StateError as exc:
                self._say(f"暂存的办件无法核验：{exc}")
                return
            self._report_set_aside()
            if not pending:
                return
            progressed = False
            for visit in pending:
                try:
                    # ask the store for the visit's key first: a save whose answer never came may be there
                    visits = self._visits()
                    view = visits.resolve(visit.key)
                    if view is None:  # not stored, no attempt in flight: save it (same key: once at most)
                        clerk = self._account(visit.clerk_id)
                        view = visits.save(clerk, visit.window, visit.draft, visit.outcome, visit.reason, visit.key,
                                           visit.at)  # received when the applicant was there, not now
                except StoreUnavailable:  # also SaveNotKnown: ask again later
                    break
                except Exception as exc:  # a visit the store refuses: leave it, tell the clerk
                    self._say(f"暂存的办件（{visit.draft.applicant.name}）无法保存：{self._explain(exc)}",
                              "error", True)
                    return
                done.add(visit.key)
                try:
                    self.state.saved(visit)
                    progressed = True
                except OSError as exc:  # saved, but its file stays: not asked for again in this run
                    self._say(f"暂存的办件已保存，但本机文件无法删除（{exc.strerror or exc}），请联系管理员。",
                              "warning")
                self._saved(view)
                with self._lock:
                    said = self._kept_said.pop(visit.key, None)
                self._on_ui(partial(self._recovered, view, said))
            if progressed:
                delay = self.retry_interval
                continue
            if self.stop.wait(delay):
                return
            delay = min(delay * 2, self.retry_interval * RETRY_CAP)

    def _report_set_aside(self) -> None:
        """Files the last look at the state folder moved aside: said once each."""
        rejected = self.state.take_rejected()
        if rejected:
            self._say(rejected_text(rejected, self.state.rejected_dir))
        unmatched = self.state.take_unmatched()
        if unmatched:
            self._say(unmatched_text(unmatched, self.state.unmatched_dir))

    def _saved(self, view: CaseView) -> None:
        who = " · ".join(part for part in (view.applicant.name, view.name) if part)
        with self._lock:
            self._whose[view.number] = who

    # -- back on the UI thread -----------------------------------------------------------
    def _say(self, text: str, level: Level = "error", sticky: bool | None = None) -> None:
        self._on_ui(partial(self.window.banner, text, level, sticky))

    def _deliver(self, screen: S, outcome: SaveOutcome) -> None:
        """To the screen that asked; if it has gone meanwhile, the banner says it (and a saved case prints)."""
        if self.window.shows(screen):
            self.window.to_screen(screen, outcome)
        elif isinstance(outcome, Saved):
            view = outcome.view
            self.window.banner(f"受理编号 {self.case_label(view.number)}（{view.state}）已保存，正在打印……",
                               "ok", True)
            self.window.print_case(view.number)
        else:
            self.window.banner(outcome.text, "warning" if isinstance(outcome, KeptForLater) else "error", True)

    def _lost(self, screen: S, outcome: NeitherSavedNorKept) -> None:
        self.window.bell()
        if self.window.shows(screen):
            self.window.to_screen(screen, outcome)
        else:
            self.window.banner(outcome.text)

    def _recovered(self, view: CaseView, said: str | None = None) -> None:
        """A kept visit was saved: what said it was kept (“…数据库恢复后自动保存”) no longer holds."""
        if said is not None:
            self.window.withdraw(said)
        self.window.banner(f"暂存的办件已保存：受理编号 {self.case_label(view.number)}（{view.state}），"
                           "正在打印……", "ok", True)
        self.window.print_case(view.number)


class KeptVisits(Protocol):
    """The window's state folder (``clerk.tui.state.WindowState``): visits kept until the store has them."""

    @property
    def rejected_dir(self) -> Path: ...

    def keep(self, visit: PendingVisit) -> PendingVisit: ...

    def pending(self) -> list[PendingVisit]: ...

    def take_rejected(self) -> list[Path]: ...

    @property
    def unmatched_dir(self) -> Path: ...

    def take_unmatched(self) -> list[Path]: ...

    @property
    def waiting_for_key(self) -> dict[str, int]: ...

    def hall_key_id(self) -> str: ...

    def saved(self, visit: PendingVisit) -> None: ...


#: the longest wait between retries while the store does not answer, in retry intervals
RETRY_CAP = 4


def unmatched_text(unmatched: list[Path], folder: Path) -> str:
    return (f"发现 {len(unmatched)} 个暂存办件的文件名与办件标识不符（复制或重放的文件），未保存，"
            f"已移至 {folder}。请联系管理员核查。")


def foreign_key_text(foreign: dict[str, int], state: KeptVisits) -> str:
    try:
        ours = f"（本机密钥指纹 {state.hall_key_id()}）"
    except StateError:
        ours = ""
    which = "、".join(f"{fingerprint}：{count} 个" for fingerprint, count in sorted(foreign.items()))
    return (f"本机有 {sum(foreign.values())} 个暂存办件由另一把大厅密钥封存（密钥指纹 {which}），当前密钥{ours}无法核验，"
            "暂不保存，文件原样保留；装回该大厅密钥文件后重新登录即自动保存。请联系管理员。")


def rejected_text(rejected: list[Path], folder: Path) -> str:
    return (f"发现 {len(rejected)} 个暂存办件未通过校验（伪造、被改动或不属于本机），未保存，"
            f"已移至 {folder}。请联系管理员核查。")
