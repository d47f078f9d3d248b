"""Render time per notice (median, p99) per kind and paper format.

    .venv/bin/python bench/bench_render.py [--rounds 100] [--font ""|STSong-Light|PATH]

Each notice includes its Code 128 barcode.  The first render of a process
(font registration, imports) is reported separately as "cold".  Every round
prints another applicant (name, contact, address drawn from 100 surnames and
given-name characters), so the per-PDF font subsets differ as at a real window
and the process-wide cache of subset font programs does not flatter the figures.
Wall-clock and CPU (``time.process_time``) medians are both reported: on a
shared machine the wall clock includes waiting for a CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataclasses import replace  # noqa: E402

from clerk.config import get_settings  # noqa: E402
from clerk.printing.data import NoticeKind  # noqa: E402
from clerk.printing.fonts import choose_font  # noqa: E402
from clerk.printing.rendering import render  # noqa: E402
from clerk.printing.samples import sample  # noqa: E402

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞鑫宇浩然梓涵子轩欣怡诗琪雨桐佳"


def applicant(data, i: int):
    """The demo notice for another applicant (round ``i``)."""
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13) % len(GIVEN)]
    if hasattr(data, "rows"):  # the manifest
        rows = tuple(replace(r, recipient=name, address=f"{r.address}{i}号") for r in data.rows)
        return replace(data, rows=rows)
    return replace(data, applicant_name=f"{name}餐饮有限公司", contact_name=name,
                   address=f"济南市{SURNAMES[(i * 3) % len(SURNAMES)]}家庄{GIVEN[i % len(GIVEN)]}苑{i}号")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--font", default="", help='font_path setting: "" = the shipped font (default), STSong-Light, or a fallback font path')
    args = parser.parse_args()
    settings = replace(get_settings(), font_path=args.font)
    start = time.perf_counter()
    render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED), "a4", settings)
    cold = (time.perf_counter() - start) * 1000
    font = choose_font(args.font)
    print(f"font: {font.source} ({'embedded subset' if font.embedded else 'CID, not embedded'})")
    print(f"cold first render (imports + font): {cold:.1f} ms")
    print("| kind | paper | median ms | CPU median ms | p99 ms | PDF bytes |")
    print("|---|---|---:|---:|---:|---:|")
    worst = worst_cpu = 0.0
    for kind in NoticeKind:
        for paper in ("a4", "a5", "roll"):
            times, cpu = [], []
            for i in range(args.rounds):
                data = applicant(sample(kind), i)
                t, c = time.perf_counter(), time.process_time()
                pdf = render(kind, data, paper, settings)
                cpu.append((time.process_time() - c) * 1000)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            worst = max(worst, statistics.median(times))
            worst_cpu = max(worst_cpu, statistics.median(cpu))
            print(f"| {kind.value} | {paper} | {statistics.median(times):.2f} | {statistics.median(cpu):.2f} "
                  f"| {p99:.2f} | {len(pdf)} |")
    print(f"worst median: {worst:.2f} ms wall, {worst_cpu:.2f} ms CPU (target < 10 ms); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
