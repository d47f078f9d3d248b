"""Cold start of the window app, next to a bare Textual app with one DataTable.

    .venv/bin/python -m bench.bench_startup [--runs 7]

Each run is a fresh process (headless, 120×36), timed from just before the
process is spawned until the child reports:

- bare:   the bare app's DataTable is mounted and focused;
- first:  clerk's first screen (sign-in) is ready for input;
- intake: clerk signed in with a demo account (keys typed by an autopilot as
          soon as the first screen is up) and the intake screen's search field
          has focus — this includes importing SQLAlchemy and opening the store,
          which happen in a worker after the first screen is drawn;
- warm:   only the interval from the last Enter of the sign-in form to the
          intake screen ready, after the warm-up worker finished (what a clerk
          who types her password at human speed waits for).

Next to the wall time, each child reports the CPU time it had used when ready
(``time.process_time()``: all its threads, from process start), which a shared, loaded
machine disturbs far less.

Runs alternate between the variants so machine noise hits them alike, after one untimed
round of each: the children run from compiled bytecode, as an installed clerk and the
bare app's Textual (compiled when pip installed it) do, even where the environment sets
PYTHONDONTWRITEBYTECODE (otherwise clerk's ~43 start-up modules are compiled from source on every
run, ~0.04 s CPU that no window PC pays).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = r"""
import os
import time
from textual.app import App
from textual.widgets import DataTable

class Bare(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("a", "b")
        table.focus()
        self.call_after_refresh(self.ready)
    def ready(self):
        os.write(1, f"READY - {time.process_time()}\n".encode())  # Textual captures print() while running
        self.exit()

Bare().run(headless=True, size=(120, 36))
"""

CLERK = r"""
import os
import sys
import time
from clerk.tui.launch import make_app

mode = sys.argv[1]
app = make_app([])

async def autopilot(pilot):
    from textual.widgets import Input
    # first screen: the sign-in form has focus
    while not (isinstance(app.focused, Input) and app.focused.id == "clerk-id"):
        await pilot.pause(0.001)
    if mode == "first":
        os.write(1, f"READY - {time.process_time()}\n".encode())  # Textual captures print() while running
        app.exit()
        return
    if mode == "warm":
        # a clerk takes seconds to type id and password: by then the store is open
        await app.workers.wait_for_complete()
        start = time.perf_counter()
    await pilot.press(*"1001", "enter", *"Bench#2026", "enter")
    if mode == "warm":
        start = time.perf_counter()
    await pilot.press("enter")
    while not (app.focused is not None and app.focused.id == "search-input" and app.catalog is not None):
        await pilot.pause(0.001)
    if mode == "warm":
        os.write(1, f"READY {time.perf_counter() - start} -\n".encode())
    else:
        os.write(1, f"READY - {time.process_time()}\n".encode())  # Textual captures print() while running
    app.exit()

app.run(headless=True, size=(120, 36), auto_pilot=autopilot)
"""


def time_child(code: str, args: list[str], env: dict[str, str], timeout: float = 300) -> tuple[float, float | None]:
    """Seconds until the child is ready (or the interval it measured itself), and the CPU
    seconds it had used by then (all threads, from process start) where it reports them."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, env=env, cwd=ROOT, text=True)
    watchdog = threading.Timer(timeout, proc.kill)  # a child stuck on a screen would hang the bench
    watchdog.start()
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            interval, cpu = line.split()[1:]
            if interval != "-":  # the child measured an interval itself
                elapsed = float(interval)
            break
    else:
        watchdog.cancel()
        raise SystemExit(f"child {args} never became ready (exit {proc.wait()})")
    proc.wait()
    watchdog.cancel()
    return elapsed, None if cpu == "-" else float(cpu)


FIRST_SIGN_IN = """
from clerk.config import get_settings
from clerk.domain.clock import now_utc
from clerk.store.engine import Store
from clerk.store.signin import SignIn

SignIn(Store.from_settings(get_settings()), now_utc).authenticate("1001", "clerk123", new_password="Bench#2026")
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.update(
            CLERK_HOME=f"{tmp}/home",
            CLERK_CONFIG=os.devnull,
            XDG_STATE_HOME=f"{tmp}/state",
            CLERK_WINDOW="7",
            PYTHONPATH=str(ROOT),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "clerk.cli", "setup"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        # the demo account's first sign-in, as at the window: its initial password changed once
        subprocess.run([sys.executable, "-c", FIRST_SIGN_IN], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        time_child(BARE, [], env)  # untimed: writes clerk's bytecode, fills the file cache
        time_child(CLERK, ["intake"], env)
        times: dict[str, list[float]] = {"bare": [], "first": [], "intake": [], "warm": []}
        cpu: dict[str, list[float]] = {key: [] for key in times}
        loads = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for key, code, child_args in (("bare", BARE, []), ("first", CLERK, ["first"]),
                                          ("intake", CLERK, ["intake"]), ("warm", CLERK, ["warm"])):
                elapsed, used = time_child(code, child_args, env)
                times[key].append(elapsed)
                if used is not None:
                    cpu[key].append(used)
        loads.append(os.getloadavg()[0])
    bare = statistics.median(times["bare"])
    bare_cpu = statistics.median(cpu["bare"])
    print(f"runs: {args.runs} each, headless 120x36, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"load average {min(loads):.1f}–{max(loads):.1f}")
    print("| variant | median s | min s | max s | × bare | CPU s (median) | CPU × bare |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    labels = {
        "bare": "bare Textual app + DataTable",
        "first": "clerk: sign-in screen ready",
        "intake": "clerk: signed in at once, intake screen ready",
        "warm": "clerk: last Enter of sign-in → intake ready (store warm)",
    }
    for key, values in times.items():
        med = statistics.median(values)
        used = f"{statistics.median(cpu[key]):.3f} | {statistics.median(cpu[key]) / bare_cpu:.2f}" if cpu[key] else "— | —"
        ratio = f"{med / bare:.2f}" if key != "warm" else "—"
        print(f"| {labels[key]} | {med:.3f} | {min(values):.3f} | {max(values):.3f} | {ratio} | {used} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
