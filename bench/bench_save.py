"""The save path of a case change, statement by statement: SQL statements and latency per call.

    python -m bench.bench_save                   # SQLite and PostgreSQL, 60 calls each
    python -m bench.bench_save --calls 200 --backends sqlite

Measured calls (one transaction each, through the service the screens use):
- intake: ``CaseService.submit`` of an incomplete visit (the fallback desk gets it);
- supplement: ``DeskService.log_supplement`` bringing the missing materials, which
  completes the case (version bump, deadlines met and added, due date, notice,
  audit event).
Statements are counted with a ``before_cursor_execute`` listener (BEGIN/COMMIT
included); latency is wall time of the call (median / p99).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_store import ROOT, _service, postgres_server
from bench.timing import throwaway_hall_key


def measure(url: str, calls: int) -> dict[str, tuple[float, float, float]]:
    """name -> (median ms, p99 ms, statements per call)."""
    from sqlalchemy import event

    from clerk.domain.accounts import Role
    from clerk.domain.desk_views import SupplyChannel
    from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome
    from clerk.services.desk import DeskService
    from clerk.store.migrate import upgrade
    from tests.support.drafts import incomplete_hygiene

    service = _service(url)
    upgrade(service.store)
    window = service.add_user(None, "w01", "窗口1", Role.WINDOW, "secret1")
    fallback = service.add_user(None, "f01", "兜底", Role.FALLBACK, "secret1")
    desk = DeskService(service)
    count = [0]
    event.listen(service.store.engine, "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))
    brought = {"business-licence": MaterialMark(MaterialStatus.COPY, 1), "hygiene-plan": MaterialMark(MaterialStatus.COPY, 1)}

    samples: dict[str, list[tuple[float, int]]] = {"intake (incomplete)": [], "supplement (completes the case)": []}
    numbers = []
    for i in range(calls + 3):
        count[0] = 0
        began = time.perf_counter()
        view = service.submit(window, 1, incomplete_hygiene(), Outcome.FALLBACK)
        if i >= 3:  # warm-up
            samples["intake (incomplete)"].append(((time.perf_counter() - began) * 1000, count[0]))
        numbers.append(view.number)
    for i, number in enumerate(numbers):
        count[0] = 0
        began = time.perf_counter()
        desk.log_supplement(fallback, 9, number, brought, SupplyChannel.IN_PERSON)
        if i >= 3:
            samples["supplement (completes the case)"].append(((time.perf_counter() - began) * 1000, count[0]))
    service.store.dispose()
    result = {}
    for name, rows in samples.items():
        ms = sorted(r[0] for r in rows)
        result[name] = (statistics.median(ms), ms[max(0, int(len(ms) * 0.99) - 1)], statistics.mean(r[1] for r in rows))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    throwaway_hall_key()
    for backend in args.backends.split(","):
        if backend == "sqlite":
            url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='clerk-bench-save-')) / 'save.db'}"
            figures = measure(url, args.calls)
        else:
            with postgres_server() as url:
                figures = measure(url, args.calls)
        for name, (median, p99, statements) in figures.items():
            print(f"| {backend} | {name} | {median:.1f} ms | {p99:.1f} ms | {statements:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
