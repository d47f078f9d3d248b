"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_calls(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, tuple[float, float]]:
    """Median and maximum milliseconds of each call over ``runs`` (after one warm-up)."""
    result = {}
    for name, call in calls.items():
        call()
        samples = []
        for _ in range(runs):
            began = time.perf_counter()
            call()
            samples.append((time.perf_counter() - began) * 1000)
        result[name] = (statistics.median(samples), max(samples))
    return result
