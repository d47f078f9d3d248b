"""The start-up seam: the window app up to its first screen loads no SQLAlchemy, SQLModel,
reportlab or pypinyin.

Below the seam (services, store, reports, printing) modules import at the top; the
window app reaches them through ``clerk.tui.services.Services`` and the screens it
pushes after sign-in, which import them on first use (docs/architecture.md).
"""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "reportlab", "pypinyin")

CHILD = f"""
import sys
from clerk.tui.launch import make_app
from clerk.tui.screens.signin import SignInScreen

app = make_app([])
SignInScreen()
print(sorted({{name.split('.')[0] for name in sys.modules}} & set({HEAVY!r})))
"""


def test_the_window_app_and_its_sign_in_screen_load_no_heavy_library(tmp_path):
    env = dict(os.environ, CLERK_HOME=str(tmp_path / "home"), CLERK_CONFIG=os.devnull,
               XDG_STATE_HOME=str(tmp_path / "state"), HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"loaded before the first screen: {result.stdout}"
