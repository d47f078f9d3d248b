"""Keyboard scripts a clerk performs, shared by the visit tests and the drill."""

from __future__ import annotations

from .support import CLERK_ID, CLERK_PASSWORD

PERSON = ("张三", "11010519491231002X", "13812345678", "济南市历城区山大路100号")
ORG = ("济南示范餐饮有限公司", "91350100M000100Y43", "0531-88886666", "济南市历下区泉城路1号")


def typed(text: str) -> list[str]:
    """Key names for typing ``text`` (Pilot accepts single characters)."""
    return list(text)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settled_when(pilot, ready, what: str, *, rounds: int = 200) -> None:
    """Settle until ``ready()`` holds: a chain of workers and the messages between them
    (a list loads, its first row is highlighted, that row's detail loads) can outlast one
    ``settle`` on a busy machine. Fails, naming ``what``, if it never holds."""
    for _ in range(rounds):
        await settle(pilot)
        if ready():
            return
    raise AssertionError(f"never ready: {what}")


async def sign_in(pilot, window: str = "7") -> None:
    await pilot.press(*typed(CLERK_ID), "enter", *typed(CLERK_PASSWORD), "enter")
    if not pilot.app.screen.query_one("#window").value:
        await pilot.press(*typed(window))
    await pilot.press("enter")
    await settle(pilot)


async def pick(pilot, query: str) -> None:
    await pilot.press("f2", *typed(query), "enter")
    await pilot.pause()


async def applicant(pilot, who=PERSON, *, org: bool = False, pickup: bool = False) -> None:
    """Fill the applicant block: focus starts on the name after an item is picked."""
    name, id_number, phone, address = who
    await pilot.press("f3")
    if org:
        await pilot.press("shift+tab", "right", "tab")
    await pilot.press(*typed(name), "enter", *typed(id_number), "enter", *typed(phone), "enter")
    await pilot.press(*typed(address), "enter")
    if pickup:
        await pilot.press("right")
    await pilot.pause()


async def finish(pilot, choice: int = 1, reason: str = "") -> None:
    """F10, pick the n-th allowed outcome, (reason), confirm with F10."""
    await pilot.press("f10")
    await settle(pilot)
    await pilot.press(str(choice))
    if reason:
        await pilot.press(*typed(reason), "enter")
    await settle(pilot)
    await pilot.press("f10")
    await settle(pilot)
