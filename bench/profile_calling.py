"""One window's ``call_next``: its time, the statements it sends and where its CPU goes.

    python -m bench.profile_calling                      # PostgreSQL, 200 calls, cProfile top 25
    python -m bench.profile_calling --backend sqlite --calls 200 --top 40

One window process calls ``--calls`` times (each call followed by finishing the visit, which
is not timed); the store holds a morning's tickets as in ``bench.bench_calling``.  Prints the
median / p99 of ``call_next``, the statements it sends per call (round trips, counted with an
engine event) and, unless ``--no-profile``, a cProfile of the ``call_next`` calls alone.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_calling import _Clock, _fill, _settings
from bench.timing import throwaway_hall_key


def profile_window(url: str, calls: int, *, profile: bool, top: int) -> dict[str, object]:
    from sqlalchemy import event

    from clerk.domain.accounts import ClerkUser, Role
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store

    store = Store(url)
    service = TicketService(store, _settings(1), None, _Clock())
    user = ClerkUser("w01", "窗口1", Role.WINDOW)
    for _ in range(3):  # warm up: connection, imports, compiled statements
        if service.call_next(user, 1).current is not None:
            service.link_cases(user, 1, [])
    statements: list[str] = []
    counting = [False]

    @event.listens_for(store.engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, _params, _context, _many) -> None:
        if counting[0]:
            statements.append(statement.split(None, 1)[0].upper())

    profiler = cProfile.Profile()
    samples = []
    for _ in range(calls):
        counting[0] = True
        if profile:
            profiler.enable()
        began = time.perf_counter()
        ticket = service.call_next(user, 1).current
        samples.append(time.perf_counter() - began)
        if profile:
            profiler.disable()
        counting[0] = False
        if ticket is None:
            break
        service.link_cases(user, 1, [])
    store.dispose()
    samples.sort()
    report = ""
    if profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        out.write("\n--- by own time ---\n")
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        report = out.getvalue()
    # the pool's pre-ping and the transaction's BEGIN/COMMIT are not cursor executions
    return {"calls": len(samples), "median": statistics.median(samples) * 1000,
            "p99": samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000,
            "statements": len(statements) / max(1, len(samples)), "kinds": sorted(set(statements)),
            "profile": report}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args(argv)
    throwaway_hall_key()
    tickets = args.calls + 20
    if args.backend == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='clerk-profile-calling-')) / 'clerk.db'}"
        _fill(url, 1, tickets)
        result = profile_window(url, args.calls, profile=not args.no_profile, top=args.top)
    else:
        from bench.bench_store import postgres_server

        with postgres_server() as url:
            _fill(url, 1, tickets)
            result = profile_window(url, args.calls, profile=not args.no_profile, top=args.top)
    print(result.pop("profile"))
    print(f"{args.backend}: {result['calls']} calls, median {result['median']:.2f} ms, p99 {result['p99']:.2f} ms, "
          f"{result['statements']:.1f} statements per call ({', '.join(result['kinds'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
