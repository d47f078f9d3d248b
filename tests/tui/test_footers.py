"""Every screen's footer is ``KeyFooter``: Textual's own ``Footer`` stays empty in a browser
until the first key (clerk serve), see clerk.tui.widgets.footer."""

from __future__ import annotations

import re
from pathlib import Path

import clerk.tui


def test_no_screen_uses_textuals_own_footer():
    root = Path(clerk.tui.__file__).parent
    users = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                   if re.search(r"\bFooter\(", path.read_text(encoding="utf-8")))
    assert users == [], f"use clerk.tui.widgets.footer.KeyFooter in {users}"
