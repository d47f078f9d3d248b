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


def throwaway_hall_key():
    """A hall key in a temp dir for a benchmark's throw-away stores; returns its path.

    Sets ``CLERK_KEY_FILE`` so ``Store(url)`` here and in worker processes finds it.
    """
    import os
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    from clerk.config import get_settings
    from clerk.store.hallkey import ensure_hall_key

    folder = Path(tempfile.mkdtemp(prefix="clerk-bench-key-"))
    path, _ = ensure_hall_key(replace(get_settings(), key_file=folder / "hall.key"))
    os.environ["CLERK_KEY_FILE"] = str(path)
    get_settings.cache_clear()
    return path


def replace_doc_section(doc, title: str, section: str) -> None:
    """Put ``section`` (starting with the ``title`` line) into the markdown file ``doc``, replacing
    the section of that title if there is one (up to the next ``## ``), else at the end."""
    import re

    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    doc.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
