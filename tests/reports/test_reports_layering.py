"""clerk.reports and the complaint desk: no UI library, and the heavy libraries load lazily."""

from __future__ import annotations

import subprocess
import sys

MODULES = ["clerk.reports", "clerk.commands.reports", "clerk.reports.dashboard", "clerk.reports.report",
           "clerk.reports.export", "clerk.reports.periods", "clerk.services.complaints",
           "clerk.complaint_categories", "clerk.domain.complaints"]


def test_importing_reports_loads_no_ui_and_no_heavy_library():
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'sqlalchemy', 'sqlmodel',"
        " 'reportlab') or m.startswith('clerk.tui'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"imported at module level: {result.stdout}{result.stderr}"
