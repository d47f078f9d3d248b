"""Complaint categories and their answer limits, from a TOML table.

The ``[complaints.categories]`` table of the clerk config file wins; otherwise
the shipped ``complaints.toml``; otherwise the built-in defaults (the Longjing hall's
办不了 / 不给办: 5 working days, 很难办: 10, 协调办 and simple matters: at once).
A value is either a number of working days or ``{ days = N, hint = "…" }``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from clerk.characters import NOTE_MAX, refusal
from clerk.shipped import shipped_path
from clerk.tomlkeys import defines, lines_of

DEFAULT_FILE = shipped_path("complaints.toml")

DEFAULTS: dict[str, int] = {"办不了": 5, "不给办": 5, "很难办": 10, "协调办": 0, "简单事项": 0}


class CategoryError(ValueError):
    """The categories table is unusable (message in Chinese)."""


@dataclass(frozen=True)
class Category:
    name: str
    days: int  # working days to answer; 0: forward at once (due the same working day)
    hint: str = ""

    @property
    def forward_at_once(self) -> bool:
        return self.days == 0

    @property
    def limit_text(self) -> str:
        return "立即转办" if self.forward_at_once else f"{self.days}个工作日内答复"


def parse_categories(table: Mapping[str, object], source: str,
                     where: Callable[[str], str] | None = None) -> dict[str, Category]:
    """Categories by name; ``where(name)`` is the ``file:line`` of a category (else ``source``)."""
    found: dict[str, Category] = {}
    for name, value in table.items():
        at = where(name) if where is not None else source
        if (refused := refusal("诉求类别名称", name)) is not None:
            raise CategoryError(f"{at}：{refused}")
        hint = ""
        if isinstance(value, Mapping):
            unknown = set(value) - {"days", "hint"}
            if unknown:
                raise CategoryError(f"{source}：诉求类别“{name}”有未知的设置 {sorted(unknown)}")
            hint = str(value.get("hint", ""))
            if (refused := refusal(f"诉求类别“{name}”的提示 hint", hint, NOTE_MAX)) is not None:
                raise CategoryError(f"{at}：{refused}")
            value = value.get("days")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 60:
            raise CategoryError(f"{source}：诉求类别“{name}”的期限应为0至60之间的工作日数")
        if not name.strip() or len(name) > 16:
            raise CategoryError(f"{source}：诉求类别名称“{name}”无效（1至16个字）")
        found[name.strip()] = Category(name.strip(), value, hint)
    if not found:
        raise CategoryError(f"{source}：没有任何诉求类别")
    return found


def _table_of(path: Path) -> tuple[Mapping[str, object] | None, Callable[[str], str]]:
    """The file's ``[complaints.categories]`` table and where each category is written."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CategoryError(f"{path} 无法读取：{exc}") from exc
    table = data.get("complaints", {}).get("categories")

    def where(name: str) -> str:
        found = next((n for n, line in enumerate(lines_of(text), 1) if defines(line, name)), 0)
        return f"{path}:{found}" if found else str(path)

    return (table if isinstance(table, Mapping) else None), where


class _CategorySettings(Protocol):
    @property
    def complaint_categories(self) -> tuple[tuple[str, int, str], ...]: ...


def categories_for(settings: _CategorySettings) -> dict[str, Category]:
    """The categories of ``Settings.complaint_categories`` (the config file's table), else the shipped ones."""
    if settings.complaint_categories:
        return {name: Category(name, days, hint) for name, days, hint in settings.complaint_categories}
    return load_categories(None)


def load_categories(config_file: Path | None = None, default_file: Path = DEFAULT_FILE) -> dict[str, Category]:
    """Categories by name, in file order; see the module docstring for the sources."""
    for path in (config_file, default_file):
        if path is not None and path.is_file():
            table, where = _table_of(path)
            if table is not None:
                return parse_categories(table, str(path), where)
    return {name: Category(name, days) for name, days in DEFAULTS.items()}
