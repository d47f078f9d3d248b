"""A station on the extranet: what a clerk waits for each step at a given round-trip time to the store.

    python -m bench.bench_station_latency                      # 0 and 200 ms RTT, 20 runs per step
    python -m bench.bench_station_latency --rtt-ms 0,50,200 --runs 10
    python -m bench.bench_station_latency --write-docs         # also rewrite its section of docs/benchmarks.md
    python -m bench.bench_station_latency --trace              # list the round trips of one save, one by one

A throw-away PostgreSQL cluster (``bench.bench_store.postgres_server``) stands for the district
store.  In front of it runs ``DelayProxy``, a TCP proxy written with asyncio here, which holds
every chunk ``RTT / 2`` in each direction (order kept, no throttling): an extranet link of that
round-trip time, without root, netem or a network namespace.  The window's ``Services`` are built
from ``CLERK_DATABASE_URL`` pointing at the proxy, so every step goes through the same code as at
a station: the connection pool, ``pool_pre_ping``, the statement timeout, the services.

For each step: median / max wall time over ``--runs`` calls (one warm-up call first: the pool
holds its connection, as at a station that has been open for a while), the SQL statements it
executes (SQLAlchemy ``before_cursor_execute``: BEGIN, COMMIT and the pool's ping are not among
them) and the round trips the proxy saw (a client message after the server's answer: every
statement, BEGIN, COMMIT and ping).  At a long RTT, time ≈ round trips × RTT + the local time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import struct
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.bench_store import CATALOG, DOCS, ROOT, postgres_server
from bench.timing import replace_doc_section, throwaway_hall_key

PASSWORD = "Station#2026"
WINDOW, DESK = 7, 9
TITLE = "## Station latency"


class DelayProxy:
    """A TCP proxy on 127.0.0.1 holding each chunk ``rtt_ms / 2`` in each direction; counts round trips.

    Runs its own asyncio loop in a daemon thread.  ``round_trips`` counts, over every
    connection, the client messages that follow an answer of the server (or open the
    connection): one per request the client had to wait for.
    """

    def __init__(self, upstream_port: int, rtt_ms: float) -> None:
        self.upstream_port = upstream_port
        self.delay = rtt_ms / 2000
        self.round_trips = 0
        self.server_closed = 0  # connections the server ended, their close passed on to the client
        #: when a list: one line per round trip, what the client sent (``describe``)
        self.log: list[str] | None = None
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="delay-proxy", daemon=True)
        self.port = 0

    def __enter__(self) -> DelayProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _shutdown(self) -> None:
        """Close the listening socket and every connection still open (the pool's, disposed by now)."""
        self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _client(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_w.close()
            return
        named: dict[str, str] = {}  # this connection's prepared statements (``describe``)
        answered = [True]  # the server spoke last (or nobody yet): the client's next chunk is a new round trip

        def upstream(chunk: bytes) -> None:
            if answered[0]:
                self.round_trips += 1
                answered[0] = False
                if self.log is not None:
                    self.log.append(describe(chunk, named))
            elif self.log is not None and self.log:
                self.log[-1] += " + " + describe(chunk, named)

        def downstream(chunk: bytes) -> None:
            answered[0] = True

        async def from_server() -> None:
            await self._pump(server_r, client_w, downstream)
            self.server_closed += 1

        try:
            await asyncio.gather(self._pump(client_r, server_w, upstream), from_server(), return_exceptions=True)
        except asyncio.CancelledError:  # the proxy shuts down (``_shutdown``): drop the connection quietly
            server_w.close()
            client_w.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    seen: Callable[[bytes], None]) -> None:
        """Copy ``reader`` to ``writer``, each chunk delivered ``delay`` after it arrived."""
        held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await held.get()
                if not chunk:
                    break
                wait = due - self._loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                seen(chunk)
                writer.write(chunk)
                await writer.drain()
            writer.close()

        delivering = asyncio.ensure_future(deliver())
        try:
            while chunk := await reader.read(65536):
                held.put_nowait((self._loop.time() + self.delay, chunk))
        except (ConnectionError, OSError):
            pass
        finally:
            held.put_nowait((0.0, b""))
            try:
                await delivering
            except (ConnectionError, OSError):
                pass


def describe(chunk: bytes, named: dict[str, str]) -> str:
    """What a client chunk asks of the server, by its frontend messages: ``Q:`` a simple query
    (BEGIN, COMMIT, the pool's ping ``;``), ``P:`` an extended query's text (``P[name]:`` one
    psycopg prepares, remembered in ``named``), ``B[name]:`` the execution of a prepared one; the rest is left out."""
    parts, at = [], 0
    while at + 5 <= len(chunk):
        kind, size = chr(chunk[at]), struct.unpack("!I", chunk[at + 1:at + 5])[0]
        body = chunk[at + 5:at + 1 + size]
        if kind == "Q":
            parts.append("Q:" + body.rstrip(b"\0").decode(errors="replace"))
        elif kind == "P":
            name, _, rest = body.partition(b"\0")
            text = rest.split(b"\0")[0].decode(errors="replace")
            if name:
                named[name.decode()] = text
            parts.append(f"P{'[' + name.decode() + ']' if name else ''}:" + text)
        elif kind == "B":
            statement = body.partition(b"\0")[2].split(b"\0")[0]
            if statement:
                parts.append(f"B[{statement.decode()}]:" + named.get(statement.decode(), "?"))
        at += 1 + size
    return " | ".join(" ".join(part.split())[:100] for part in parts) or f"({len(chunk)} bytes)"


@dataclass
class Step:
    name: str
    median_ms: float
    max_ms: float
    statements: float
    round_trips: float
    bound_s: float | None = None  # how long the window waits for this step at the default settings


SIGN_IN, RECENT, SAVE = ("sign-in (`authenticate`, scrypt included)", "repeated-visit check before confirming",
                         "save one visit (`VisitSaver` → `submit`)")


def default_bounds(rtt_ms: float) -> dict[str, float]:
    """The window's own time limits at the default ``statement_timeout`` (5 s) on a link of
    ``rtt_ms``: past them the clerk sees 数据库未答复 (sign-in), no repeated-visit warning at all
    (its limit follows the measured link: ``recent_visit_limit``), or 保存结果暂未知 (the visit is
    kept and checked later by its key)."""
    from clerk.config import Settings
    from clerk.store.engine import postgres_connect_args
    from clerk.tui.services import recent_visit_limit

    timeout = Settings.defaults().statement_timeout_seconds
    answer = float(postgres_connect_args(timeout)["connect_timeout"]) + timeout + 1.0
    return {SIGN_IN: answer, RECENT: recent_visit_limit(rtt_ms / 1000, answer), SAVE: timeout + 1.0}


def _prepare(url: str, cases: int) -> None:
    """Schema, the station's accounts, and a few cases of the day (some for the fallback desk)."""
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade
    from tests.support.drafts import hygiene, incomplete_hygiene

    store = Store(url)
    upgrade(store)
    service = CaseService(store, load_catalog(CATALOG), WorkCalendar.load(ROOT / "data" / "calendar"))
    window = service.add_user(None, "w01", "站点窗口", Role.WINDOW, PASSWORD)
    service.add_user(None, "f01", "兜底", Role.FALLBACK, PASSWORD)
    for i in range(cases):
        if i % 3:
            service.submit(window, WINDOW, hygiene(), Outcome.ACCEPT)
        else:
            service.submit(window, WINDOW, incomplete_hygiene(), Outcome.FALLBACK)
    store.dispose()


def measure(proxy: DelayProxy, runs: int) -> list[Step]:
    """Every step through the window's ``Services`` on ``CLERK_DATABASE_URL`` = the proxy."""
    from sqlalchemy import event

    from clerk.config import get_settings
    from clerk.domain.accounts import Role
    from clerk.domain.intake import Outcome
    from clerk.reports.catalog_use import recent_intakes
    from clerk.tui.services import Services
    from tests.support.drafts import hygiene

    os.environ["CLERK_DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/postgres"
    get_settings.cache_clear()
    services = Services(get_settings())
    store = services.store
    statements = [0]
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    user = services.authenticate("w01", PASSWORD, via="window", window=WINDOW)
    desk_user = services.cases.account("f01")
    assert desk_user.role is Role.FALLBACK
    saved: list[str] = []
    queue_number = services.desk.fallback_queue()[0].number

    def save() -> None:
        key = uuid.uuid4().hex
        case = services.visits.save(user, WINDOW, hygiene(), Outcome.ACCEPT, "", key, at=services.clock())
        saved.append(case.number)

    def newest() -> str:
        return saved[-1] if saved else services.desk.fallback_queue()[0].number

    steps: dict[str, Callable[[], object]] = {
        SIGN_IN: lambda: services.authenticate("w01", PASSWORD, via="window", window=WINDOW),
        "take the window's seat (after sign-in)": lambda: services.seats.take(user, WINDOW),
        "intake screen: item counts of 90 days": lambda: recent_intakes(store, services.now()),
        RECENT: lambda: services.cases.recent_visit(user, hygiene(), "k"),
        SAVE: save,
        "look a case up by number (F5)": lambda: services.get(newest(), user, WINDOW),
        "find by phone": lambda: services.find("13812345678", user),
        "fallback desk: its queue": lambda: services.desk.fallback_queue(),
        "fallback desk: open a case": lambda: services.desk.open(desk_user, DESK, queue_number),
        "dashboard snapshot (supervisor)": lambda: services.dashboard.snapshot(),
    }
    bounds = default_bounds(proxy.delay * 2000)
    result = []
    for name, call in steps.items():
        call()  # warm-up: imports, the dummy hash, prepared state
        samples, counted, trips = [], [], []
        for _ in range(runs):
            statements[0], before = 0, proxy.round_trips
            began = time.perf_counter()
            call()
            samples.append((time.perf_counter() - began) * 1000)
            counted.append(statements[0])
            trips.append(proxy.round_trips - before)
        result.append(Step(name, statistics.median(samples), max(samples), statistics.mean(counted),
                           statistics.mean(trips), bounds.get(name)))
    store.dispose()
    return result


def trace(proxy: DelayProxy, saves: int = 8) -> tuple[list[int], list[str]]:
    """How many round trips each of ``saves`` saves of a visit through the window's ``Services``
    took, and those of the last one."""
    from clerk.config import get_settings
    from clerk.domain.intake import Outcome
    from clerk.tui.services import Services
    from tests.support.drafts import hygiene

    os.environ["CLERK_DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/postgres"
    get_settings.cache_clear()
    services = Services(get_settings())
    user = services.authenticate("w01", PASSWORD, via="window", window=WINDOW)
    counts = []
    for _ in range(saves):
        proxy.log = []
        services.visits.save(user, WINDOW, hygiene(), Outcome.ACCEPT, "", uuid.uuid4().hex, at=services.clock())
        counts.append(len(proxy.log))
    lines, proxy.log = proxy.log or [], None
    services.store.dispose()
    return counts, lines


def table(figures: dict[int, list[Step]]) -> str:
    rtts = sorted(figures)
    head = ("| step | statements | round trips | " + " | ".join(f"{r} ms RTT: median / max" for r in rtts)
            + " | window's limit (default settings) |")
    rule = "|---|---|---|" + "---|" * len(rtts) + "---|"
    lines = [head, rule]
    for i, step in enumerate(figures[rtts[0]]):
        trips = {round(figures[r][i].round_trips, 1) for r in rtts}
        cells = " | ".join(f"{figures[r][i].median_ms:.0f} / {figures[r][i].max_ms:.0f} ms"
                           + (" **over**" if figures[r][i].bound_s and figures[r][i].max_ms > (figures[r][i].bound_s or 0)
                              * 1000 else "")
                           for r in rtts)
        bounds = sorted({figures[r][i].bound_s or 0 for r in rtts})
        bound = " / ".join(f"{b:g}" for b in bounds) + " s" if step.bound_s else ""
        lines.append(f"| {step.name} | {step.statements:g} | {' / '.join(f'{t:g}' for t in sorted(trips))} "
                     f"| {cells} | {bound} |")
    return "\n".join(lines)


READING = """\
Reading it: a transaction costs two round trips besides its statements — psycopg's `BEGIN` and the
`COMMIT` — so a one-statement read is 3 (the pool pings a pooled connection only when its socket has
something to read, `clerk.store.engine._ping_if_spoken`; psycopg prepares nothing, so no save now
and then pays a round trip per statement).  A save is one transaction: `BEGIN`, the visit's key
read with the acting account, the day's number, the case, the audit head (which also sends the
`pg_notify`), the deadlines, the notices, the new rows read for the audit record (one statement per
table), the audit event, `COMMIT`: 12; the case for the screen is built from what was written, not
read back.  Before this work (same bench, 2026-12-03) a save was three transactions and 26 round
trips (40 when psycopg prepared its statements): 1376 / 2043 ms at 50 ms RTT, 5273 / 7893 ms at
200 ms, over the window's 6 s.  `--trace` lists the round trips of one save.  At a long RTT the
time is round trips × RTT; the local work (scrypt at sign-in, a few ms elsewhere) hardly shows.
What a station clerk waits is in docs/deploy.md ("Stations on the extranet").
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", default="0,200", help="round-trip times to measure, comma-separated (default 0,200)")
    parser.add_argument("--runs", type=int, default=20, help="calls per step and RTT (after one warm-up)")
    parser.add_argument("--cases", type=int, default=30, help="cases of the day in the store before measuring")
    parser.add_argument("--statement-timeout", type=float, default=30.0,
                        help="CLERK_STATEMENT_TIMEOUT of the measured window, seconds (default 30: long enough "
                             "that no step is cut short; the table compares with the default limits)")
    parser.add_argument("--trace", action="store_true",
                        help="list the round trips of one save at the first --rtt-ms instead of measuring")
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite '{TITLE}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    rtts = [int(x) for x in args.rtt_ms.split(",")]
    throwaway_hall_key()
    home = Path(tempfile.mkdtemp(prefix="clerk-bench-station-"))
    os.environ.update(CLERK_HOME=str(home), CLERK_CATALOG_DIR=str(CATALOG),
                      CLERK_CALENDAR_DIR=str(ROOT / "data" / "calendar"),
                      CLERK_STATEMENT_TIMEOUT=str(args.statement_timeout))
    figures: dict[int, list[Step]] = {}
    with postgres_server() as url:
        _prepare(url, args.cases)
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        if args.trace:
            with DelayProxy(port, rtts[0]) as proxy:
                counts, lines = trace(proxy)
            print(f"round trips of {len(counts)} saves of a visit, one after the other: {counts}; the last one:")
            print("\n".join(f"{i:3}  {line}" for i, line in enumerate(lines, 1)))
            return 0
        for rtt in rtts:
            with DelayProxy(port, rtt) as proxy:
                figures[rtt] = measure(proxy, args.runs)
            print(f"measured at {rtt} ms RTT", flush=True)
    text = table(figures)
    print(text, flush=True)
    # The proxy really held the link: no step may answer faster than its round trips allow.
    short = [f"{step.name} at {rtt} ms" for rtt, steps in figures.items() for step in steps
             if step.median_ms < step.round_trips * rtt * 0.9]
    if short:
        print("faster than the round trips allow (the proxy did not delay): " + "; ".join(short), file=sys.stderr)
        return 1
    if args.write_docs:
        section = (f"{TITLE}\n\n`python -m bench.bench_station_latency --rtt-ms {args.rtt_ms} --runs {args.runs}` "
                   f"({os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}; "
                   "PostgreSQL behind an asyncio proxy holding each direction RTT/2, see the module's docstring).  "
                   "Median / max of each step through the window's `Services`, statements counted by "
                   "SQLAlchemy, round trips by the proxy.  Measured with a 30 s statement timeout so that no "
                   "step is cut short; **over**: the max passed the limit the window has at the default 5 s.\n\n"
                   + text + "\n\n" + READING)
        replace_doc_section(DOCS, TITLE, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
