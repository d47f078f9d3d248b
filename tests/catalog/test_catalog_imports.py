"""`import clerk.catalog` stays cheap: PyYAML and pypinyin wait for a catalog load."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_catalog_package_loads_neither_yaml_nor_pypinyin():
    code = (
        "import sys, clerk.catalog, clerk.commands.catalog\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'pypinyin', 'textual', 'rich'))\n"
        "print(heavy)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
