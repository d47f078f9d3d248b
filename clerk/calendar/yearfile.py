"""Reading and validating ``data/calendar/<year>.toml`` year files.

When the State Council (国务院办公厅) publishes the holiday schedule for a new
year, an administrator writes it down in one TOML file per year (format in
docs/calendar.md).  A file is checked completely before anything is used: all
problems are collected and raised together as one ``CalendarError``; nothing
is half-loaded.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from clerk.characters import NAME_MAX, NOTE_MAX, refusal
from clerk.tomlkeys import lines_of

YEAR_FILE_NAME = re.compile(r"^(\d{4})\.toml$")
_TOP_KEYS = {"year", "source", "holidays"}
_HOLIDAY_KEYS = {"name", "dates", "from", "to", "makeup_workdays"}
_MAX_HOLIDAY_DAYS = 15  # the longest period ever announced is 9 days; catches typos in years


@dataclass(frozen=True)
class CalendarProblem:
    """One thing wrong with a year file; ``line`` is 0 when unknown."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class CalendarError(ValueError):
    """A year file is unusable.  ``problems`` lists every reason found."""

    def __init__(self, problems: list[CalendarProblem]):
        self.problems = list(problems)
        super().__init__("节假日安排文件有误：\n" + "\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class YearSchedule:
    """A year's published schedule: days off and make-up working days (调休上班)."""

    year: int
    source: str
    holidays: dict[date, str]  # date -> holiday name; weekends inside a period included
    makeup_workdays: dict[date, str]  # Saturday/Sunday -> the holiday it makes up for


def load_year_file(path: Path) -> YearSchedule:
    """Parse and validate one year file; raise ``CalendarError`` listing every problem."""
    name = path.name
    match = YEAR_FILE_NAME.match(name)
    if not match:
        raise CalendarError([CalendarProblem(name, 0, "文件名应为“四位年份.toml”，例如 2027.toml")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CalendarError([CalendarProblem(name, 0, "文件不是 UTF-8 编码")]) from None
    except OSError as exc:
        raise CalendarError([CalendarProblem(name, 0, f"无法读取文件：{exc.strerror or exc}")]) from None
    return parse_year_file(text, name, int(match.group(1)))


def parse_year_file(text: str, name: str, file_year: int) -> YearSchedule:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        if not line and "end of document" in str(exc):
            line = max(len(text.splitlines()), 1)
        raise CalendarError([CalendarProblem(name, line, f"TOML 格式错误：{exc}")]) from None
    return _Validator(text, name, file_year).validate(data)


def _line_from_message(message: str) -> int:
    # Python < 3.14 only puts "(at line 3, column 5)" into the message.
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 0


class _Validator:
    def __init__(self, text: str, name: str, file_year: int):
        self.name = name
        self.file_year = file_year
        self.lines = lines_of(text)
        self.problems: list[CalendarProblem] = []
        self.holiday_lines = [
            i + 1 for i, ln in enumerate(self.lines) if re.match(r"^\s*\[\[\s*holidays\s*\]\]", ln)
        ]

    # -- reporting -------------------------------------------------------
    def _key_line(self, key: str, start: int = 0) -> int:
        """Line of ``key =`` at or after line ``start`` (1-based), best effort."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for i in range(max(start - 1, 0), len(self.lines)):
            if pattern.match(self.lines[i]):
                return i + 1
        return start

    def problem(self, line: int, message: str) -> None:
        self.problems.append(CalendarProblem(self.name, line, message))

    # -- checks ----------------------------------------------------------
    def validate(self, data: dict[str, object]) -> YearSchedule:
        for key in sorted(set(data) - _TOP_KEYS):
            self.problem(self._key_line(key), f"未知的键 {key!r}（允许：year、source、[[holidays]]）")
        year = data.get("year")
        if year is None:
            self.problem(0, "缺少 year（年份），例如 year = 2027")
        elif not isinstance(year, int) or isinstance(year, bool):
            self.problem(self._key_line("year"), "year 应为整数年份，例如 year = 2027")
        elif year != self.file_year:
            self.problem(self._key_line("year"), f"year = {year} 与文件名年份 {self.file_year} 不一致")
        source = data.get("source")
        if not isinstance(source, str) or not source.strip():
            self.problem(
                self._key_line("source"),
                "缺少 source（来源）：请写明国务院办公厅通知的名称和文号",
            )
        elif (refused := refusal("source（来源）", source, NOTE_MAX)) is not None:
            self.problem(self._key_line("source"), refused)
        holidays: dict[date, str] = {}
        makeup: dict[date, str] = {}
        raw = data.get("holidays")
        if not isinstance(raw, list) or not raw or not all(isinstance(h, dict) for h in raw):
            self.problem(0, "缺少 [[holidays]]：每个节日写一个 [[holidays]] 表")
            raw = []
        for index, entry in enumerate(raw):
            self._holiday(index, entry, holidays, makeup)
        for day in sorted(set(holidays) & set(makeup)):
            self.problem(0, f"{day} 同时被列为放假日（{holidays[day]}）和调休上班日（{makeup[day]}）")
        if self.problems:
            raise CalendarError(self.problems)
        assert isinstance(source, str)  # else a problem was reported above
        return YearSchedule(self.file_year, source.strip(), holidays, makeup)

    def _holiday(self, index: int, entry: dict[str, object], holidays: dict[date, str],
                 makeup: dict[date, str]) -> None:
        line = self.holiday_lines[index] if index < len(self.holiday_lines) else 0
        name = entry.get("name")
        refused = refusal("name（节日名称）", name, NAME_MAX) if isinstance(name, str) else None
        label = f"第{index + 1}个 [[holidays]]" + (f"（{name}）" if isinstance(name, str) and not refused else "")
        for key in sorted(set(entry) - _HOLIDAY_KEYS):
            self.problem(
                self._key_line(key, line),
                f"{label}：未知的键 {key!r}（允许：name、dates、from、to、makeup_workdays）",
            )
        if not isinstance(name, str) or not name.strip():
            self.problem(line, f"{label}：缺少 name（节日名称），例如 name = \"春节\"")
            name = "?"
        elif refused is not None:
            self.problem(self._key_line("name", line), f"{label}：{refused}")
            name = "?"
        days = self._holiday_days(entry, label, line)
        for day in days:
            if day in holidays and holidays[day] != name:
                self.problem(line, f"{label}：{day} 已列在“{holidays[day]}”中")
            elif day in holidays:
                self.problem(line, f"{label}：{day} 重复")
            holidays[day] = name
        for day in self._dates(entry.get("makeup_workdays", []), f"{label} 的 makeup_workdays", line):
            if day.weekday() < 5:
                self.problem(
                    self._key_line("makeup_workdays", line),
                    f"{label}：调休上班日 {day} 是{_WEEKDAY[day.weekday()]}，本来就是工作日",
                )
            elif day in makeup:
                self.problem(self._key_line("makeup_workdays", line), f"{label}：调休上班日 {day} 重复")
            makeup[day] = name

    def _holiday_days(self, entry: dict[str, object], label: str, line: int) -> list[date]:
        has_dates = "dates" in entry
        has_range = "from" in entry or "to" in entry
        if has_dates and has_range:
            self.problem(line, f"{label}：dates 与 from/to 只能用一种")
            return []
        if has_dates:
            days = self._dates(entry["dates"], f"{label} 的 dates", line)
            if not days and isinstance(entry["dates"], list) and not entry["dates"]:
                self.problem(self._key_line("dates", line), f"{label}：dates 不能为空")
            return days
        if not ("from" in entry and "to" in entry):
            self.problem(line, f"{label}：请用 from 和 to 写明放假起止日期，或用 dates 逐日列出")
            return []
        start = self._date(entry["from"], f"{label} 的 from", self._key_line("from", line))
        end = self._date(entry["to"], f"{label} 的 to", self._key_line("to", line))
        if start is None or end is None:
            return []
        if end < start:
            self.problem(self._key_line("to", line), f"{label}：to（{end}）早于 from（{start}）")
            return []
        if (end - start).days + 1 > _MAX_HOLIDAY_DAYS:
            self.problem(
                self._key_line("to", line),
                f"{label}：从 {start} 到 {end} 共 {(end - start).days + 1} 天，超过 {_MAX_HOLIDAY_DAYS} 天，请检查",
            )
            return []
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]

    def _dates(self, value: object, what: str, line: int) -> list[date]:
        if not isinstance(value, list):
            self.problem(line, f"{what} 应为日期列表，例如 [2027-02-06, 2027-02-07]")
            return []
        days = [self._date(v, what, line) for v in value]
        return [d for d in days if d is not None]

    def _date(self, value: object, what: str, line: int) -> date | None:
        if isinstance(value, datetime):
            self.problem(line, f"{what}：{value} 应为日期，不要带时间")
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                self.problem(line, f"{what}：{value!r} 不是有效日期（格式 YYYY-MM-DD）")
                return None
        if not isinstance(value, date):
            self.problem(line, f"{what}：{value!r} 不是日期（格式 YYYY-MM-DD）")
            return None
        if value.year != self.file_year:
            self.problem(line, f"{what}：{value} 不在 {self.file_year} 年内（跨年的日期写到那一年的文件里）")
            return None
        return value


_WEEKDAY = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
