"""Store benchmark: intake commit latency under concurrent writers, queue queries on a big store.

    python -m bench.bench_store                 # full: 1, 8, 28 writers; 1,000,000 cases
    python -m bench.bench_store --cases 50000 --per-writer 10   # quick
    python -m bench.bench_store --write-docs    # also rewrite "## Store" in docs/benchmarks.md

PostgreSQL runs in a throw-away cluster started here (as ``nobody`` when root),
like the test suite does; ``--backends sqlite`` skips it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.timing import throwaway_hall_key, time_calls

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "tests" / "fixtures" / "catalog"
DOCS = ROOT / "docs" / "benchmarks.md"


@contextmanager
def postgres_server():
    initdb = shutil.which("initdb") or "/usr/local/bin/initdb"
    pg_ctl = shutil.which("pg_ctl") or "/usr/local/bin/pg_ctl"
    root = Path(tempfile.mkdtemp(prefix="clerk-bench-pg-"))
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = root / "data"
    subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
                    "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
    options = f"-k {root} -p {port} -h 127.0.0.1 -c max_connections=200 -c shared_buffers=256MB"
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _service(url: str):
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store

    return CaseService(Store(url), load_catalog(CATALOG), WorkCalendar.load(ROOT / "data" / "calendar"))


def window_user(service, clerk_id: str, window: int):
    """The stored, active window account ``clerk_id`` (created on first use): the services act
    only for one."""
    from clerk.domain.accounts import Role
    from clerk.domain.errors import IntakeError

    try:
        return service.add_user(None, clerk_id, f"窗口{window}", Role.WINDOW, "secret1")
    except IntakeError:  # already there from an earlier run
        return service.account(clerk_id)


def _writer(url: str, window: int, count: int, barrier) -> list[float]:
    from clerk.domain.intake import Outcome
    from tests.support.drafts import hygiene

    service = _service(url)
    user = window_user(service, f"w{window:02d}", window)
    service.submit(user, window, hygiene(), Outcome.ACCEPT)  # warm up connection and imports
    barrier.wait(300)
    latencies = []
    for _ in range(count):
        began = time.perf_counter()
        service.submit(user, window, hygiene(), Outcome.ACCEPT)
        latencies.append(time.perf_counter() - began)
    return latencies


def _intake_template(store, number: str) -> dict[str, list[dict]]:
    """The rows one intake wrote (case, deadlines, notices, audit event), as column dicts."""
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent, CaseRow, DeadlineRow, NoticeRow

    tables = {t.name: t for t in (CaseRow.__table__, DeadlineRow.__table__, NoticeRow.__table__,
                                  AuditEvent.__table__)}
    with store.connection(write=False) as conn:
        case = conn.execute(select(tables["cases"]).where(tables["cases"].c.number == number)).mappings().one()
        found = {"cases": [dict(case)]}
        for name in ("deadlines", "notices"):
            found[name] = [dict(r) for r in conn.execute(select(tables[name]).where(
                tables[name].c.case_id == case["id"])).mappings()]
        found["audit_events"] = [dict(r) for r in conn.execute(select(tables["audit_events"]).where(
            tables["audit_events"].c.case_number == number)).mappings()]
    return found


def _raw_writer(url: str, window: int, count: int, barrier) -> list[float]:
    """The baseline: the rows of one intake written with Core SQL in one transaction.

    Same transaction shape as ``CaseService.submit`` (BEGIN IMMEDIATE and the
    writer lock on SQLite, the numbering row and the audit head locked), but no
    ORM, no intake planning, no row digests or HMAC, no read-back of the view.
    """
    from clerk.domain.intake import Outcome
    from tests.support.drafts import hygiene

    service = _service(url)
    user = window_user(service, f"r{window:02d}", window)
    one = raw_intake(service.store, service.submit(user, window, hygiene(), Outcome.ACCEPT).number)
    one()  # warm up
    barrier.wait(300)
    latencies = []
    for _ in range(count):
        began = time.perf_counter()
        one()
        latencies.append(time.perf_counter() - began)
    return latencies


def raw_intake(store, number: str):
    """A callable writing the rows intake ``number`` wrote again, with Core SQL in one transaction."""
    import hashlib
    import json

    from sqlalchemy import text

    from clerk.store.numbering import _BUMP, format_number
    from clerk.store.tables import AuditEvent, CaseRow, DeadlineRow, NoticeRow

    template = _intake_template(store, number)
    case_t, deadline_t, notice_t, event_t = (CaseRow.__table__, DeadlineRow.__table__, NoticeRow.__table__,
                                             AuditEvent.__table__)

    def one() -> None:
        now = datetime.now(UTC)
        with store.connection(write=True) as conn:
            serial = conn.execute(text(_BUMP), {"day": f"{now:%Y%m%d}", "hall": "RAW"}).scalar_one()
            number = format_number(now.date(), "RAW", serial)
            case = {k: v for k, v in template["cases"][0].items() if k != "id"} | {
                "number": number, "received_at": now, "updated_at": now}
            case_id = conn.execute(case_t.insert().values(**case).returning(case_t.c.id)).scalar_one()
            for d in template["deadlines"]:
                conn.execute(deadline_t.insert().values({k: v for k, v in d.items() if k != "id"} | {"case_id": case_id}))
            for n in template["notices"]:
                conn.execute(notice_t.insert().values({k: v for k, v in n.items() if k != "id"}
                                                     | {"case_id": case_id, "created_at": now}))
            seq, prev = conn.execute(text("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 "
                                          "RETURNING seq, hash")).one()
            event = {k: v for k, v in template["audit_events"][0].items()} | {
                "seq": seq, "at": now, "case_number": number, "prev_hash": prev}
            event["hash"] = hashlib.sha256((prev + json.dumps(event, default=str)).encode()).hexdigest()
            conn.execute(event_t.insert().values(**event))
            conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": event["hash"]})

    return one


def intake_latency(url: str, writers: int, per_writer: int, *, raw: bool = False) -> tuple[float, float, float]:
    """(median ms, p99 ms, commits per second) for ``writers`` processes committing at once."""
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    work = _raw_writer if raw else _writer
    with context.Manager() as manager:
        barrier = manager.Barrier(writers + 1)
        with ProcessPoolExecutor(writers, mp_context=context) as pool:
            futures = [pool.submit(work, url, w + 1, per_writer, barrier) for w in range(writers)]
            barrier.wait(300)  # every writer has warmed up: start together
            began = time.perf_counter()
            samples = sorted(x for f in futures for x in f.result())
            elapsed = time.perf_counter() - began
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return statistics.median(samples) * 1000, p99 * 1000, len(samples) / elapsed


def bulk_load(store, total: int) -> float:
    """Insert ``total`` synthetic cases directly (executemany / COPY), not through the service."""
    import json

    from clerk.domain.lifecycle import CaseState

    # Like a real hall: old cases are finished; the last ~2 weeks (2%) are open in
    # every open state, about half of them past their due date on the query day.
    finished = [CaseState.CLOSED] * 8 + [CaseState.DONE_ON_THE_SPOT, CaseState.NOT_ACCEPTED]
    still_open = [CaseState.ACCEPTED, CaseState.ACCEPTED, CaseState.INCOMPLETE, CaseState.TOLERATED,
                  CaseState.APPROVED, CaseState.CORRECTION, CaseState.MAILED, CaseState.PICKED_UP]
    recent_from = total - max(1, total // 50)
    checklist = json.dumps({"catalog_version": "bench", "code": "T-GGWS-001", "item_codes": ["T-GGWS-001"],
                            "answers": [], "entries": []})
    base = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    columns = ("number", "code", "name", "department", "is_bundle", "item_kind", "catalog_version", "checklist",
               "marks", "applicant_kind", "applicant_name", "applicant_id_number", "applicant_phone",
               "applicant_address", "applicant_postcode", "delivery", "window", "clerk_id", "state", "outcome",
               "received_at", "due_on", "due_kind", "due_provisional", "reason", "version", "updated_at")

    def row(i: int) -> tuple:
        at = base + timedelta(minutes=i * 1_000_000 // total)  # ~1.9 years, whatever the size
        state = (still_open if i >= recent_from else finished)[i % 8 if i >= recent_from else i % 10]
        due = (at + timedelta(days=7)).date() if state.is_open else None
        return (f"{at:%Y%m%d}-BM-{i:07d}", "T-GGWS-001", "公共场所卫生许可（新办）", "区卫生健康局", False, "承诺件",
                "bench", checklist, "{}", "个人", f"申请人{i}", f"{i:018d}", f"138{i:08d}", "", "", "EMS邮寄",
                i % 28 + 1, "bench", state.value, "accept", at, due, "promised" if due else None, False, "", 1, at)

    began = time.perf_counter()
    chunk = 20_000
    if store.is_sqlite:
        marks = ",".join("?" * len(columns))
        raw = store.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("BEGIN")
            for lo in range(0, total, chunk):
                cur.executemany(f"INSERT INTO cases ({','.join(columns)}) VALUES ({marks})",
                                [tuple(v.isoformat(" ") if isinstance(v, datetime) else v for v in row(i))
                                 for i in range(lo, min(total, lo + chunk))])
            cur.execute("COMMIT")
            cur.execute("ANALYZE")
        finally:
            raw.close()
    else:
        raw = store.engine.raw_connection()
        try:
            cur = raw.cursor()
            quoted = ",".join(f'"{c}"' for c in columns)
            with cur.copy(f"COPY cases ({quoted}) FROM STDIN") as copy:
                for i in range(total):
                    copy.write_row(row(i))
            raw.commit()
            raw.driver_connection.autocommit = True  # VACUUM cannot run in a transaction
            cur.execute("VACUUM ANALYZE cases")  # a long-lived store is vacuumed; fresh COPY pages are not
        finally:
            raw.close()
    return time.perf_counter() - began


def query_times(service, runs: int = 30) -> dict[str, tuple[float, float]]:
    today = date(2026, 11, 25)
    calls = {
        "open cases of window 7": lambda: service.open_cases(window=7, limit=200),
        "overdue cases (hall)": lambda: service.overdue(today, limit=200),
        "find by phone": lambda: service.find("13800123456"),
        "find by number": lambda: service.find("20250101-BM-0000100"),
    }
    return time_calls(calls, runs)


def run_backend(label: str, url: str, args) -> list[str]:
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade

    lines = []
    if url.startswith("postgresql"):
        import psycopg

        plain = url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS clerk_intake")
            conn.execute("DROP DATABASE IF EXISTS clerk_big")
            conn.execute("CREATE DATABASE clerk_intake")
            conn.execute("CREATE DATABASE clerk_big")
        intake_url, big_url = url.rsplit("/", 1)[0] + "/clerk_intake", url.rsplit("/", 1)[0] + "/clerk_big"
    else:
        folder = Path(tempfile.mkdtemp(prefix="clerk-bench-"))
        intake_url, big_url = f"sqlite:///{folder / 'intake.db'}", f"sqlite:///{folder / 'big.db'}"
    upgrade(Store(intake_url))
    for writers in args.writers:
        for raw in (False, True):
            median, p99, rate = intake_latency(intake_url, writers, args.per_writer, raw=raw)
            what = "raw-SQL baseline (same rows, one transaction)" if raw else "intake commit (audited service)"
            lines.append(f"| {label} | {what}, {writers} writer(s) | {median:.1f} ms | {p99:.1f} ms | "
                         f"{rate:.0f} commits/s |")
            print(lines[-1], flush=True)
    if args.intake_only:
        return lines
    big = Store(big_url)
    upgrade(big)
    seconds = bulk_load(big, args.cases)
    lines.append(f"| {label} | bulk load {args.cases:,} cases | {seconds:.1f} s total | | "
                 f"{args.cases / seconds:,.0f} rows/s |")
    print(lines[-1], flush=True)
    service = _service(big_url)
    for name, (median, worst) in query_times(service).items():
        lines.append(f"| {label} | {name} on {args.cases:,} cases | {median:.2f} ms | {worst:.2f} ms (max) | |")
        print(lines[-1], flush=True)
    return lines


def write_docs(lines: list[str], args) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    machine = (f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, load average at the end "
               f"{os.getloadavg()[0]:.1f} — other jobs shared the machine, so concurrent figures are noisy")
    section = (
        "## Store\n\n"
        f"`python -m bench.bench_store --cases {args.cases} --per-writer {args.per_writer}` "
        f"({machine}; {time.strftime('%Y-%m-%d')}).  Intake = one `CaseService.submit` (number, case, "
        "deadline, notice, audit event in one transaction) per process, all writers started together; "
        "queries go through the service on a store bulk-loaded with synthetic cases (30 runs each).  "
        "Target for the queue queries: under 20 ms.\n\n"
        "| backend | measurement | median | p99 / max | throughput |\n|---|---|---|---|---|\n"
        + "\n".join(lines) + "\n"
    )
    pattern = re.compile(r"^## Store\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the big store (default 1,000,000)")
    parser.add_argument("--writers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 28])
    parser.add_argument("--per-writer", type=int, default=40, help="commits per writer")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--intake-only", action="store_true", help="only the intake commit figures")
    parser.add_argument("--write-docs", action="store_true", help="rewrite the Store section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    throwaway_hall_key()
    lines: list[str] = []
    backends = args.backends.split(",")
    if "sqlite" in backends:
        lines += run_backend("SQLite", "", args)
    if "postgresql" in backends:
        with postgres_server() as url:
            lines += run_backend("PostgreSQL", url, args)
    if args.write_docs:
        write_docs(lines, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
