from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
HALL = FIXTURES / "hall"


@pytest.fixture(scope="session")
def hall():
    """The small, valid test-hall catalog (three files)."""
    from clerk.catalog import load_catalog

    return load_catalog(HALL)


@pytest.fixture
def hall_copy(tmp_path: Path) -> Path:
    """A writable copy of the test-hall folder, to break on purpose."""
    target = tmp_path / "catalog"
    shutil.copytree(HALL, target)
    return target


def _line_with(text: str, marker: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} on lines {lines}"
    return lines[0]


@pytest.fixture
def line_with():
    """``line_with(text, marker)``: 1-based line of the only line holding ``marker``."""
    return _line_with
