"""The window app's plain pieces: scanner timing, the key map, kept visits."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from clerk.catalog.model import Delivery
from clerk.config import load_settings
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.tui.keymap import keymap_from_settings
from clerk.tui.scanner import ScanDetector
from clerk.tui.state import PendingVisit, WindowState

TEACHER = "370112-JYTY-003"


class Ticks:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def feed(detector: ScanDetector, text: str, expected=None) -> str | None:
    for ch in text:
        detector.key(ch)
    return detector.enter(expected)


def test_a_fast_burst_ending_in_enter_is_a_scan():
    assert feed(ScanDetector(clock=Ticks(0.004)), "20260310-SF-0001") == "20260310-SF-0001"


def test_human_typing_is_not_a_scan():
    assert feed(ScanDetector(clock=Ticks(0.12)), "20260310-SF-0001") is None


def test_a_short_fast_burst_is_not_a_scan():
    assert feed(ScanDetector(clock=Ticks(0.004)), "1234567") is None


def test_an_id_card_reader_burst_is_not_a_scan():
    """18 digits at a device's pace: an ID number for the focused field, not a case number."""
    assert feed(ScanDetector(clock=Ticks(0.004), hall="SF"), "370112199001017775") is None


def test_another_halls_case_number_is_not_a_scan_here():
    assert feed(ScanDetector(clock=Ticks(0.004), hall="SF"), "20260310-XY-0001") is None
    assert feed(ScanDetector(clock=Ticks(0.004), hall="SF"), "20260310-sf-0001") == "20260310-sf-0001"


def test_a_screen_may_expect_other_scans():
    """The EMS screen expects waybills: a fast waybill is a scan there, and only there."""
    waybill = "EA123456785CN"
    assert feed(ScanDetector(clock=Ticks(0.004)), waybill) is None
    assert feed(ScanDetector(clock=Ticks(0.004)), waybill, lambda text: text == waybill) == waybill
    assert feed(ScanDetector(clock=Ticks(0.12)), waybill, lambda text: True) is None


def test_a_pause_splits_the_burst():
    ticks = Ticks(0.004)
    detector = ScanDetector(clock=ticks)
    for ch in "abc":
        detector.key(ch)
    ticks.now += 0.5
    assert feed(detector, "20260310-SF-0001") == "20260310-SF-0001"


def test_a_configured_prefix_makes_even_slow_input_a_scan():
    detector = ScanDetector(prefix="~~", clock=Ticks(0.2))
    assert feed(detector, "~~20260310-SF-0001") == "20260310-SF-0001"


def test_keymap_reads_the_table_and_reports_unknown_ids(tmp_path):
    path = tmp_path / "clerk.toml"
    path.write_text('window = 3\n[keymap]\n"intake.finish" = "f12"\n"checklist.original" = "1, space"\n'
                    , encoding="utf-8")
    settings = load_settings({"CLERK_CONFIG": str(path), "HOME": str(tmp_path)})
    settings = replace(settings, keymap=(*settings.keymap, ("no.such", "x")))  # the config file refuses it
    keymap, warnings = keymap_from_settings(settings, lambda: {"intake.finish", "checklist.original"})
    assert keymap == {"intake.finish": "f12", "checklist.original": "1,space"}
    assert warnings and "no.such" in warnings[0]


def test_no_keymap_table_means_no_keymap_and_no_screen_imports(tmp_path):
    path = tmp_path / "clerk.toml"
    path.write_text("window = 3\n", encoding="utf-8")
    settings = load_settings({"CLERK_CONFIG": str(path), "HOME": str(tmp_path)})

    def every_screen() -> set[str]:
        raise AssertionError("the binding ids are collected only when the table has entries")

    assert keymap_from_settings(settings, every_screen) == ({}, [])


