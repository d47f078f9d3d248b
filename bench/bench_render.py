"""Render time per notice (median, p99) per kind and paper format.

    .venv/bin/python bench/bench_render.py [--rounds 100] [--font STSong-Light|PATH|""]

Each notice includes its Code 128 barcode.  The first render of a process
(font registration, imports) is reported separately as "cold".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clerk.config import Settings  # noqa: E402
from clerk.printing.data import NoticeKind  # noqa: E402
from clerk.printing.fonts import choose_font  # noqa: E402
from clerk.printing.rendering import render  # noqa: E402
from clerk.printing.samples import sample  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--font", default="STSong-Light", help='font_path setting; "" = auto-detect')
    args = parser.parse_args()
    settings = Settings(font_path=args.font)
    start = time.perf_counter()
    render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED), "a4", settings)
    cold = (time.perf_counter() - start) * 1000
    font = choose_font(args.font)
    print(f"font: {font.source} ({'embedded subset' if font.embedded else 'CID, not embedded'})")
    print(f"cold first render (imports + font): {cold:.1f} ms")
    print("| kind | paper | median ms | p99 ms | PDF bytes |")
    print("|---|---|---:|---:|---:|")
    worst = 0.0
    for kind in NoticeKind:
        data = sample(kind)
        for paper in ("a4", "a5", "roll"):
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                pdf = render(kind, data, paper, settings)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            worst = max(worst, statistics.median(times))
            print(f"| {kind.value} | {paper} | {statistics.median(times):.2f} | {p99:.2f} | {len(pdf)} |")
    print(f"worst median: {worst:.2f} ms (target < 10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
