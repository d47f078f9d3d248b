"""Keystrokes and seconds per typical visit: five scripted visits through Pilot.

    .venv/bin/python -m bench.bench_drill [--rounds 3]

The app runs headless at 120×36 on a temporary SQLite store with the shipped
catalog, signed in once; each visit is typed key by key the way a clerk does
it (search by pinyin initials or code, applicant, checklist keys, F10, outcome,
F10) and timed from the first key to the "saved" banner, printing included
(PDF only, no printer).  Seconds are machine time, not human time: they show
what the app adds to the clerk's own typing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERSON = ["张三", "11010519491231002X", "13812345678", "济南市历城区山大路100号"]
ORG = ["济南示范餐饮有限公司", "91350100M000100Y43", "053188886666", "济南市历下区泉城路1号"]


def person(who, org=False):
    keys = ["f3"] + (["shift+tab", "right", "tab"] if org else [])
    for field in who:
        keys += [*field, "enter"]
    return keys


# (name, keys); "~" means: wait for the workers (preview / save) before going on
VISITS = [
    ("承诺件，材料齐全", ["f2", *"jszg", "enter", *person(PERSON), "f4", "a", "f10", "~", "1", "~", "f10", "~"]),
    ("材料不全，转兜底窗口", ["f2", *"370112-JYTY-003", "enter", *person(PERSON), "f4", "1", "3", "3", "a",
                             "f10", "~", "1", "~", "f10", "~"]),
    ("容缺受理（放射诊疗许可）", ["f2", *"fszlxk", "enter", *person(ORG, org=True), "f4", "down", "down", "down",
                               "down", "4", "~", "enter", "a", "f10", "~", "1", "~", "f10", "~"]),
    ("一件事：新生儿出生", ["f2", *"xsecs", "enter", *person(PERSON), *"王小宝", "f4", "a", "f10", "~", "1", "~",
                          "f10", "~"]),  # Enter after the address goes on to 新生儿姓名
    ("不予受理（写明理由）", ["f2", *"jszg", "enter", *person(PERSON), "f10", "~", "2", *"户籍不在本区", "enter",
                             "~", "f10", "~"]),
]


def build_app(tmp: Path, key_clock: Any = "human"):
    """The app on a fresh store in ``tmp``; ``key_clock=None``: keys judged by their real arrival times."""
    from bench.timing import throwaway_hall_key
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.config import get_settings
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade
    from clerk.tui.app import ClerkApp
    from clerk.tui.services import Services
    from clerk.tui.state import WindowState

    settings = replace(get_settings(), home=tmp, database_url=f"sqlite:///{tmp / 'clerk.db'}", receipts_dir=tmp / "receipts",
                       font_path="STSong-Light", key_file=throwaway_hall_key(),
                       repeat_visit_minutes=0)  # the same applicant again and again: no repeated-visit question
    store = Store.from_settings(settings)
    upgrade(store)
    catalog = load_catalog(settings.catalog_dir)
    catalog.prepare_search()
    calendar = WorkCalendar.load(settings.calendar_dir)
    cases = CaseService(store, catalog, calendar, hall_code=settings.hall.code, timezone=settings.timezone)
    cases.add_user(None, "1001", "演示", Role.WINDOW, "clerk123")
    services = Services(settings, catalog=catalog, calendar=calendar, cases=cases)
    clock = _HumanClock() if key_clock == "human" else key_clock
    return ClerkApp(services, state=WindowState(tmp / "state"), key_clock=clock)


class _HumanClock:
    """The scanner detector sees keys 150 ms apart: a drill is typing, not scanning."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.15
        return self.now


async def drill(rounds: int) -> list[tuple[str, int, list[float], str]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        results = []
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press(*"1001", "enter", *"clerk123", "enter", "7", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            for name, keys in VISITS:
                seconds = []
                for _ in range(rounds):
                    start = time.perf_counter()
                    for key in keys:
                        if key == "~":
                            await app.workers.wait_for_complete()
                            await pilot.pause()
                        else:
                            await pilot.press(key)
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    seconds.append(time.perf_counter() - start)
                banner = app.screen.query_one("#banner").text
                results.append((name, sum(k != "~" for k in keys), seconds, banner))
        return results


async def bare_ms_per_key(keys: int = 60) -> float:
    """Pilot's own cost per key: a bare app with an Input and a DataTable."""
    from textual.app import App
    from textual.widgets import DataTable, Input

    class Bare(App):
        def compose(self):
            yield Input()
            yield DataTable()

    app = Bare()
    async with app.run_test(size=(120, 36)) as pilot:
        start = time.perf_counter()
        for i in range(keys):
            await pilot.press("abcdefghij"[i % 10])
        return (time.perf_counter() - start) / keys * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = asyncio.run(drill(args.rounds))
    bare = asyncio.run(bare_ms_per_key())
    print(f"rounds: {args.rounds} per visit, headless 120x36, Pilot; "
          f"Pilot's own cost on a bare Input+DataTable app: {bare:.0f} ms per key")
    print("| visit | keystrokes | of which typed text | median s | ms per key | saved as |")
    print("|---|---:|---:|---:|---:|---|")
    for (name, keys, seconds, banner), (_, script) in zip(results, VISITS):
        typed = sum(1 for k in script if len(k) == 1 and k not in "~")
        med = statistics.median(seconds)
        number = banner.split("受理编号 ")[-1].split("：")[0] if "受理编号" in banner else banner[:30]
        print(f"| {name} | {keys} | {typed} | {med:.2f} | {med / keys * 1000:.0f} | {number} |")
    unsaved = [name for name, _, _, banner in results if "受理编号" not in banner]
    if unsaved:
        print("not saved:", "、".join(unsaved))
    return 1 if unsaved else 0


if __name__ == "__main__":
    sys.exit(main())
