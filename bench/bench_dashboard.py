"""Dashboard panels on a big store: one aggregate query per panel.

    python -m bench.bench_dashboard                    # 1,000,000 cases, SQLite and PostgreSQL
    python -m bench.bench_dashboard --cases 200000 --backends sqlite

Reuses ``bench.bench_store.bulk_load`` (executemany on SQLite, COPY on
PostgreSQL; ~1.9 years of cases, the last 2% open) and ``postgres_server``.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.bench_store import bulk_load, postgres_server
from bench.timing import time_calls

ROOT = Path(__file__).resolve().parent.parent


def panel_times(store, runs: int) -> dict[str, tuple[float, float]]:
    from clerk.calendar import WorkCalendar
    from clerk.reports.dashboard import Dashboard

    # bulk_load spreads cases from 2025-01-01 over ~1.9 years: "now" is its last day.
    board = Dashboard(store, WorkCalendar.load(ROOT / "data" / "calendar"),
                      lambda: datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    calls = {"windows": board.windows, "totals": board.totals, "deadlines": board.deadlines,
             "ratings": board.ratings, "whole snapshot": board.snapshot}
    return time_calls(calls, runs)


def run(label: str, url: str, cases: int, runs: int) -> None:
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    store = Store(url)
    upgrade(store)
    load = bulk_load(store, cases)
    print(f"{label}: loaded {cases:,} cases in {load:.1f} s")
    for name, (median, worst) in panel_times(store, runs).items():
        print(f"| {label} | {name} | {median:.1f} | {worst:.1f} |")
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    from bench.timing import throwaway_hall_key

    throwaway_hall_key()
    print("| store | panel | median ms | max ms |\n|---|---|---:|---:|")
    if "sqlite" in args.backends:
        folder = Path(tempfile.mkdtemp(prefix="clerk-bench-dash-"))
        run("SQLite", f"sqlite:///{folder / 'big.db'}", args.cases, args.runs)
    if "postgresql" in args.backends:
        with postgres_server() as url:
            run("PostgreSQL", url, args.cases, args.runs)


if __name__ == "__main__":
    main()