def test_kept_visit_round_trips_through_json(tmp_path):

    marks = {"photo": MaterialMark(MaterialStatus.TOLERATED, 0, "下周补", date(2026, 3, 20))}
    applicant = Applicant(ApplicantKind.ORG, "某公司", "91350100M000100Y43", "0531-88886666", "济南")
    visit = PendingVisit("w07", 7, IntakeDraft(TEACHER, applicant, Delivery.PICKUP, {"a": "b"}, marks), Outcome.TOLERATE)
    state = WindowState(tmp_path, key=lambda: bytes(32))
    kept = state.keep(visit)
    data = json.loads((tmp_path / "pending" / f"{kept.key}.json").read_text(encoding="utf-8"))
    assert data["draft"]["applicant"]["name"] == "某公司"
    (back,) = state.pending()
    assert back.draft == visit.draft and back.outcome is Outcome.TOLERATE
    state.saved(back)
    assert state.pending() == []


def test_a_banners_sign_is_never_a_letter():
    """ℹ (U+2139) is a letter to Unicode and looked like one: the lookup's status read
    ``i已打开 20261201-SF-0002`` in a browser.  Each level's sign is a symbol."""
    import unicodedata

    from clerk.tui.screens.history import _LEVELS
    from clerk.tui.widgets.banner import _ICONS

    signs = [*_ICONS.values(), *(label.split()[0] for label in _LEVELS.values())]
    assert all(unicodedata.category(sign).startswith("S") for sign in signs), signs


def test_one_late_key_does_not_split_a_scanners_burst():
    """A loaded PC wakes the terminal's input thread late between two keys: 5 fast keys, one 100 ms gap."""
    times = iter([0.0, 0.01, 0.02, 0.03, 0.04, 0.14, *(0.15 + 0.01 * n for n in range(20))])
    detector = ScanDetector(clock=lambda: next(times), hall="SF")
    assert feed(detector, "20260310-SF-0001") == "20260310-SF-0001"


def test_a_persons_keys_never_make_a_burst_even_with_a_quick_pair():
    times = iter([0.0, 0.03, *(0.03 + 0.13 * n for n in range(1, 20))])
    assert feed(ScanDetector(clock=lambda: next(times), hall="SF"), "20260310-SF-0001") is None


def test_keys_are_held_only_while_a_fast_burst_can_still_be_a_case_number():
    detector = ScanDetector(clock=Ticks(0.01), hall="SF")
    held = [detector.key(ch) for ch in "20261202-SF-0012"]
    assert held == [False] + [True] * 15  # the first key acts; nobody can know it yet
    detector = ScanDetector(clock=Ticks(0.01), hall="SF")
    assert [detector.key(ch) for ch in "11010519"] == [False] * 8  # an ID number: never held
    detector = ScanDetector(clock=Ticks(0.15), hall="SF")
    assert not any(detector.key(ch) for ch in "20261202")  # a person's pace: never held


def test_a_scan_right_after_a_clerks_keys_is_the_scan_alone():
    """The clerk typed ``ab``; the scanner's burst began 100 ms later: the scan is the number only."""
    times = iter([0.0, 0.13, *(0.23 + 0.01 * n for n in range(20))])
    detector = ScanDetector(clock=lambda: next(times), hall="SF")
    assert feed(detector, "ab20260310-SF-0001") == "20260310-SF-0001"
    assert detector.start == 2  # the scan began after the clerk's two keys


@pytest.mark.asyncio
async def test_a_message_that_matters_shown_again_still_stays_until_read():
    """A screen shows 未能打印 as a message that stays; the app shows the same message again (an
    error that reached it too): it must stay, not be pushed off by the next line."""
    from textual.app import App

    from clerk.tui.widgets.banner import Banner

    class One(App[None]):
        def compose(self):
            yield Banner()

    app = One()
    async with app.run_test():
        banner = app.query_one(Banner)
        banner.show("20261202-SF-0001（李四）：未能打印", "error", sticky=True)
        banner.show("20261202-SF-0001（李四）：未能打印", "error")
        banner.show("已打开 20261202-SF-0002", "info")
        assert "未能打印" in banner.text and "已打开" in banner.text
        banner.acknowledge()
        assert "未能打印" not in banner.text
