"""The hall's key map: the ``[keymap]`` table of the config file.

```toml
[keymap]
"intake.finish" = "f10,insert"  # binding id = key(s), comma-separated
"checklist.original" = "1,space"
```

The config loader (``clerk.config``) reads and checks the table into
``Settings.keymap``; its values go to ``App.set_keymap``.  Unknown ids are
reported, not fatal, so a typo never stops a window from opening.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clerk.config import Settings


class KeymapError(ValueError):
    """The [keymap] table cannot be used."""


def keymap_from_settings(settings: Settings, known_ids: set[str] | Callable[[], set[str]] | None = None
                         ) -> tuple[dict[str, str], list[str]]:
    """The keymap of ``Settings.keymap`` and a list of Chinese warnings (unknown binding ids).

    ``known_ids`` may be a callable, called only when the table has entries (it imports
    every screen).
    """
    table = dict(settings.keymap)
    known = known_ids() if table and callable(known_ids) else known_ids
    keymap: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(f"配置：[keymap] 中 {binding_id!r} 的按键必须是非空字符串")
        if known is not None and not callable(known) and binding_id not in known:
            warnings.append(f"按键设置中的“{binding_id}”不是已知的操作，已忽略")
            continue
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap, warnings
