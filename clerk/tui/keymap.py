"""The hall's key map: the ``[keymap]`` table of the config file.

```toml
[keymap]
"intake.finish" = "f10,insert"  # binding id = key(s), comma-separated
"checklist.original" = "1,space"
```

Values go to ``App.set_keymap``; unknown ids are reported, not fatal, so a
typo never stops a window from opening.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path


class KeymapError(ValueError):
    """The [keymap] table cannot be used."""


def load_keymap(
    path: Path, known_ids: set[str] | Callable[[], set[str]] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Read ``[keymap]`` from the config file at ``path``.

    Returns the keymap and a list of Chinese warnings (unknown binding ids).
    A missing file gives an empty keymap.  ``known_ids`` may be a callable,
    called only when the table has entries (it imports every screen).
    """
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KeymapError(f"配置文件 {path} 无法读取：{exc}") from exc
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        raise KeymapError(f"配置文件 {path}：[keymap] 必须是一个表")
    return _keymap(table, known_ids, path)


def keymap_from_settings(settings, known_ids: set[str] | Callable[[], set[str]] | None = None
                         ) -> tuple[dict[str, str], list[str]]:
    """The keymap of ``Settings.keymap`` (the config file's checked [keymap] table)."""
    return _keymap(dict(settings.keymap), known_ids, "配置")


def _keymap(table: dict, known_ids, path) -> tuple[dict[str, str], list[str]]:
    keymap: dict[str, str] = {}
    warnings: list[str] = []
    if table and callable(known_ids):
        known_ids = known_ids()
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(f"配置文件 {path}：[keymap] 中 {binding_id!r} 的按键必须是非空字符串")
        if known_ids is not None and binding_id not in known_ids:
            warnings.append(f"按键设置中的“{binding_id}”不是已知的操作，已忽略")
            continue
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap, warnings
