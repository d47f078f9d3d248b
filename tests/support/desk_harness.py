"""A tiny App that shows one desk screen with an injected DeskService."""

from __future__ import annotations

from typing import Any

from textual.app import App


class FakePrinting:
    """Stands in for ``app.services``' printing: records what would be printed."""

    def __init__(self) -> None:
        self.printed: list[str] = []

    def print_case(self, number: str, user: Any = None, window: int | None = None) -> list[Any]:
        self.printed.append(number)
        return []

    @staticmethod
    def describe_print(results: list[Any]) -> str:
        return "已打印"


class DeskHarness(App):
    def __init__(self, screen: Any, user: Any, window: int = 9) -> None:
        super().__init__()
        self.desk_screen, self.user, self.window_number = screen, user, window
        self.services = FakePrinting()

    def on_mount(self) -> None:
        self.push_screen(self.desk_screen)


async def settle(pilot: Any) -> None:
    """Wait until every worker of the screen is done and its messages handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
