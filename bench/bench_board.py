"""Hall display latency: from a window's ``call_next`` (another process) to the board showing it.

    python -m bench.bench_board                 # SQLite and PostgreSQL, 20 calls each
    python -m bench.bench_board --backends sqlite --calls 40

The board (``clerk.tui.board.BoardApp``, headless) watches the store as in the hall
(``BOARD_POLL`` = 0.25 s: ``PRAGMA data_version`` on SQLite, LISTEN/NOTIFY on
PostgreSQL); a separate process plays the windows, calling one ticket at a random
moment, then waiting for the board before the next.  Latency = call committed →
the board's view holds that call.  Target: under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path


def _settings(url: str, home: Path):
    from clerk.config import get_settings

    settings = get_settings()
    # The windows take tickets on the wall clock: the queues stay open whenever the bench runs.
    queues = tuple(replace(q, opens="00:00", closes="23:59", lunch_from="", lunch_to="") for q in settings.queues)
    return replace(settings, database_url=url, home=home, receipts_dir=home / "receipts", queues=queues)


def _windows(url: str, home: str, calls: int, done, asked) -> None:
    """The windows' process: take a ticket, call it at a random moment, say when it committed."""
    from clerk.domain.accounts import Role
    from clerk.services.accounts import AccountService
    from clerk.services.tickets import TicketService
    from clerk.store.engine import Store

    settings = _settings(url, Path(home))
    store = Store(url)
    tickets = TicketService(store, settings)
    from clerk.domain.clock import now_utc

    clerk = AccountService(store, now_utc).add(None, "b001", "压测", Role.WINDOW, "Bench#2026x")
    rng = random.Random(7)
    for n in range(calls):
        taken = tickets.take("A")
        tickets.mark_printed(taken.id)
        asked.wait()
        asked.clear()
        time.sleep(rng.uniform(0.0, 0.3))  # not in step with the board's polls
        window = 1 + n % 8  # windows 1–8 serve A (window 9 is the F desk by default)
        tickets.call_next(clerk, window)
        done.put((taken.number, window, time.monotonic()))
        tickets.link_cases(clerk, window, [])


async def _board(url: str, home: Path, calls: int) -> list[float]:
    from clerk.tui.board import BoardApp
    from clerk.tui.services import Services

    settings = _settings(url, home)
    app = BoardApp(Services(settings), refresh_seconds=3600)
    context = multiprocessing.get_context("spawn")
    done, asked = context.Queue(), context.Event()
    windows = context.Process(target=_windows, args=(url, str(home), calls, done, asked))
    latencies: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        windows.start()
        while app.loads < 1:
            await pilot.pause(0.01)
        for _ in range(calls):
            asked.set()
            while done.empty():
                if not windows.is_alive():
                    raise SystemExit("the windows' process ended early")
                await pilot.pause(0.005)
            number, window, at = done.get()
            while not (app.view and app.view.latest and (app.view.latest.number, app.view.latest.window)
                       == (number, window)):
                await pilot.pause(0.005)
            latencies.append((time.monotonic() - at) * 1000)
    windows.join(30)
    return latencies


def run(backends: list[str], calls: int) -> list[str]:
    from bench.bench_store import postgres_server
    from bench.timing import throwaway_hall_key
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    throwaway_hall_key()
    rows = []
    for backend in backends:
        home = Path(tempfile.mkdtemp(prefix="clerk-bench-board-"))
        if backend == "sqlite":
            url = f"sqlite:///{home / 'clerk.db'}"
            upgrade(Store(url))
            samples = asyncio.run(_board(url, home, calls))
        else:
            with postgres_server() as url:
                upgrade(Store(url))
                samples = asyncio.run(_board(url, home, calls))
        ordered = sorted(samples)
        line = (f"| {'SQLite' if backend == 'sqlite' else 'PostgreSQL'} | {len(samples)} | "
                f"{statistics.median(samples):.0f} ms | {ordered[int(0.9 * (len(ordered) - 1))]:.0f} ms | "
                f"{max(samples):.0f} ms |")
        print(line, flush=True)
        rows.append(line)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    print("| store | calls | median | p90 | max |\n|---|---|---|---|---|")
    run(args.backends.split(","), args.calls)


if __name__ == "__main__":
    main()
