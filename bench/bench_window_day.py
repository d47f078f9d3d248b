"""Five visits typed as people and devices type them, at 80×24 and 120×36.

    .venv/bin/python -m bench.bench_window_day [--seed 13] [--sizes 80x24,120x36]

Every key gets a delay drawn from a distribution: a clerk's keys 120–250 ms
apart, an ID-card reader's and a barcode scanner's 5–20 ms apart (the app's
scanner detector sees this simulated time).  The visits: a new applicant whose
ID number comes from the card reader, the same applicant returning (F6 takes
name, phone and address), an incomplete visit sent to the fallback desk, a
容缺 visit with a supply-by date, and a notice scanned to reprint it.

Reported per visit and size: keystrokes (all, the applicant's data, the rest),
the people's/devices' own time (the simulated delays), the machine's time (wall
time of the app handling the keys, Pilot included; Pilot's own cost on a bare
app is printed for comparison), the machine's share, and the longest stall of
the UI thread's event loop during the visit (a key waits at most that long).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_drill import bare_ms_per_key, build_app  # noqa: E402

PERSON = (120, 250)  # ms between a clerk's keys
DEVICE = (5, 20)  # ms between a card reader's / scanner's keys
ID_NUMBER = "11010519491231002X"
VERBOSE = "--verbose" in sys.argv
FRAME = 1 / 60  # s: a key should never keep the UI thread longer than one frame


def typed(text: str, data: bool = False) -> list[tuple[str, str, bool]]:
    return [(ch, "person", data) for ch in text]


def burst(text: str) -> list[tuple[str, str, bool]]:
    """A card reader or scanner: the characters and Enter, fast."""
    return [(ch, "device", True) for ch in text] + [("enter", "device", True)]


def keys(*names: str) -> list[tuple[str, str, bool]]:
    return [(k, "person", False) for k in names]


WAIT = [("~", "", False)]

# (name, steps); steps are (key, who, is_applicant_data); "~" waits for the workers
VISITS = [
    ("承诺件，新申请人（身份证读卡器）", [
        *typed("jszg"), *keys("enter"), *typed("张三", True), *keys("enter"), *burst(ID_NUMBER),
        *typed("13812345678", True), *keys("enter"), *typed("济南市历城区山大路100号", True), *keys("enter"),
        *keys("f4", "a", "f10"), *WAIT, *keys("1"), *WAIT, *keys("f10"), *WAIT]),
    ("承诺件，老申请人（F6 带入）", [
        *typed("jszg"), *keys("enter", "enter"), *burst(ID_NUMBER), *WAIT, *keys("f6"),
        *keys("f4", "a", "f10"), *WAIT, *keys("1"), *WAIT, *keys("f10"), *WAIT]),
    ("材料不全，转兜底窗口", [
        *typed("jszg"), *keys("enter", "enter"), *burst(ID_NUMBER), *WAIT, *keys("f6"),
        *keys("f4", "1", "3", "3", "a", "f10"), *WAIT, *keys("1"), *WAIT, *keys("f10"), *WAIT]),
    ("容缺受理（食品经营许可，3 个工作日）", [
        *typed("spjyxk"), *keys("enter", "enter"), *burst(ID_NUMBER), *WAIT, *keys("f6"),
        *keys("f4", "a"), *keys("up", "up", "up"), *keys("4"), *WAIT, *keys("enter"),
        *keys("f10"), *WAIT, *keys("1"), *WAIT, *keys("f10"), *WAIT]),
    ("扫描通知书补打", [("scan", "device", False), *WAIT, *keys("f9"), *WAIT, *keys("1"), *WAIT, *keys("escape")]),
]


class SimClock:
    """Simulated time for the scanner detector: advanced by each key's delay."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class LoopWatch:
    """The longest time the event loop (the UI thread) did not get round to a 1 ms timer."""

    def __init__(self) -> None:
        self.worst = 0.0  # while keys are being handled
        self.worst_waiting = 0.0  # while save / print workers run (their threads share the GIL)
        self.keys = False
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.001)
            stall = time.perf_counter() - began - 0.001
            if self.keys:
                self.worst = max(self.worst, stall)
            else:
                self.worst_waiting = max(self.worst_waiting, stall)

    def start(self) -> None:
        self.worst = self.worst_waiting = 0.0
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> float:
        if self._task:
            self._task.cancel()
        return self.worst


class KeyProfiler:
    """cProfile of each event-loop callback of the UI thread while a key is handled; keeps the
    profiles of the callbacks that held the loop longer than a frame (what a stall is made of).

    Summed per (visit, key); cProfile roughly doubles Textual's own cost, so the stall figures
    of a profiled run are not the drill's figures, only where the time goes.
    """

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], list] = {}
        self.label: tuple[str, str] | None = None
        self._original = None

    def _wrap(self) -> None:
        import asyncio.events
        import cProfile

        original = self._original = asyncio.events.Handle._run
        profiler = self

        def _run(handle):
            if profiler.label is None:
                return original(handle)
            profile = cProfile.Profile()
            began = time.perf_counter()
            profile.enable()
            try:
                return original(handle)
            finally:
                profile.disable()
                if time.perf_counter() - began > FRAME and profiler.label is not None:
                    profiler.kept.setdefault(profiler.label, []).append(profile)

        asyncio.events.Handle._run = _run

    def start(self, visit: str, key: str) -> None:
        if self._original is None:
            self._wrap()
        self.label = (visit, key)

    def stop(self) -> None:
        self.label = None

    def report(self, top: int = 30, out=None) -> None:
        import pstats

        out = out or sys.stdout
        for (visit, key), profiles in self.kept.items():
            stats = pstats.Stats(profiles[0], stream=out)
            for more in profiles[1:]:
                stats.add(more)
            print(f"\n### {visit} · {key} ({len(profiles)} slow callbacks)", file=out)
            stats.sort_stats("cumulative").print_stats(top)


