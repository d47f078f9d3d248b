"""Hostile strings: what a person, a file or a device might type into clerk.

Each is data, never markup or terminal control.  The screens must show it
literally (controls made visible, long text cut) or the domain must refuse it
at entry with a Chinese reason; nothing may crash, run an action or reach the
terminal as an escape sequence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hostile:
    id: str
    value: str
    refused: bool  # the domain refuses it as a name (controls, bidi, too long)

    @property
    def pg_storable(self) -> bool:
        """PostgreSQL text cannot hold NUL; the case columns hold 200 characters."""
        return "\x00" not in self.value and len(self.value) <= 200


HOSTILE: tuple[Hostile, ...] = (
    Hostile("close-tag", "[/]坏标记", False),
    Hostile("click-action", "[@click=app.quit]点我[/]", False),
    Hostile("link", "[link=http://x]y[/link]", False),
    Hostile("bold-markup", "[b]粗[/b][red]红", False),
    Hostile("osc8-link", "张\x1b]8;;http://x\x1b\\三", True),
    Hostile("clear-screen", "李\x1b[2J四", True),
    Hostile("bidi-override", "王\u202e五六七", True),
    Hostile("bidi-isolate", "赵\u2066钱\u2069", True),
    Hostile("nul", "孙\x00八", True),
    Hostile("c1-csi", "周\x9b2J吴", True),
    Hostile("emoji", "郑🙂🇨🇳👍🏽", False),  # a ZWJ sequence is refused: U+200D is a format character
    Hostile("len-200", "名" * 200, True),
    Hostile("len-100000", "长" * 100_000, True),
)

#: Every escape or control character any of them carries (none may reach the screen).
CONTROL_CHARS = ("\x1b", "\x00", "\x9b", "\u202e", "\u2066", "\u2069")


def ids() -> list[str]:
    return [h.id for h in HOSTILE]
