"""A day at a 28-window hall: ~1,000 visits through the service layer, one process per window.

    python -m bench.hall_sim                              # 1,000 visits, 28 windows, SQLite and PostgreSQL
    python -m bench.hall_sim --visits 300 --windows 8 --db sqlite
    python -m bench.hall_sim --history 1000000 --db both  # the same day on top of 1,000,000 earlier cases

Each window is a spawned process running ``bench.hall_window.run_window``
(CaseService + DeskService, exactly what the screens call).  All windows start
together; the figures are visits per second sustained over the day, the
latency of every committing call (median / p99), errors (must be 0) and
duplicate or missing case numbers (must be 0).  Afterwards
``bench.hall_checks.check_store`` checks every case against the transition
table, its notices and deadlines, the numbering and the audit chain.  With
``--history N`` the store first gets N bulk-loaded earlier cases
(``bench.bench_store.bulk_load``) and the supervisor's dashboard queries
(``clerk.reports.Dashboard``) are timed on the result.

Exit code 0 only when there were no errors and no problems.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.hall_window import CALENDAR, CATALOG, PASSWORD, WindowResult, run_window
from bench.timing import time_calls


def prepare(url: str, windows: int, history: int) -> float:
    """Schema, accounts and the earlier cases; returns the bulk-load seconds."""
    from bench.bench_store import bulk_load
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    store = Store(url)
    upgrade(store)
    service = CaseService(store, load_catalog(CATALOG), WorkCalendar.load(CALENDAR), hall_code="SF")
    for w in range(1, windows + 1):
        service.add_user(None, f"w{w:02d}", f"窗口{w}号", Role.WINDOW, PASSWORD)
    service.add_user(None, "f01", "兜底窗口", Role.FALLBACK, PASSWORD)
    service.add_user(None, "m01", "邮政专窗", Role.MAILROOM, PASSWORD)
    service.add_user(None, "s01", "值班主任", Role.SUPERVISOR, PASSWORD)
    service.add_user(None, "b01", "后台审批", Role.BACKOFFICE, PASSWORD)
    seconds = bulk_load(store, history) if history else 0.0
    store.dispose()
    return seconds


def run_day(url: str, windows: int, visits: int, seed: int) -> list[WindowResult]:
    from concurrent.futures import ProcessPoolExecutor

    shares = [visits // windows + (1 if w < visits % windows else 0) for w in range(windows)]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(windows)
        with ProcessPoolExecutor(windows, mp_context=context) as pool:
            futures = [pool.submit(run_window, url, w + 1, shares[w], seed, barrier) for w in range(windows)]
            return [f.result() for f in futures]


def dashboard_times(url: str, runs: int = 5) -> dict[str, float]:
    """Median milliseconds of each dashboard panel query on the store as the day left it."""
    from clerk.calendar import WorkCalendar
    from clerk.reports.dashboard import Dashboard
    from clerk.store.engine import Store

    store = Store(url)
    board = Dashboard(store, WorkCalendar.load(CALENDAR), timezone="Asia/Shanghai")
    calls = {"windows": board.windows, "totals": board.totals, "deadlines": board.deadlines,
             "ratings": board.ratings, "snapshot": board.snapshot}
    result = {name: median for name, (median, _) in time_calls(calls, runs).items()}
    store.dispose()
    return result


def report(label: str, url: str, args) -> tuple[list[str], bool]:
    from bench.hall_checks import check_store
    from clerk.store.engine import Store

    loaded = prepare(url, args.windows, args.history)
    results = run_day(url, args.windows, args.visits, args.seed)
    began, ended = min(r.began for r in results), max(r.ended for r in results)
    visits = sum(r.visits for r in results)
    writes = sorted(s for r in results for a, s in r.latencies if a != "get")
    submits = sorted(s for r in results for a, s in r.latencies if a == "submit")
    errors = [e for r in results for e in r.errors]
    numbers = [n for r in results for n in r.numbers]
    outcomes: dict[str, int] = {}
    for r in results:
        for k, v in r.outcomes.items():
            outcomes[k] = outcomes.get(k, 0) + v
    store = Store(url)
    checked = time.perf_counter()
    problems = check_store(store, "SF", reported=numbers, visits=True)
    checked = time.perf_counter() - checked
    store.dispose()
    duplicates = len(numbers) - len(set(numbers))
    missing = sum(1 for p in problems if p.startswith("numbers"))
    p99 = writes[min(len(writes) - 1, int(len(writes) * 0.99))] if writes else 0.0
    p99s = submits[min(len(submits) - 1, int(len(submits) * 0.99))] if submits else 0.0
    lines = [(
        f"| {label} | {args.history:,} | {args.windows} | {visits} visits, {len(writes)} writes, "
        f"{len(numbers)} cases | {visits / (ended - began):.1f} visits/s "
        f"({len(writes) / (ended - began):.0f} writes/s) | "
        f"{statistics.median(writes) * 1000:.1f} / {p99 * 1000:.0f} ms | "
        f"{statistics.median(submits) * 1000:.1f} / {p99s * 1000:.0f} ms | {len(errors)} | {duplicates} / {missing} | "
        f"{'ok' if not problems else f'{len(problems)} problem(s)'} ({checked:.1f} s) |"
    )]
    print(f"{label}: mix {dict(sorted(outcomes.items()))}", flush=True)
    if loaded:
        print(f"{label}: bulk-loaded {args.history:,} earlier cases in {loaded:.0f} s", flush=True)
    for text in errors[:10]:
        print(f"  error: {text}", flush=True)
    for text in problems[:20]:
        print(f"  problem: {text}", flush=True)
    print(lines[0], flush=True)
    if args.history:
        times = dashboard_times(url)
        lines.append(f"| {label} | {args.history:,} | dashboard (median of 5) | " + ", ".join(
            f"{k} {v:.0f} ms" for k, v in times.items()) + " | | | | | | |")
        print(lines[-1], flush=True)
    return lines, not errors and not problems


HEADER = ("| backend | earlier cases | windows | work done | throughput | all writes median / p99 | "
          "submit median / p99 | errors | duplicate / missing numbers | after-checks |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--windows", type=int, default=28)
    parser.add_argument("--history", type=int, default=0, help="earlier cases in the store before the day")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from bench.timing import throwaway_hall_key

    throwaway_hall_key()
    print(f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}", flush=True)
    print(HEADER, flush=True)
    ok = True
    if args.db in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="clerk-hall-"))
        _, good = report("SQLite", f"sqlite:///{folder / 'hall.db'}", args)
        ok &= good
    if args.db in ("postgres", "both"):
        from bench.bench_store import postgres_server

        with postgres_server() as url:
            _, good = report("PostgreSQL", url, args)
            ok &= good
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
