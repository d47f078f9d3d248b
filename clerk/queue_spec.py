"""Queues of the ticket machine as the hall config describes them (docs/tickets.md).

``QueueSpec`` lives here, below ``clerk.config`` in the layers, because the
settings hold a tuple of them; ``clerk.domain.queueing`` re-exports it.  This
module also checks the ``[[queues]]`` and ``[window_queues]`` tables of the
config file (every problem names the file and line, like the rest of the
config).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Protocol

from clerk.characters import NAME_MAX, refusal

__all__ = ["CAP_MAX", "DEFAULT_HALL_WINDOWS", "DEFAULT_QUEUES", "DEFAULT_WINDOW_QUEUES", "SERVED_HIGH",
           "SERVED_LOW", "QueueSpec", "QueueSpecError", "parse_queues", "parse_window_queues"]


class QueueSpecError(ValueError):
    """The queue configuration is unusable; the text says where and why (Chinese)."""


@dataclass(frozen=True)
class QueueSpec:
    """One queue: a letter prefix, a name, the items it serves, hours and a daily cap.

    ``items`` are item codes; ``departments`` claim every item of those
    departments (so a hall need not list codes).  A queue with neither is a
    catch-all: items no other queue claims go to the first such queue (the
    default's A; F and Z further down are chosen at the kiosk by name).
    ``opens``/``closes`` and the optional lunch break are local "HH:MM".
    ``appointment_slots``: appointments per half-day (预约号源).
    """

    prefix: str
    name: str
    items: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    opens: str = "08:30"
    closes: str = "17:00"
    lunch_from: str = ""
    lunch_to: str = ""
    daily_cap: int = 300
    appointment_slots: int = 20

    @property
    def claims_nothing(self) -> bool:
        return not self.items and not self.departments

    def open_at(self, local: time) -> bool:
        """Is the queue taking tickets at this local time of day?"""
        if not (_clock(self.opens) <= local < _clock(self.closes)):
            return False
        if self.lunch_from and self.lunch_to:
            return not (_clock(self.lunch_from) <= local < _clock(self.lunch_to))
        return True

    def hours(self) -> str:
        text = f"{self.opens}–{self.closes}"
        if self.lunch_from and self.lunch_to:
            text += f"（{self.lunch_from}–{self.lunch_to} 午休）"
        return text


def _clock(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


#: Tickets a window serves in a day: one every 6–10 minutes over an 8-hour day is 48–80.  A daily
#: cap below ``SERVED_LOW`` × its windows is refused well before closing time (``clerk doctor`` warns);
#: ``SERVED_HIGH`` × its windows is what a queue's cap should be at least.
SERVED_LOW, SERVED_HIGH = 40, 80

#: The hall docs/deploy.md describes: 28 windows.  With ``DEFAULT_WINDOW_QUEUES`` windows 1–2 serve
#: B first, 3–4 C first, 9 only F, and the other 23 A then Z; so A is served by 27 windows, Z by 27,
#: B by 2, C by 2 and F by 1.  Each cap is its windows × ``SERVED_HIGH`` rounded up with some margin,
#: so that no queue runs out while its windows are still serving: A 27 × 80 = 2,160 → 2,200; B and C
#: 2 × 80 = 160 → 200; F 1 × 80 → 100; Z (consultations are short, and second choice of 27 windows)
#: 27 × 60 = 1,620 → 1,700.  A smaller hall is not hurt by a cap it never reaches; a larger one, or
#: one that moves windows between queues, sets its own ``[[queues]]`` (and ``clerk doctor`` checks).
DEFAULT_HALL_WINDOWS = 28

DEFAULT_QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("A", "综合受理", daily_cap=2200),
    QueueSpec("B", "不动产登记", departments=("区不动产登记中心", "区住房和城乡建设局", "区城乡水务局"),
              daily_cap=200),
    QueueSpec("C", "社保医保", departments=("区人力资源和社会保障局", "区医疗保障局"), daily_cap=200),
    QueueSpec("F", "兜底服务", daily_cap=100),  # served at the fallback desk only
    QueueSpec("Z", "咨询", daily_cap=1700, appointment_slots=0),
)

#: window -> queue prefixes in order of preference; a window not listed serves A then Z
DEFAULT_WINDOW_QUEUES: dict[int, tuple[str, ...]] = {
    1: ("B", "A", "Z"), 2: ("B", "A", "Z"), 3: ("C", "A", "Z"), 4: ("C", "A", "Z"), 9: ("F",),
}

CAP_MAX = 9999  # ticket numbers have at most four digits (A9999)
_PREFIX = re.compile(r"[A-Z]{1,2}")
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_KEYS = {"prefix", "name", "items", "departments", "opens", "closes", "lunch_from", "lunch_to", "daily_cap",
         "appointment_slots"}


class Source(Protocol):
    """Where a setting was read (the config file's ``file:line``)."""

    def where(self, key: str, section: str = "", table: int = 1) -> str: ...


def _where(source: Source | None, key: str, section: str = "", table: int = 1) -> str:
    return source.where(key, section, table) if source is not None else "配置"


def parse_queues(value: object, source: Source | None = None) -> tuple[QueueSpec, ...]:
    """The ``[[queues]]`` array of tables -> specs; ``QueueSpecError`` naming file:line and reason."""
    if not isinstance(value, list) or not value or not all(isinstance(v, Mapping) for v in value):
        raise QueueSpecError(f"配置文件 {_where(source, 'queues')}：queues 应为一个或多个 [[queues]] 表")
    specs: list[QueueSpec] = []
    for index, table in enumerate(value, 1):
        at = f"{_where(source, 'prefix', 'queues')} 第 {index} 个 [[queues]]"
        unknown = set(table) - _KEYS
        if unknown:
            raise QueueSpecError(f"配置文件 {at}：未知的设置 {sorted(unknown)}（可用：{'、'.join(sorted(_KEYS))}）")
        prefix = table.get("prefix")
        if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
            raise QueueSpecError(f"配置文件 {at}：prefix 应为 1 至 2 个大写字母，例如 \"A\"")
        name = table.get("name")
        if isinstance(name, str) and (refused := refusal("name（队列名称）", name)) is not None:
            raise QueueSpecError(f"配置文件 {_where(source, 'name', 'queues', index)}：{refused}")
        if not isinstance(name, str) or not name.strip() or len(name) > 20:
            raise QueueSpecError(f"配置文件 {at}：name 应为 1 至 20 个字符的队列名称")
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("items", "departments"):
            raw = table.get(key, [])
            if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
                raise QueueSpecError(f"配置文件 {at}：{key} 应为字符串列表")
            for x in raw:
                if (refused := refusal(f"{key} 中的一项", x.strip(), NAME_MAX)) is not None:
                    raise QueueSpecError(f"配置文件 {_where(source, key, 'queues', index)}：{refused}")
            lists[key] = tuple(x.strip() for x in raw)
        times: dict[str, str] = {}
        for key, default in (("opens", "08:30"), ("closes", "17:00"), ("lunch_from", ""), ("lunch_to", "")):
            raw = table.get(key, default)
            if not isinstance(raw, str) or (raw and not _HHMM.fullmatch(raw)):
                raise QueueSpecError(f"配置文件 {at}：{key} 应为 \"HH:MM\" 形式的时间")
            times[key] = raw
        if times["opens"] >= times["closes"]:
            raise QueueSpecError(f"配置文件 {at}：opens 应早于 closes")
        if bool(times["lunch_from"]) != bool(times["lunch_to"]) or (
                times["lunch_from"] and not times["opens"] <= times["lunch_from"] < times["lunch_to"] <= times["closes"]):
            raise QueueSpecError(f"配置文件 {at}：lunch_from 与 lunch_to 应同时给出，且在营业时间之内、前者早于后者")
        numbers: dict[str, int] = {}
        for key, usual, high in (("daily_cap", 300, CAP_MAX), ("appointment_slots", 20, 999)):
            count = table.get(key, usual)
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= high:
                raise QueueSpecError(f"配置文件 {at}：{key} 应为 0 至 {high} 之间的整数")
            numbers[key] = count
        if any(s.prefix == prefix for s in specs):
            raise QueueSpecError(f"配置文件 {at}：队列前缀 {prefix} 重复")
        specs.append(QueueSpec(prefix, name.strip(), items=lists["items"], departments=lists["departments"],
                               opens=times["opens"], closes=times["closes"], lunch_from=times["lunch_from"],
                               lunch_to=times["lunch_to"], daily_cap=numbers["daily_cap"],
                               appointment_slots=numbers["appointment_slots"]))
    return tuple(specs)


def parse_window_queues(value: object, prefixes: set[str], source: Source | None = None) -> dict[int, tuple[str, ...]]:
    """The ``[window_queues]`` table (``7 = ["A", "Z"]``) -> window -> prefixes."""
    if not isinstance(value, Mapping):
        raise QueueSpecError(f"配置文件 {_where(source, 'window_queues')}：window_queues 应为一个表")
    result: dict[int, tuple[str, ...]] = {}
    for key, raw in value.items():
        at = _where(source, str(key), "window_queues")
        if not re.fullmatch(r"\d{1,3}", str(key)) or not 1 <= int(key) <= 999:
            raise QueueSpecError(f"配置文件 {at}：窗口号 {key!r} 应为 1 至 999 的整数")
        if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
            raise QueueSpecError(f"配置文件 {at}：窗口 {key} 应为队列前缀的列表，例如 [\"A\", \"Z\"]")
        unknown = [p for p in raw if p not in prefixes]
        if unknown:
            raise QueueSpecError(f"配置文件 {at}：窗口 {key} 的队列 {'、'.join(unknown)} 未在 [[queues]] 中定义")
        result[int(key)] = tuple(raw)
    return result
