"""The shipped data travels inside the wheel and is found through importlib.resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from clerk.shipped import shipped_path, shipped_root

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_data_is_the_clerk_data_package():
    assert shipped_root() == Path(str(resources.files("clerk._data")))
    assert (shipped_path("catalog") / "bundles.yaml").is_file()
    assert shipped_path("complaints.toml").is_file()


def test_no_code_reaches_data_through_the_source_tree():
    offenders = []
    for path in (ROOT / "clerk").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if 'PROJECT_ROOT / "data"' in text or "parent.parent / \"data\"" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.slow
def test_the_wheel_holds_every_shipped_file_under_clerk_data(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True, cwd=tmp_path)
    if built.returncode != 0:
        pytest.fail(built.stdout + built.stderr)
    (wheel,) = tmp_path.glob("clerk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"clerk/_data/{p.relative_to(ROOT / 'data').as_posix()}" for p in (ROOT / "data").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= names, sorted(shipped - names)
    assert not any(name.startswith("data/") for name in names)
    assert any(name.startswith("clerk/store/migrations/versions/") for name in names)
