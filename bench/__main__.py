"""Run every ``bench_*.py`` module in this folder, in name order."""

from __future__ import annotations

import runpy
from pathlib import Path

for path in sorted(Path(__file__).parent.glob("bench_*.py")):
    print(f"== {path.stem}")
    runpy.run_module(f"bench.{path.stem}", run_name="__main__")
