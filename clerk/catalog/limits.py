"""Time limits and shares as a 实施清单 writes them: 20个工作日, 三个月, 即办, 20%.

Shared by the spreadsheet importer (法定/承诺办结时限, 核查时限, 抽查比例) and the
YAML loader (a 告知承诺's ``within`` and ``sample``), so both read one spelling
the same way.
"""

from __future__ import annotations

import re

from clerk.catalog.model import LimitUnit, TimeLimit

COUNT = r"(\d+|[零〇一二两三四五六七八九十百]+)"
_WORKING = re.compile(COUNT + r"(?:个)?工作日")
_CALENDAR = re.compile(COUNT + r"(?:个)?(?:自然日|日历日|日|天)")
_MONTHS = re.compile(COUNT + r"(?:个)?月")
_IMMEDIATE = re.compile(r"即办|即时办结|当场办结|立即办结|当场办理|当场")
_PERCENT = re.compile(r"(?:百分之" + COUNT + r"|(\d+)(?:%|％)?)")
_ALL = frozenset({"全部", "全覆盖", "全量", "全部核查", "逐件核查", "百分之百"})
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """``20`` or ``二十`` / ``十五`` / ``一百二十`` / ``两`` as an int; None when it is neither."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None:
                return None  # 二三: not a number
            digit = _DIGITS[ch]
        elif ch in "十百":
            unit = 10 if ch == "十" else 100
            if ch == "百" and digit is None:
                return None
            total += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + (digit or 0) if text else None


def parse_limit(text: str) -> TimeLimit | None:
    """A time-limit cell: 20个工作日 / 二十个工作日 / 即办 / 当场办结 / 30日 / 30天 / 三个月 / 20."""
    text = text.replace(" ", "")
    if not text:
        return None
    if _IMMEDIATE.fullmatch(text):
        return TimeLimit(0, LimitUnit.IMMEDIATE)
    for pattern, unit in ((_WORKING, LimitUnit.WORKING_DAYS), (_MONTHS, LimitUnit.MONTHS),
                          (_CALENDAR, LimitUnit.CALENDAR_DAYS)):
        found = pattern.fullmatch(text)
        count = chinese_number(found.group(1)) if found else None
        if count:
            return TimeLimit(count, unit)
    if text.isdigit() and int(text) > 0:  # a bare number of days: working days (行政许可法 art. 82)
        return TimeLimit(int(text))
    return None


def limit_text(limit: TimeLimit) -> str | int:
    """How a limit is written back into YAML so that ``parse_limit`` reads it again:
    a bare count of working days, else ``30日`` / ``3个月`` / ``即办``."""
    match limit.unit:
        case LimitUnit.WORKING_DAYS:
            return limit.count
        case LimitUnit.CALENDAR_DAYS:
            return f"{limit.count}日"
        case LimitUnit.MONTHS:
            return f"{limit.count}个月"
    return "即办"


def parse_percent(text: str) -> int | None:
    """A share of cases: ``20%`` / ``20`` / ``百分之二十`` / ``全部`` (100); None when it is none of these.

    The value is not range-checked here: the caller says what is wrong with 0 % or 150 %.
    """
    text = text.replace(" ", "")
    if text in _ALL:
        return 100
    found = _PERCENT.fullmatch(text)
    if found is None:
        return None
    spoken, digits = found.groups()
    return chinese_number(spoken) if spoken else int(digits)
