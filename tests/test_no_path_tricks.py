"""Test helpers are imported as ``tests.support.<module>``: no test edits ``sys.path``."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent
# sys.path.insert/append/extend/remove, sys.path[...] = ..., sys.path += ..., site.addsitedir
EDITS = re.compile(r"\bsys\.path\s*(?:\.\s*(?:insert|append|extend|remove|pop|clear)\b|\[[^\]]*\]\s*=|\+=|=(?!=))"
                   r"|\bsite\.addsitedir\b")


def test_no_test_file_edits_sys_path():
    offenders = [f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
                 for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__)
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if EDITS.search(line)]
    assert offenders == [], "import helpers from tests.support instead:\n" + "\n".join(offenders)


def test_the_check_sees_the_usual_edits():
    for line in ('sys.path.insert(0, str(ROOT))', "sys.path.append(folder)", "sys.path[:0] = [x]",
                 "sys.path += [x]", "sys.path = [x]", "site.addsitedir(x)"):
        assert EDITS.search(line), line
    for line in ("if str(ROOT) not in sys.path:", "env['PYTHONPATH'] = os.pathsep.join(sys.path)",
                 "assert sys.path == before"):
        assert not EDITS.search(line), line
