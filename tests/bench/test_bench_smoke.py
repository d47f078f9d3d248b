"""Every runnable module in bench/ runs briefly, on a fresh HOME, and passes its own checks.

The benchmarks are code too: each runs here as ``python -m bench.<name>`` in a child process
with a small day or a few rounds, on SQLite (the PostgreSQL runs are the full benches' job, but for
``bench_station_latency``, which measures a link to PostgreSQL and starts its own cluster), with
an empty HOME and no ``CLERK_*`` at all (not even the suite's hall key), as on a new machine.
Each must exit 0, print its figures, report no errors, duplicate or missing numbers where it
counts them, and leave docs/benchmarks.md alone (only full-size runs rewrite it).

Not run on their own: ``timing``, ``hall_checks``, ``hall_people`` and ``hall_window`` are
libraries the benches import (exercised through ``hall_sim`` and the others); ``__main__``
runs every ``bench_*`` at full size, which is what this test does small.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench_drill import VISITS as DRILL

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
DOCS = ROOT / "docs" / "benchmarks.md"
LIBRARIES = {"__init__", "__main__", "timing", "hall_checks", "hall_people", "hall_scans", "hall_window"}

# module -> (arguments for a brief run, lines its output must contain (regular expressions))
RUNS: dict[str, tuple[list[str], list[str]]] = {
    "bench_board": (["--backends", "sqlite", "--calls", "3"], [r"^\| SQLite \| 3 \|"]),
    "bench_calling": (["--backends", "sqlite", "--windows", "2", "--rounds", "2", "--tickets", "30"],
                      # windows × rounds calls, and no ticket left called (still open 0)
                      [rf"^\| SQLite \| {shape}, 2 windows \| 4 \| .*\(done \d+, still open 0\)$"
                       for shape in ("burst", "steady", "hall")]),
    # a full run exits 1 when a page takes 2 s or more from capture to attached; judged on a quiet machine
    "bench_capture": (["--samples", "2", "--no-verdict"], [r"^\| drop folder, A4 300 dpi JPEG \| window \(120×36\) \| file closed ",
                                           r"^slowest capture → page attached: \d+ ms"]),
    "bench_catalog_import": (["--items", "40", "--materials", "200"],
                             [r"^\| two sheets .*\| 40 \| 200 \|", r"^\| one sheet, .*\| 40 \| 200 \|"]),
    "bench_dashboard": (["--cases", "2000", "--runs", "2", "--backends", "sqlite"],
                        [r"^SQLite: loaded 2,000 cases", r"^\| SQLite \| whole snapshot \|"]),
    # every visit saved, with its case number
    "bench_drill": (["--rounds", "1"], [rf"^\| {re.escape(name)} \| .*\| \d{{8}}-SF-\d{{4}}（" for name, _ in DRILL]),
    "bench_intake_ratio": (["--runs", "5", "--backends", "sqlite"], [r"^\| SQLite \| [\d.]+ / [\d.]+ ms \|"]),
    "bench_live": (["--samples", "2", "--backends", "sqlite"], [r"^\| sqlite \| 2 \|"]),
    "bench_material_space": (["--visits", "2", "--backends", "sqlite"],
                             [r"^\| 身份证复印件（彩色，JPEG q85） \| \d+ KB \|", r"^\| sqlite \| [\d.]+ MB \| \d+ ms \|"]),
    "bench_render": (["--rounds", "2"], [r"^\| manifest \| roll \|", r"^worst median: "]),
    "bench_save": (["--calls", "5", "--backends", "sqlite"],
                   [r"^\| sqlite \| intake \(incomplete\) \|", r"^\| sqlite \| supplement .*\|"]),
    "bench_search": (["--items", "300", "--queries", "200"],
                     [r"^\| shipped `data/catalog` \(\d+ items", r"^\| same, one-character typos only \|"]),
    "bench_search_quality": (["--items", "700"], [r"^\| shipped \(\d+ items \+ \d+ bundles\), all \| \d+ \|",
                                                 r"^\| 700 items, no counts \|"]),
    # exits 1 when an unknown id answers at a different speed than a real one
    # the ratio is judged on a quiet machine (docs/benchmarks.md), not beside three other workers
    "bench_signin": (["--runs", "15", "--no-verdict"], [r"^refused sign-in, median of 15: real id [\d.]+ ms, new unknown id [\d.]+ ms "
                                       r"\(ratio [\d.]+\), same unknown id again "]),
    "bench_startup": (["--runs", "1"], [r"^\| clerk: sign-in screen ready \| [\d.]+ \|",
                                        r"^\| clerk: signed in at once, intake screen ready \| [\d.]+ \|"]),
    # PostgreSQL behind the bench's delay proxy (the one bench here that needs it: a station's link);
    # exits 1 when a step answers faster than its round trips × RTT (the proxy did not delay)
    "bench_station_latency": (["--rtt-ms", "0,50", "--runs", "2", "--cases", "3"],
                              [r"^\| save one visit .*\| \d+ / \d+ ms \| \d+ / \d+ ms \| 6 s \|$",
                               r"^\| dashboard snapshot \(supervisor\) \| "]),
    "bench_store": (["--cases", "2000", "--writers", "1", "--per-writer", "3", "--backends", "sqlite"],
                    [r"^\| SQLite \| intake commit \(audited service\), 1 writer", r"^\| SQLite \| find by number "]),
    "bench_window_day": (["--sizes", "80x24"], [r"^\| 80×24 \| 扫描通知书补打 \|"]),  # exits 1 on a visit not saved
    "hall_sim": (["--visits", "12", "--windows", "2", "--db", "sqlite"],
                 # errors 0, duplicate / missing numbers 0 / 0, after-checks ok
                 [r"^\| SQLite \| 0 \| 2 \| 12 visits, .*\| 0 \| 0 / 0 \| ok "]),
    "profile_calling": (["--backend", "sqlite", "--calls", "10", "--no-profile"], [r"^sqlite: 10 calls, median "]),
    # the day only: the M/M/c check needs a long run to mean anything (tests/tickets/test_queue_sim.py)
    "queue_sim": (["--arrivals", "60", "--windows", "4", "--replications", "0"],
                  [r"^problems: none$", r"^arrivals (\d+), tickets \1,"]),
}


def test_every_runnable_bench_has_a_brief_run():
    modules = {path.stem for path in BENCH.glob("*.py")} - LIBRARIES
    assert modules == set(RUNS)


def _fresh_machine(home: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CLERK_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local" / "state"))
    return env


@pytest.mark.slow
@pytest.mark.parametrize("module", sorted(RUNS))
def test_a_bench_runs_clean_on_a_fresh_home(module, tmp_path):
    arguments, expected = RUNS[module]
    home = tmp_path / "home"
    home.mkdir()
    docs_before = DOCS.read_bytes()
    done = subprocess.run([sys.executable, "-m", f"bench.{module}", *arguments], cwd=tmp_path,
                          env=_fresh_machine(home) | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "Traceback" not in output, output[-4000:]
    for pattern in expected:
        assert re.search(pattern, done.stdout, re.M), (pattern, done.stdout[-4000:])
    assert DOCS.read_bytes() == docs_before