async def run_size(size: tuple[int, int], seed: int, profiler: KeyProfiler | None = None) -> list[dict]:
    rng = random.Random(seed)
    clock = SimClock()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        app.keys.clock = clock  # the keys' arrival times as the scanner detector sees them
        rows = []
        async with app.run_test(size=size) as pilot:
            await app.workers.wait_for_complete()
            for ch in [*"1001", "enter", *"clerk123", "enter", "7", "enter"]:
                clock.now += 0.2
                await pilot.press(ch)
            await app.workers.wait_for_complete()
            await pilot.pause()
            first_number = None
            slow: list[tuple[str, str, int]] = []
            watch = LoopWatch()
            for name, steps in VISITS:
                human = machine = 0.0
                count = data = 0
                watch.start()
                for key, who, is_data in steps:
                    if key == "~":
                        began = time.perf_counter()
                        await app.workers.wait_for_complete()
                        await pilot.pause()
                        machine += time.perf_counter() - began
                        continue
                    presses = [key]
                    if key == "scan":
                        presses = [*first_number, "enter"]
                    for press in presses:
                        delay = rng.uniform(*(DEVICE if who == "device" else PERSON)) / 1000
                        clock.now += delay
                        human += delay
                        began = time.perf_counter()
                        watch.keys = True
                        before = watch.worst
                        watch.worst = 0.0
                        if profiler:
                            profiler.start(name, press)
                        await pilot.press(press)
                        watch.keys = False
                        if profiler:
                            profiler.stop()
                        if watch.worst > FRAME:
                            slow.append((name, press, round(watch.worst * 1000)))
                        watch.worst = max(before, watch.worst)
                        machine += time.perf_counter() - began
                    count += 1 if key == "scan" else len(presses)
                    data += is_data
                worst = watch.stop()
                banner = app.screen.query_one("#banner").text
                if first_number is None and "受理编号" in banner:
                    first_number = banner.split("受理编号 ")[1][:16]
                rows.append(dict(visit=name, size=size, keys=count, data=data, human=human, machine=machine,
                                 worst=worst, waiting=watch.worst_waiting, banner=banner))
        if VERBOSE:
            print(size, "keys that stalled the UI thread more than a frame:", slow)
        return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--sizes", default="80x24,120x36", help="terminal sizes, e.g. 80x24")
    parser.add_argument("--verbose", action="store_true", help="list every key that stalled the UI thread")
    parser.add_argument("--scans", action="store_true",
                        help="the scan and type-ahead drill instead (bench.hall_scans): keys at their real pace")
    parser.add_argument("--hog", type=int, default=1, help="with --scans: busy processes beside the app")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="cProfile the UI thread on each key; write the profiles of the keys that stalled")
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    if args.scans:
        from bench.hall_scans import report

        return report(sizes, args.seed, args.hog)
    if args.profile:
        profiler = KeyProfiler()
        for size in sizes:
            asyncio.run(run_size(size, args.seed, profiler))
        with args.profile.open("w", encoding="utf-8") as out:
            profiler.report(out=out)
        print(f"profiles of {sum(len(p) for p in profiler.kept.values())} slow keys written to {args.profile}")
        return 0
    bare = asyncio.run(bare_ms_per_key())
    print(f"headless, Pilot; Pilot's own cost on a bare Input+DataTable app: {bare:.0f} ms per key; "
          "a scan counts as one keystroke (the clerk pulls the trigger)")
    print("| size | visit | keys | applicant data | other | people/devices s | machine s | machine share "
          "| worst UI stall on a key, ms | worst stall while saving/printing, ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    scanned = {name for name, steps in VISITS if any(key == "scan" for key, _, _ in steps)}
    unsaved = []
    for size in sizes:
        for r in asyncio.run(run_size(size, args.seed)):
            share = r["machine"] / (r["machine"] + r["human"])
            print(f"| {size[0]}×{size[1]} | {r['visit']} | {r['keys']} | {r['data']} | {r['keys'] - r['data']} "
                  f"| {r['human']:.1f} | {r['machine']:.1f} | {share:.0%} | {r['worst'] * 1000:.0f} "
                  f"| {r['waiting'] * 1000:.0f} |")
            if r["visit"] not in scanned and "受理编号" not in r["banner"]:  # a visit that did not save
                unsaved.append(f"{size[0]}×{size[1]} {r['visit']}: {r['banner']}")
    for line in unsaved:
        print("not saved:", line)
    return 1 if unsaved else 0


if __name__ == "__main__":
    sys.exit(main())
