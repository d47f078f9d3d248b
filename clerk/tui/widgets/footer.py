"""A footer that redraws only when the keys it shows change.

Textual's ``Footer`` recomposes (a dozen new widgets, each styled) on every
change of the screen's bindings, and those change on every focus change: each
Enter between the applicant's fields cost a footer rebuild, 10–40 ms of the UI
thread here.  Most focus changes leave the footer's keys as they were; this one
compares what it would show and keeps its widgets when nothing differs.

It also shows its keys while the app has no focus: Textual's footer stays empty
until the terminal is focused, which in a browser (``clerk serve``: the
dashboard, the kiosk) is the first key or click — the page opened with no keys
on it.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """``Footer`` that skips the rebuild when its keys, labels and states are unchanged."""

    _shown: tuple | None = None

    def _signature(self) -> tuple:
        app = self.app
        keys = tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )
        return keys, self.compact, self.show_command_palette

    def bindings_changed(self, screen) -> None:
        if not self.is_attached or screen is not self.screen:
            super().bindings_changed(screen)
            return
        signature = self._signature()
        if self._bindings_ready and signature == self._shown:
            return
        self._shown = signature
        self._bindings_ready = True
        self.call_after_refresh(self.recompose)  # also without the app's focus (see the module doc)
