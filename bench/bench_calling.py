"""Calling benchmark: ``TicketService.call_next`` latency with 28 windows calling at once.

    python -m bench.bench_calling                       # PostgreSQL and SQLite, 28 windows
    python -m bench.bench_calling --backends postgresql --windows 28 --rounds 20
    python -m bench.bench_calling --write-docs          # also rewrite "## Calling" in docs/benchmarks.md

Each window is its own process with its own store connection (as in a hall).
The store is filled with a morning's tickets (``--tickets``, spread over the
window's queues, one in seven priority).  Two shapes:

- **burst**: every round all windows wait on a barrier and call at the same
  instant (the worst case: 28 transactions competing for the same few oldest
  tickets), then finish the visit; ``call_next`` alone is timed.
- **steady**: each window calls, "serves" for a random 0–40 ms, finishes, calls
  again, without a barrier (the store and CPU saturated).
- **hall**: each window serves for a random 0.5–2.5 s between calls: 28 windows
  make ~19 calls a second, still some hundred times a real hall's rate (a visit
  takes minutes), with calls overlapping at random.

Target: call-next p99 under 20 ms at 28 windows on PostgreSQL.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench.timing import throwaway_hall_key

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
NOON = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in the hall


class _Clock:
    """Wall time shifted onto the benchmark's hall day (the queues are open, tickets are today's)."""

    def __init__(self) -> None:
        self.offset = NOON - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _settings(windows: int):
    from clerk.config import get_settings

    return replace(get_settings(), window_queues={w: ("A", "C", "Z") for w in range(1, windows + 1)})


def _fill(url: str, windows: int, tickets: int) -> None:
    from clerk.domain.accounts import Role
    from clerk.domain.queueing import Priority
    from clerk.services.accounts import AccountService
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    store = Store(url)
    upgrade(store)
    clock = _Clock()
    accounts = AccountService(store, clock)
    for w in range(1, windows + 1):
        accounts.add(None, f"w{w:02d}", f"窗口{w}", Role.WINDOW, "secret1")
    service = TicketService(store, _settings(windows), None, clock)
    queues = ("A", "A", "C", "Z")
    for i in range(tickets):
        ticket = service.take(queues[i % len(queues)], priority=Priority.PREGNANCY if i % 7 == 0 else Priority.NONE)
        service.mark_printed(ticket.id)
    store.dispose()


def _window(url: str, window: int, windows: int, rounds: int, barrier, shape: str) -> list[float]:
    from clerk.domain.accounts import ClerkUser, Role
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store

    store = Store(url)
    service = TicketService(store, _settings(windows), None, _Clock())
    user = ClerkUser(f"w{window:02d}", f"窗口{window}", Role.WINDOW)
    if service.call_next(user, window).current is not None:  # warm up: connection, imports, compiled statements
        service.link_cases(user, window, [])
    rng = random.Random(window)
    barrier.wait(300)
    samples = []
    if shape == "hall":
        time.sleep(rng.uniform(0, 2.5))  # windows open at different moments
    for _ in range(rounds):
        if shape == "burst":
            barrier.wait(300)
        began = time.perf_counter()
        ticket = service.call_next(user, window).current
        samples.append(time.perf_counter() - began)
        if ticket is None:
            break
        if shape != "burst":
            time.sleep(rng.uniform(0, 0.04) if shape == "steady" else rng.uniform(0.5, 2.5))
        service.link_cases(user, window, [])
    if shape == "burst":  # the others still wait on the barrier each round
        for _ in range(rounds - len(samples)):
            barrier.wait(300)
    store.dispose()
    return samples


def calling_latency(url: str, windows: int, rounds: int, *, shape: str) -> dict[str, float]:
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(windows)
        with ProcessPoolExecutor(windows, mp_context=context) as pool:
            futures = [pool.submit(_window, url, w, windows, rounds, barrier, shape) for w in range(1, windows + 1)]
            began = time.perf_counter()
            samples = sorted(x for f in futures for x in f.result(timeout=900))
            elapsed = time.perf_counter() - began
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return {"calls": len(samples), "median": statistics.median(samples) * 1000, "p99": p99 * 1000,
            "max": samples[-1] * 1000, "rate": len(samples) / elapsed}


def _called_once(url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from clerk.store.engine import Store
    from clerk.store.tables_tickets import TicketRow as T

    store = Store(url)
    with store.session(write=False) as session:
        done = session.execute(select(func.count()).where(T.state == "done")).scalar_one()
        called = session.execute(select(func.count()).where(T.state.in_(("called", "serving")))).scalar_one()
    store.dispose()
    return done, called


def run(backends: list[str], windows: int, rounds: int, tickets: int,
        shapes: tuple[str, ...] = ("burst", "steady", "hall")) -> list[str]:
    from bench.bench_store import postgres_server

    throwaway_hall_key()
    rows = []
    for backend in backends:
        for shape in shapes:
            if backend == "sqlite":
                folder = Path(tempfile.mkdtemp(prefix="clerk-bench-calling-"))
                _fill(url := f"sqlite:///{folder / 'clerk.db'}", windows, tickets)
                result = calling_latency(url, windows, rounds, shape=shape)
                done, open_ = _called_once(url)
            else:
                with postgres_server() as server:
                    _fill(server, windows, tickets)
                    result = calling_latency(server, windows, rounds, shape=shape)
                    done, open_ = _called_once(server)
            name = "SQLite" if backend == "sqlite" else "PostgreSQL"
            line = (f"| {name} | {shape}, {windows} windows | {result['calls']} | {result['median']:.1f} ms | "
                    f"{result['p99']:.1f} ms | {result['max']:.1f} ms | {result['rate']:.0f} calls/s |")
            print(line, f"(done {done}, still open {open_})", flush=True)
            rows.append(line)
    return rows


def write_docs(rows: list[str], windows: int, rounds: int, tickets: int) -> None:
    load = os.getloadavg()[0]
    section = (
        "## Calling\n\n"
        f"`python -m bench.bench_calling --windows {windows} --rounds {rounds} --tickets {tickets}` "
        f"({os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, load average at the end {load:.1f} — "
        f"the machine was shared, so concurrent figures are noisy; {datetime.now():%Y-%m-%d}).  "
        f"One process per window (each warmed up by one call first), {tickets} waiting tickets (A/C/Z, one in seven priority); "
        "`call_next` alone is timed: four statements — the acting account re-read (role check), the pause and "
        "open-ticket check, the head of the calling order, and one `UPDATE … WHERE id = (SELECT … FOR UPDATE "
        "SKIP LOCKED) RETURNING …, pg_notify(…)` that picks, locks, calls and notifies — and the commit "
        "(`python -m bench.profile_calling` profiles one window).  *burst*: every round all windows call at the same instant "
        "(barrier); *steady*: call, serve 0–40 ms, finish, call again; *hall*: serve 0.5–2.5 s between "
        "calls (still ~100× a real hall's call rate).  Target: p99 under 20 ms at 28 "
        "windows on PostgreSQL.\n\n"
        "| backend | shape | calls | median | p99 | max | throughput |\n|---|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n"
    )
    text = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(r"## Calling\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--windows", type=int, default=28)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=700)
    parser.add_argument("--shapes", default="burst,steady,hall")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    rows = run([b.strip() for b in args.backends.split(",") if b.strip()], args.windows, args.rounds, args.tickets,
               tuple(s.strip() for s in args.shapes.split(",") if s.strip()))
    if args.write_docs:
        write_docs(rows, args.windows, args.rounds, args.tickets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
