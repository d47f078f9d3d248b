"""One writer, alternating: the audited ``CaseService.submit`` and the raw-SQL baseline
writing the same rows, in one process, so a busy machine slows both alike.

    python -m bench.bench_intake_ratio [--runs 200] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_store import ROOT, _service, postgres_server, raw_intake, window_user
from bench.timing import throwaway_hall_key


def measure(url: str, runs: int) -> tuple[float, float, float, float]:
    """(audited median, audited p99, raw median, raw p99) in ms."""
    from clerk.domain.intake import Outcome
    from clerk.store.engine import Store
    from clerk.store.migrate import upgrade
    from tests.support.drafts import hygiene

    upgrade(Store(url))
    service = _service(url)
    user = window_user(service, "w01", 1)
    raw = raw_intake(service.store, service.submit(user, 1, hygiene(), Outcome.ACCEPT).number)
    audited: list[float] = []
    baseline: list[float] = []
    for i in range(runs + 5):
        began = time.perf_counter()
        service.submit(user, 1, hygiene(), Outcome.ACCEPT)
        middle = time.perf_counter()
        raw()
        if i >= 5:  # warm-up
            audited.append(middle - began)
            baseline.append(time.perf_counter() - middle)

    def p99(xs: list[float]) -> float:
        return sorted(xs)[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000

    return statistics.median(audited) * 1000, p99(audited), statistics.median(baseline) * 1000, p99(baseline)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    throwaway_hall_key()
    print("| backend | audited submit median / p99 | raw-SQL baseline median / p99 | ratio (median) |\n|---|---|---|---|")
    urls = []
    if "sqlite" in args.backends:
        urls.append(("SQLite", f"sqlite:///{Path(tempfile.mkdtemp(prefix='clerk-ratio-')) / 'r.db'}", None))
    for label, url, _ in urls:
        a, ap, r, rp = measure(url, args.runs)
        print(f"| {label} | {a:.1f} / {ap:.1f} ms | {r:.1f} / {rp:.1f} ms | {a / r:.1f}× |", flush=True)
    if "postgresql" in args.backends:
        with postgres_server() as url:
            a, ap, r, rp = measure(url, args.runs)
            print(f"| PostgreSQL | {a:.1f} / {ap:.1f} ms | {r:.1f} / {rp:.1f} ms | {a / r:.1f}× |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
