"""A visit kept through a store outage is the applicant's visit of the day they came (#30 item 9):
its case number's date and its deadlines follow the time it was finished at the window, not the
time the store got it."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from clerk.domain.errors import IntakeError
from clerk.domain.intake import Outcome
from clerk.domain.lifecycle import CaseState
from clerk.services.visits import VisitSaver
from clerk.tui.saving import VisitSaving
from clerk.tui.state import PendingVisit, WindowState
from tests.support.drafts import hygiene

CAME = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wed 10:00 in the hall


class Window:
    """What the saving asks of a window, recorded."""

    def __init__(self) -> None:
        self.printed: list[str] = []
        self.banners: list[str] = []

    def shows(self, screen): return False
    def to_screen(self, screen, outcome): pass
    def banner(self, text, level="error", sticky=None): self.banners.append(text)
    def print_case(self, number): self.printed.append(number)
    def bell(self): pass
    def start_retry(self): pass


def test_a_visit_kept_through_an_outage_is_received_when_the_applicant_came(tmp_path, service, users, clock):
    state = WindowState(tmp_path / "state", key=lambda: bytes(32))
    clerk = users["window"]
    visits = VisitSaver(service, 5.0)
    window = Window()
    saving = VisitSaving(state, lambda: visits, {clerk.id: clerk}.__getitem__, window, on_ui=lambda call: call(),
                         explain=str, retry_interval=0.01)
    clock.now = CAME
    visit = PendingVisit(clerk.id, 3, hygiene(), Outcome.ACCEPT, "", "b" * 32, at=CAME)
    state.keep(visit)  # the store was out: the visit waits on this machine
    assert [v.at for v in state.pending()] == [CAME]  # sealed with the visit

    clock.now = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)  # the store is back the next morning
    end = time.monotonic() + 10
    saving.retry_kept(lambda: time.monotonic() > end)
    (number,) = window.printed
    view = service.get(number)
    assert view.state is CaseState.ACCEPTED
    assert view.received_at == CAME and number.startswith("20261125-")
    # 5 working days from Wed 11-25 (not from Thu 11-26): 26, 27, 30, 12-01, 12-02.
    assert view.promised_due.date == date(2026, 12, 2)
    intake = next(e for e in view.events if e.action == "intake")
    assert intake.after["received_at"] == CAME.isoformat()


def test_a_visits_time_is_never_in_the_future_nor_older_than_a_week(service, users, clock):
    clock.now = CAME
    with pytest.raises(IntakeError, match="不能晚于现在"):
        service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT, received_at=CAME + timedelta(hours=1))
    with pytest.raises(IntakeError, match="超过 7 天"):
        service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT, received_at=CAME - timedelta(days=8))
    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT, received_at=CAME - timedelta(days=1))
    assert view.number.startswith("20261124-")
    assert view.received_at == CAME - timedelta(days=1)
