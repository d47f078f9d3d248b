from __future__ import annotations

from pathlib import Path

import pytest

from clerk.calendar import WorkCalendar


@pytest.fixture(scope="session")
def library_calendar(tmp_path_factory) -> WorkCalendar:
    """Only the chinesecalendar package: an empty year-file directory."""
    return WorkCalendar.load(tmp_path_factory.mktemp("no-year-files"))


@pytest.fixture
def write_year(tmp_path: Path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
