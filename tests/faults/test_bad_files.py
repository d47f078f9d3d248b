"""Damaged catalog and calendar files: they load, or fail with file:line problems in Chinese.

Random edits of valid files (``tests.faults.mutations``): ``load_catalog``
must return a catalog or raise ``CatalogError``; ``WorkCalendar.load`` must
return a calendar or raise ``CalendarError`` — never another exception, and
every problem names the file, a line and says what is wrong in Chinese.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.faults.mutations import mutated

ROOT = Path(__file__).resolve().parent.parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
FIXTURE = ROOT / "tests" / "fixtures" / "catalog" / "store-fixture.yaml"
SHIPPED = ROOT / "data" / "catalog"
YEAR_2027 = """\
# 测试用虚构安排
year = 2027
source = "国办发明电〔2026〕99号（测试用）"

[[holidays]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03

[[holidays]]
name = "春节"
dates = ["2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"]
makeup_workdays = [2027-01-31, "2027-02-20"]

[[holidays]]
name = "国庆节"
from = "2027-10-01"
to = 2027-10-07
makeup_workdays = ["2027-09-26", 2027-10-09]
"""
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_catalog_outcome(folder: Path, names: set[str]) -> None:
    from clerk.catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog(folder)
    except CatalogError as error:
        assert error.problems, "CatalogError without problems"
        for problem in error.problems:
            assert isinstance(problem.line, int) and problem.line >= 0
            whole_folder = Path(problem.file) == folder and problem.line == 0
            assert whole_folder or Path(problem.file).name in names, f"problem names no catalog file: {problem}"
            assert CJK.search(problem.message), f"not a Chinese message: {problem}"
            located = f"{problem.file}:{problem.line}: " if problem.line else f"{problem.file}: "
            assert str(problem).startswith(located)
        return
    assert catalog.items, "a catalog loaded without items"


@FAST
@given(mutated(FIXTURE.read_text(encoding="utf-8")))
def test_mutated_catalog_file_loads_or_fails_with_located_problems(text):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / FIXTURE.name).write_text(text, encoding="utf-8")
        _assert_catalog_outcome(Path(folder), {FIXTURE.name})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated((SHIPPED / "materials.yaml").read_text(encoding="utf-8")),
       mutated((SHIPPED / "bundles.yaml").read_text(encoding="utf-8")))
@pytest.mark.slow
def test_mutated_shipped_catalog_loads_or_fails_with_located_problems(materials, bundles):
    """The shipped catalog, its shared materials and bundles damaged (cross-file references)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "catalog"
        shutil.copytree(SHIPPED, target)
        (target / "materials.yaml").write_text(materials, encoding="utf-8")
        (target / "bundles.yaml").write_text(bundles, encoding="utf-8")
        _assert_catalog_outcome(target, {p.name for p in SHIPPED.glob("*.yaml")})


def test_the_unmutated_files_load():
    """The strategies start from valid files (else every example would be a rejection)."""
    from clerk.calendar import WorkCalendar

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "2027.toml").write_text(YEAR_2027, encoding="utf-8")
        assert WorkCalendar.load(Path(folder)).schedule_source(2027)


@FAST
@given(mutated(YEAR_2027))
def test_mutated_year_file_loads_or_fails_with_located_problems(text):
    from clerk.calendar import CalendarError, WorkCalendar

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "2027.toml").write_text(text, encoding="utf-8")
        try:
            WorkCalendar.load(Path(folder))
        except CalendarError as error:
            assert error.problems
            for problem in error.problems:
                assert Path(problem.file).name == "2027.toml", problem
                assert isinstance(problem.line, int) and problem.line >= 0
                assert CJK.search(problem.message), f"not a Chinese message: {problem}"


@settings(max_examples=60, deadline=None)
@given(mutated(YEAR_2027))
def test_mutated_year_file_as_raw_bytes(text):
    """Encoding damage too: the file's bytes cut anywhere (a half-copied UTF-8 character)."""
    from clerk.calendar import CalendarError, WorkCalendar

    data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "2027.toml").write_bytes(data[: len(data) * 2 // 3])
        try:
            WorkCalendar.load(Path(folder))
        except CalendarError as error:
            assert all(CJK.search(p.message) for p in error.problems)


def test_a_control_character_is_reported_at_its_line():
    from clerk.catalog import CatalogError, load_catalog

    lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    lines[9] = lines[9] + "\x08"
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / FIXTURE.name).write_text("\n".join(lines), encoding="utf-8")
        with pytest.raises(CatalogError) as raised:
            load_catalog(Path(folder))
    (problem,) = raised.value.problems
    assert problem.line == 10, str(problem)
