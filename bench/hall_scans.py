"""Scans on every pane and type-ahead after every focus move, with keys at their real pace.

    .venv/bin/python -m bench.bench_window_day --scans [--hog 1] [--sizes 80x24,120x36]

Unlike the visits of ``bench_window_day`` (Pilot: each key waits until the app is idle),
here a feeder *thread* hands keys to the headless driver at the moment they arrive, as a
terminal's input thread does (``Driver.send_message``; the key event's ``time`` is that
moment), while the UI thread is as slow as it is: keys queue behind renders, and a CPU hog
(``--hog N`` busy processes) runs beside it.  Checked:

- a case-number burst (5–20 ms a key, then Enter) with the focus on each pane of the
  intake, the lookup and the fallback desk: the scanned case opens and the pane is exactly
  as before (its text, the checklist's marks and cursor, the materials ticked);
- the 80×24 item search, empty, scanned into twice;
- type-ahead: after F2, F3, F4, Enter in each applicant field, a person's next keys
  (120–250 ms apart) land in the field the key moved the focus to.

Reported per size: misread scans, keys in the wrong field, and how long keys waited from
their arrival until the app handed them to a widget (a scan's held keys apart: they wait
for their burst by design), next to the longest stall of the UI thread's event loop.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PERSON = (0.120, 0.250)
DEVICE = (0.005, 0.020)
FRAME = 1 / 60


@dataclass
class Tally:
    scans: int = 0
    misread: list[str] = field(default_factory=list)
    typeahead: int = 0
    wrong: list[str] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)  # arrival -> handed to a widget, person keys
    held: list[float] = field(default_factory=list)  # the same, a scan's keys that reached a widget
    stall: float = 0.0


class Feeder:
    """Keys typed from another thread at a device's or a person's pace (as a terminal does)."""

    def __init__(self, app: Any, rng: random.Random) -> None:
        self.app, self.rng = app, rng
        self.device: set[int] = set()  # ids of the keys a device typed (a scan's burst)
        self.fed: set[int] = set()  # ids of all the keys this feeder typed

    def _send(self, keys: list[str], pace: tuple[float, float]) -> None:
        """The device writes each key at its own moment; like a terminal's input thread woken
        late, the feeder hands over every key written by the time it wakes, stamped then."""
        from textual import events
        from textual.keys import _character_to_key

        driver = self.app._driver
        self.times: list[float] = []
        due, written = time.monotonic(), []
        for key in keys:
            due += self.rng.uniform(*pace)
            written.append((due, key))
        while written:
            time.sleep(max(0.0, written[0][0] - time.monotonic()))
            now = time.monotonic()
            while written and written[0][0] <= now:
                _, key = written.pop(0)
                name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
                event = events.Key(name, key if len(key) == 1 else None)  # time: now, in this thread
                event.set_sender(self.app)
                self.fed.add(id(event))
                self.times.append(event.time)
                if pace == DEVICE:
                    self.device.add(id(event))
                driver.send_message(event)

    async def type(self, keys: list[str], pace: tuple[float, float]) -> None:
        thread = threading.Thread(target=self._send, args=(keys, pace), daemon=True)
        thread.start()
        while thread.is_alive():
            await asyncio.sleep(0.01)


async def idle(pilot: Any, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


def pane_state(widget: Any) -> Any:
    from textual.widgets import DataTable, Input, SelectionList

    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, SelectionList):
        return sorted(widget.selected), widget.highlighted
    if isinstance(widget, DataTable):
        return widget.cursor_row
    return None


def seed_cases(cases: Any, catalog: Any, clerk_id: str = "1001") -> tuple[str, list[str]]:
    """An accepted case to scan, and two at the fallback desk."""
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome

    user = cases.authenticate(clerk_id, "clerk123")
    code = "370112-JYTY-003"

    def draft(name: str, missing: bool) -> IntakeDraft:
        marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(code).entries}
        if missing:
            marks["photo"] = MaterialMark(MaterialStatus.MISSING)
        applicant = Applicant(ApplicantKind.PERSON, name, "11010519491231002X", "13912345678", "济南市")
        return IntakeDraft(code, applicant, Delivery.EMS, {}, marks)

    accepted = cases.submit(user, 3, draft("赵六", False), Outcome.ACCEPT).number
    fallback = [cases.submit(user, 3, draft(n, True), Outcome.FALLBACK).number for n in ("钱七", "孙八")]
    return accepted, fallback


async def scan_here(pilot: Any, feeder: Feeder, tally: Tally, where: str, widget: Any, number: str,
                    opened: Any) -> None:
    """Scan ``number`` with the focus on ``widget``; ``opened()`` says the case is shown."""
    app = pilot.app
    widget.focus()
    await idle(pilot, 1)
    home, before = app.screen, pane_state(widget)
    marks = dict(getattr(home, "marks", {}))
    tally.scans += 1
    await feeder.type([*number, "enter"], DEVICE)
    for _ in range(100):
        await idle(pilot, 1)
        if opened():
            break
    problems = []
    if not opened():
        problems.append("case not opened: " + app.screen.query_one("#banner").text)
    if app.screen is not home and type(app.screen).__name__ == "LookupScreen":
        await pilot.press("escape")
        await idle(pilot, 1)
    if app.screen is home and type(home).__name__ != "FallbackScreen":
        if pane_state(widget) != before:
            problems.append(f"pane changed: {before!r} -> {pane_state(widget)!r}")
        if dict(getattr(home, "marks", {})) != marks:
            problems.append("checklist marks changed")
    if problems:
        gaps = [b - a for a, b in zip(feeder.times, feeder.times[1:], strict=False)]
        problems.append(f"widest gap between the burst's keys as they arrived: {max(gaps) * 1000:.0f} ms")
        tally.misread.append(f"{where}: " + "; ".join(problems))


async def run_scans(size: tuple[int, int], seed: int, tmp: Path) -> Tally:
    from textual.widgets import DataTable, Input

    from bench.bench_drill import build_app

    tally = Tally()
    rng = random.Random(seed)
    app = build_app(tmp, key_clock=None)
    waits: list[tuple[float, bool]] = []
    forward = app.keys._forward
    feeder = Feeder(app, rng)

    async def timed_forward(event: Any) -> None:
        if id(event) in feeder.fed:  # the feeder's keys (Pilot's own keys wait for idle: not counted)
            waits.append((time.monotonic() - event.time, id(event) in feeder.device))
        await forward(event)

    app.keys._forward = timed_forward
    accepted, fallback = seed_cases(app.services.cases, app.services.catalog)
    from bench.bench_window_day import LoopWatch

    watch = LoopWatch()
    async with app.run_test(size=size) as pilot:
        await idle(pilot)
        await pilot.press(*"1001", "enter", *"clerk123", "enter", "7", "enter")
        await idle(pilot)
        watch.start()
        watch.keys = True
        intake = app.screen
        lookup_open = lambda: type(app.screen).__name__ == "LookupScreen" and app.screen.view is not None \
            and app.screen.view.number == accepted  # noqa: E731

        # the 80×24 item search, empty, twice; then the panes of the intake with an item picked
        search = intake.query_one("#search-input", Input)
        for n in range(2):
            await scan_here(pilot, feeder, tally, f"事项搜索（空）#{n + 1}", search, accepted, lookup_open)
        await pilot.press("f2", *"370112-JYTY-003", "enter")
        await idle(pilot)
        for wid, label in [("#applicant-name", "姓名"), ("#applicant-id", "身份证号"), ("#applicant-phone", "手机"),
                           ("#applicant-address", "地址"), ("#checklist", "材料清单"), ("#search-input", "事项搜索")]:
            await scan_here(pilot, feeder, tally, f"受理·{label}", intake.query_one(wid), accepted, lookup_open)
        checklist = intake.query_one("#checklist", DataTable)
        checklist.focus()
        await pilot.press("1")  # a material ticked, the cursor on the next row: a scan must keep both
        await scan_here(pilot, feeder, tally, "受理·材料清单（已勾选）", checklist, accepted, lookup_open)

        # the lookup's own input (a second notice scanned while one is open)
        await feeder.type([*accepted, "enter"], DEVICE)
        await idle(pilot)
        lookup = app.screen
        await scan_here(pilot, feeder, tally, "查询·编号", lookup.query_one("#lookup-input"), accepted, lookup_open)
        while app.screen is not intake:
            await pilot.press("escape")
            await idle(pilot, 1)

        # the fallback desk: every pane, the scanned case (never the highlighted row) opens
        app.action_go("fallback")
        await idle(pilot)
        desk = app.screen
        for _ in range(50):
            if desk.query_one("#fallback-queue", DataTable).row_count >= 2:
                break
            await idle(pilot, 1)
        queue = desk.query_one("#fallback-queue", DataTable)
        for n, wid in enumerate(["#fallback-queue", "#fallback-scan", "#fallback-materials", "#fallback-ref",
                                 "#fallback-pickup", "#fallback-reason", "#fallback-channel"]):
            queue.move_cursor(row=0)
            highlighted = str(queue.coordinate_to_cell_key(queue.cursor_coordinate).row_key.value)
            number = [c for c in fallback if c != highlighted][0] if n % 2 == 0 else highlighted

            def desk_open(number: str = number) -> bool:
                return desk.case is not None and desk.case.number == number

            if desk.case is not None and desk.case.number == number:  # make the scan change the case
                other = [c for c in fallback if c != number][0]
                await feeder.type([*other, "enter"], DEVICE)
                await idle(pilot)
            widget = desk.query_one(wid)
            widget.focus()
            await idle(pilot, 1)
            typed_reason = wid in ("#fallback-reason", "#fallback-ref")
            if typed_reason:
                await feeder.type(list("ab"), PERSON)
            await scan_here(pilot, feeder, tally, f"兜底·{wid.removeprefix('#fallback-')}", widget, number, desk_open)
            if isinstance(widget, Input) and number in widget.value:
                tally.misread.append(f"兜底·{wid}: the number was typed into the field")
        while app.screen is not intake:
            await pilot.press("escape")
            await idle(pilot, 1)

        # type-ahead after every focus move, at a person's pace on a slow UI
        await pilot.press("ctrl+n")
        await idle(pilot)
        if type(app.screen).__name__ != "IntakeScreen":
            await pilot.press("enter")  # "clear the half-entered visit?" -> yes
            await idle(pilot)
        intake = app.screen
        steps = [
            (["f2", *"jszg"], "#search-input", None),
            (["enter", "f3", *"张三"], "#applicant-name", "张三"),
            (["enter", *"11010519491231002X"], "#applicant-id", "11010519491231002X"),
            (["enter", *"13812345678"], "#applicant-phone", "13812345678"),
            (["enter", *"山大路100号"], "#applicant-address", "山大路100号"),
        ]
        for keys, wid, expected in steps:
            await feeder.type(keys, PERSON)
            await idle(pilot, 2)
            tally.typeahead += 1
            value = intake.query_one(wid, Input).value
            if expected is not None and value != expected:
                tally.wrong.append(f"{keys[0]} → {wid}: {value!r}")
        await feeder.type(["f4", "1"], PERSON)
        await idle(pilot, 2)
        tally.typeahead += 1
        if not intake.marks:
            tally.wrong.append("f4 → 材料清单: the 1 marked no material")
        if intake.query_one("#applicant-address", Input).value != "山大路100号":
            tally.wrong.append("f4 → 材料清单: the 1 went into the address")
        watch.keys = False
        tally.stall = watch.stop()
    tally.waits = [w for w, held in waits if not held]
    tally.held = [w for w, held in waits if held]
    return tally


def hog(n: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def report(sizes: list[tuple[int, int]], seed: int, hogs: int) -> int:
    import tempfile

    procs = hog(hogs)
    try:
        print(f"keys from a feeder thread at their real pace, {hogs} CPU hog(s) beside the app; "
              "waits: from a key's arrival until the app hands it to a widget")
        print("| size | scans | misread | type-ahead checks | keys in the wrong field | person keys: worst wait, ms "
              "| p95 ms | over a frame | a scan's first key: worst wait, ms | worst UI stall, ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        bad = 0
        for size in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                t = asyncio.run(run_scans(size, seed, Path(tmp)))
            waits = sorted(t.waits) or [0.0]
            p95 = waits[int(0.95 * (len(waits) - 1))]
            over = sum(w > FRAME for w in waits)
            print(f"| {size[0]}×{size[1]} | {t.scans} | {len(t.misread)} | {t.typeahead} | {len(t.wrong)} "
                  f"| {waits[-1] * 1000:.0f} | {p95 * 1000:.0f} | {over}/{len(waits)} "
                  f"| {max(t.held or [0.0]) * 1000:.0f} | {t.stall * 1000:.0f} |")
            for line in t.misread + t.wrong:
                print(f"  {size[0]}×{size[1]}: {line}")
            bad += len(t.misread) + len(t.wrong)
        return 1 if bad else 0
    finally:
        for p in procs:
            p.kill()
            p.wait()
