"""The live verdict panel: displays ``assess()`` and the applicant's problems.

No rule lives here: the state, the missing list and the allowed outcomes all
come from ``clerk.domain.intake``.
"""

from __future__ import annotations

import re

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from clerk.catalog.model import ItemKind, ServiceItem
from clerk.domain.intake import OUTCOME_LABELS, Verdict, VerdictState
from clerk.tui.plain import literal

_STATE_STYLE = {
    VerdictState.COMPLETE: ("材料齐全", "bold green"),
    VerdictState.TOLERABLE: ("可容缺受理", "bold yellow"),
    VerdictState.INCOMPLETE: ("材料不全", "bold red"),
}


class VerdictPanel(Static):
    DEFAULT_CSS = """
    VerdictPanel { border: round $primary; border-title-color: $primary; padding: 0 1; height: 1fr; }
    """

    def on_mount(self) -> None:
        self.border_title = "结论"
        self.show(None, [], None)

    _shown: object = None

    def show(self, verdict: Verdict | None, applicant_problems: list[str], item: object | None,
             inline: tuple[str, ...] = ()) -> None:
        """``inline``: reasons the form already shows whole under their fields (the compact
        form at 80 columns counts those instead of repeating them)."""
        # Redraw only when something visible changed: every keystroke in the
        # applicant form lands here.  The panel's size is fixed by the screen's CSS
        # (1fr / a grid cell), so an update repaints it without relayouting the screen.
        compact = self.screen.has_class("-narrow")
        key = (verdict, tuple(applicant_problems), getattr(item, "code", None), compact, tuple(inline))
        if key == self._shown:
            return
        self._shown = key
        self._args = (verdict, applicant_problems, item, inline)
        if verdict is None:
            self.update(Text("请先选定事项（F2）", style="dim"), layout=False)
            return
        if compact:
            self.update(Group(*_compact(verdict, applicant_problems, item, inline)), layout=False)
            return
        title, style = _STATE_STYLE[verdict.state]
        parts: list[Text] = [Text(title, style=style)]
        if verdict.state is VerdictState.INCOMPLETE:
            # the summary names every missing material; one per line reads faster
            parts.append(Text(f"缺 {len(verdict.missing)} 项（未核对 {len(verdict.pending)} 项）："))
            parts.extend(_line(f"·{req.name}", "red") for req in verdict.missing)
        else:
            parts.append(Text(verdict.summary))
        for req in verdict.tolerated:
            parts.append(_line(f"容缺：{req.name}", "yellow"))
        for req in verdict.committed:
            parts.append(_line(f"告知承诺：{req.name}", "cyan"))
        for problem in verdict.problems:
            parts.append(Text(f"✖ {problem}", style="red"))
        if applicant_problems:
            parts.append(Text(f"申请人信息待补 {len(applicant_problems)} 处：", style="bold"))
            # every problem, whole: the reason is what the clerk needs to read
            parts.extend(Text(f"·{problem}", style="red") for problem in applicant_problems)
        parts.append(Text(""))
        parts.append(Text("可选办结方式（F10）：", style="bold"))
        parts.extend(_line(f"·{label}") for label in _outcomes(verdict, item))
        self.update(Group(*(literal(part) for part in parts)), layout=False)

    _args: tuple = (None, [], None)

    def on_resize(self) -> None:
        self.show(*self._args)  # the narrow layout has the compact form


def _outcomes(verdict: Verdict, item: object | None) -> list[str]:
    kind = item.kind if isinstance(item, ServiceItem) else ItemKind.PROMISED
    labels = []
    for outcome in verdict.allowed_outcomes():
        label = OUTCOME_LABELS[outcome]
        if outcome.value == "accept":
            label = "即办件办结" if kind is ItemKind.ON_THE_SPOT else "受理（承诺件）"
        labels.append(label)
    return labels


def _compact(verdict: Verdict, applicant_problems: list[str], item: object | None,
             inline: tuple[str, ...] = ()) -> list[Text]:
    """The verdict in a few lines (80 columns): the checklist beside it shows each material's status."""
    title, style = _STATE_STYLE[verdict.state]
    head = Text(title, style=style)
    if verdict.state is VerdictState.INCOMPLETE:
        head.append(f"：缺{len(verdict.missing)}项（未核{len(verdict.pending)}项）", style="")
    if verdict.tolerated:
        head.append(f" 容缺{len(verdict.tolerated)}项", style="yellow")
    if verdict.committed:
        head.append(f" 告知承诺{len(verdict.committed)}项", style="cyan")
    short = [re.sub(r"（.*?）", "", label) for label in _outcomes(verdict, item)]
    parts = [head, Text("F10：" + "/".join(short), style="bold")]
    parts.extend(Text(f"✖ {problem}", style="red") for problem in verdict.problems)
    if applicant_problems:
        beside = [p for p in applicant_problems if any(reason and reason in p for reason in inline)]
        rest = [p for p in applicant_problems if p not in beside]
        head = Text(f"申请人待补 {len(applicant_problems)} 处", style="bold")
        if beside:
            head.append(f"（{len(beside)} 处见栏下提示）", style="")
        parts.append(head)
        parts.extend(Text(f"·{problem}", style="red") for problem in rest)
    return parts


def _line(text: str, style: str = "") -> Text:
    """One line, cut with an ellipsis rather than wrapped mid-name."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")
