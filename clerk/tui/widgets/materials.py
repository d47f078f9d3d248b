"""A case's captured materials as a list (issue 26): ``身份证 ▣2``; Enter opens one.

The screen gives ``show`` the case and an ``opener`` (``file id → OpenedMaterial``: one
service call, an audited view).  Enter on a row runs the opener in a worker, writes the
PDF to a private temporary file and hands it to the system viewer
(``clerk.tui.viewer``); under ``clerk serve`` the browser that signed in at the gate opens
it in a new tab instead (textual-serve's download route, behind the gate's session); the
screen's banner says what happened.  In-terminal images (Kitty graphics, Sixel) are not
offered: the viewer shows the pages at their real resolution.  Rows of purged files
are listed (``▣—``) but do not open.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from clerk.domain.views import CaseView
    from clerk.services.materials import OpenedMaterial

Opener = Callable[[int], "OpenedMaterial"]


def material_rows(view: CaseView) -> list[tuple[int, str, bool]]:
    """(file id, ``name ▣pages``, openable) for each stored file of ``view``, checklist order."""
    names = {entry.material.key: entry.material.name for entry in view.checklist.entries}
    order = {key: i for i, key in enumerate(names)}
    files = sorted(view.files, key=lambda f: (order.get(f.material_key, len(order)), f.id))
    rows = []
    for f in files:
        label = f"{names.get(f.material_key, f.material_key)} {f.badge}" + ("（已按期限清理）" if f.purged else "")
        rows.append((f.id, label, not f.purged))
    return rows


class MaterialFiles(OptionList):
    """The scans of the open case; hidden when it has none."""

    DEFAULT_CSS = """
    MaterialFiles { height: auto; max-height: 7; display: none; border: round $primary-darken-1; }
    MaterialFiles.-shown { display: block; }
    """

    class Said(Message):
        """What opening a scan came to (the screen shows it in its banner)."""

        def __init__(self, text: str, level: str) -> None:
            super().__init__()
            self.text, self.level = text, level

    def __init__(self, *, id: str | None = None, viewer: Callable[[], str] | None = None, listed: bool = True) -> None:
        """``listed=False``: never shown (a screen that lists the scans in its own list opens them
        through ``open_file``)."""
        super().__init__(id=id, markup=False)
        self.listed = listed
        self.number = ""
        self._opener: Opener | None = None
        self._viewer = viewer
        self.border_title = "材料扫描件（回车打开）"

    def show(self, view: CaseView | None, opener: Opener | None = None) -> None:
        self.clear_options()
        rows = material_rows(view) if view is not None else []
        self.number = view.number if view is not None else ""
        self._opener = opener
        for file_id, label, openable in rows:
            self.add_option(Option(Text(label), id=str(file_id), disabled=not openable))
        self.set_class(bool(rows) and self.listed, "-shown")

    def open_file(self, file_id: int, label: str) -> None:
        """Open one scan of the case shown (in a worker; the screen's banner hears ``Said``)."""
        self._open(self.number, file_id, label)

    @property
    def labels(self) -> list[str]:
        return [str(self.get_option_at_index(i).prompt) for i in range(self.option_count)]

    def open_highlighted(self) -> bool:
        """Open the highlighted row; False when there is nothing to open."""
        if self.highlighted is None or not self.option_count:
            return False
        option = self.get_option_at_index(self.highlighted)
        if option.disabled or option.id is None:
            return False
        self._open(self.number, int(option.id), str(option.prompt))
        return True

    def to_list_or_open(self) -> bool:
        """F6: move to the list, or (already there) open the highlighted scan; False when the case
        shown has no scans (the screen says why)."""
        if not self.option_count:
            return False
        if not (self.has_focus and self.open_highlighted()):
            self.focus()
            if self.highlighted is None:
                self.highlighted = 0
        return True

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and not event.option.disabled:
            self._open(self.number, int(event.option.id), str(event.option.prompt))

    def _viewer_command(self) -> str:
        if self._viewer is not None:
            return self._viewer()
        settings: Any = getattr(getattr(self.app, "services", None), "settings", None)
        return str(getattr(settings, "material_viewer", "") or "xdg-open")

    @work(thread=True, exclusive=True, exit_on_error=False, group="material-open")
    def _open(self, number: str, file_id: int, label: str) -> None:
        from clerk.tui.messages import banner_text
        from clerk.tui.viewer import NoViewer, show_pdf, viewer_argv

        opener = self._opener
        if opener is None:
            return
        self.post_message(self.Said(f"正在打开 {number} 的 {label} ……", "info"))
        web = self.app.is_web  # ``clerk serve``: the browser that signed in at the gate shows it
        try:
            command = self._viewer_command()
            if not web:
                viewer_argv(command)  # no viewer: said before the scan is read
            opened = opener(file_id)
            stem = f"{number}-{opened.material_key}"
            if web:
                self.app.call_from_thread(self.app.deliver_binary, io.BytesIO(opened.pdf), save_filename=f"{stem}.pdf",
                                          open_method="browser", mime_type="application/pdf")
            else:
                show_pdf(opened.pdf, stem, command)
        except NoViewer as exc:
            self.post_message(self.Said(str(exc), "warning"))
        except Exception as exc:  # refused, tampered, purged, store down: said in the banner
            self.post_message(self.Said(banner_text(exc), "error"))
        else:
            self.post_message(self.Said(f"已打开 {number} 的 {label}（已记录调阅）", "ok"))
