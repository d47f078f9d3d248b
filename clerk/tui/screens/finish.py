"""Finishing a visit: choose the outcome, then confirm what will be printed.

``OutcomeScreen`` offers only ``Verdict.allowed_outcomes()``; ``ConfirmScreen``
shows the service's ``IntakePreview`` (documents, due dates, the provisional
calendar warning) before anything is written.  F10 or Enter confirms, Escape
goes back — as everywhere.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from clerk.catalog.model import ItemKind, ServiceItem
from clerk.domain.intake import OUTCOME_LABELS, IntakeDraft, Outcome, Verdict
from clerk.identity.text import NOTE_MAX
from clerk.printing.coverage import glyph_refusal
from clerk.tui.plain import LINE_LIMIT, TYPED, literal, plain
from clerk.tui.screen import ClerkModal
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from clerk.domain.views import CaseSummary


def outcome_label(outcome: Outcome, item: object, *, printable: bool = True) -> str:
    """``printable=False``: the notice cannot be printed here, so the label promises no paper."""
    if outcome is Outcome.ACCEPT:
        on_the_spot = isinstance(item, ServiceItem) and item.kind is ItemKind.ON_THE_SPOT
        if not printable:
            return "即办件办结" if on_the_spot else "受理（承诺件）"
        return "即办件办结（打印办结凭证）" if on_the_spot else "受理（承诺件，打印承诺件通知书）"
    return OUTCOME_LABELS[outcome]


class OutcomeScreen(ClerkModal[tuple[Outcome, str] | None]):
    DEFAULT_CSS = """
    OutcomeScreen { align: center middle; }
    OutcomeScreen > Vertical { width: 72; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    OutcomeScreen #reason-box { display: none; height: auto; }
    OutcomeScreen.-reject #reason-box { display: block; }
    OutcomeScreen #reason-glyphs { display: none; color: $error; }
    OutcomeScreen #reason-glyphs.-shown { display: block; }
    OutcomeScreen OptionList { height: auto; }
    """
    BINDINGS = [
        Binding("f10", "confirm", "确认", id="dialog.confirm"),
        Binding("escape", "cancel", "返回", id="dialog.cancel"),
    ]

    def __init__(self, verdict: Verdict, item: object) -> None:
        super().__init__()
        self.verdict, self.item = verdict, item
        self.outcomes = verdict.allowed_outcomes()

    def _title(self) -> Text:
        return plain(f"办结方式 —— {self.verdict.summary}", limit=LINE_LIMIT)

    def _options(self) -> list[Option]:
        return [Option(plain(f"{i}. {outcome_label(o, self.item)}"), id=o.value) for i, o in enumerate(self.outcomes, 1)]

    def ask(self, verdict: Verdict, item: object) -> None:
        """The same dialog for the next F10 (kept by the intake screen: composing it anew on
        every F10 cost the key a compose, a mount and a restyle of the whole dialog)."""
        self.verdict, self.item = verdict, item
        self.outcomes = verdict.allowed_outcomes()
        self.remove_class("-reject")
        self.query_one("#dialog-title", Label).update(self._title())
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = 0
        self.query_one("#reason", Input).value = ""
        self.query_one(Banner).clear()
        self.set_focus(options)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title(), id="dialog-title")
            yield OptionList(*self._options(), id="outcomes")
            with Vertical(id="reason-box"):
                yield Label("不予受理的理由（将打印在通知书上）")
                yield Input(id="reason", compact=True, max_length=NOTE_MAX, restrict=TYPED)
                yield Static("", id="reason-glyphs", markup=False)
            yield Banner()
        yield KeyFooter()

    def on_key(self, event) -> None:
        # digits pick an outcome directly, as numbered in the list
        if event.character and event.character.isdigit() and self.focused is self.query_one(OptionList):
            index = int(event.character) - 1
            if 0 <= index < len(self.outcomes):
                event.stop()
                self._choose(self.outcomes[index])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:  # the outcome's value
            self._choose(Outcome(event.option.id))

    def _choose(self, outcome: Outcome) -> None:
        if outcome is Outcome.REJECT:
            self.add_class("-reject")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss((outcome, ""))

    @on(Input.Changed, "#reason")
    def _check_glyphs(self, event: Input.Changed) -> None:
        """The reason is printed on the 不予受理通知书: a character no font has is named at once."""
        refusal = glyph_refusal("不予受理理由", event.value, self.app.services.settings.font_path)
        shown = self.query_one("#reason-glyphs", Static)
        if refusal:
            shown.update(Text(f"✖{refusal}"))
        shown.set_class(bool(refusal), "-shown")

    @on(Input.Submitted, "#reason")
    def _reason_given(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        if self.has_class("-reject"):
            reason = self.query_one("#reason", Input).value.strip()
            if not reason:
                self.query_one(Banner).show("不予受理必须写明理由")
                return
            self.dismiss((Outcome.REJECT, reason))
            return
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._choose(self.outcomes[options.highlighted])

    def action_cancel(self) -> None:
        if self.has_class("-reject"):
            self.remove_class("-reject")
            self.query_one(OptionList).focus()
        else:
            self.dismiss(None)


def describe_preview(draft: IntakeDraft, outcome: Outcome, reason: str, preview: Any, item: object) -> Group:
    """The confirmation text: exactly what will be saved and printed."""
    unprintable = getattr(preview, "unprintable", ())
    lines: list[Text] = [
        Text(f"{preview.name}〔{preview.code}〕", style="bold"),
        Text(f"办结方式：{outcome_label(outcome, item, printable=not unprintable)} → 案件状态“{preview.state}”"),
        Text(f"申请人：{draft.applicant.name}  {draft.applicant.id_number}  {draft.applicant.phone}"),
        Text(f"送达方式：{draft.delivery}" + (f"  地址：{draft.applicant.address}" if draft.applicant.address else "")),
    ]
    if draft.child_name:
        lines.insert(3, Text(f"新生儿姓名：{draft.child_name}"))
    if reason:
        lines.append(Text(f"不予受理理由：{reason}"))
    for deadline in preview.deadlines:
        due = deadline.due
        text = Text(f"{deadline.kind.label}：{due.date:%Y年%m月%d日}（{deadline.shown_span}）")
        if due.provisional:
            years = "、".join(str(y) for y in due.missing_years)
            text.append(f"  ⚠ 暂定：{years}年节假日安排尚未公布，日期可能变动", style="bold yellow")
        lines.append(text)
    for name, method, due in getattr(preview, "pledges", ()):  # 告知承诺: signed now, verified by then
        lines.append(Text(f"告知承诺：{name}（{method}，{due.date:%Y年%m月%d日}前核查）"
                          + ("（暂定）" if due.provisional else "")))
    if outcome in (Outcome.FALLBACK, Outcome.TOLERATE):
        label = "一次性告知的缺件" if outcome is Outcome.FALLBACK else "容缺材料"
        reqs = preview.verdict.missing if outcome is Outcome.FALLBACK else preview.verdict.tolerated
        lines.append(Text(f"{label}（{len(reqs)} 项）：" + "、".join(r.name for r in reqs)))
    child_deadlines = getattr(preview, "child_deadlines", ()) or ((),) * len(preview.children)
    if preview.children:
        lines.append(Text(f"分项（{len(preview.children)} 项，保存后各有受理编号）：", style="bold"))
    for (code, name, state), deadlines in zip(preview.children, child_deadlines, strict=False):
        line = Text(f"  └ {name}〔{code}〕→ {state}")
        for deadline in deadlines:
            line.append(f"  {deadline.kind.label} {deadline.due.date:%Y-%m-%d}")
            if deadline.due.provisional:
                line.append("（暂定）", style="yellow")
        lines.append(line)
    docs = "、".join(d.title for d in preview.documents) or "（无）"
    if unprintable:  # never promise a paper this machine cannot print
        lines.append(Text(f"无法打印：{docs}（案件照常保存，可在装好字体后补打）", style="bold red"))
        lines.extend(Text(f"✖ {reason}", style="bold red") for reason in unprintable)
    else:
        lines.append(Text(f"将打印：{docs}", style="bold"))
    for problem in preview.problems:
        lines.append(Text(f"✖ {problem}", style="bold red"))
    return Group(*(literal(line) for line in lines))


def repeat_warning(recent: CaseSummary, tz: tzinfo) -> str:
    """What the confirmation says when the applicant has a case for the item from minutes ago."""
    at = recent.received_at.astimezone(tz)
    return (f"注意：{recent.applicant_name} 的“{recent.name}”已于 {at:%H:%M} 在第 {recent.window} 窗口受理"
            f"（受理编号 {recent.number}，{recent.state.value}），可能是重复录入。"
            "同一次办件请按 Esc 返回，不要再次受理；确属另一次申请，请按两次 F10。")


def _confirm_labels(preview: Any) -> tuple[str, str]:
    """The dialog's title and key hint: no promise of a paper this machine cannot print."""
    if getattr(preview, "unprintable", ()):
        return "请核对，确认后保存（通知书无法打印）", "F10 或 回车：确认并保存    Esc：返回修改"
    return "请核对，确认后保存并打印", "F10 或 回车：确认并打印    Esc：返回修改"


class ConfirmScreen(ClerkModal[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 30; border: thick $accent; background: $surface; padding: 1 2; }
    ConfirmScreen VerticalScroll { height: auto; max-height: 22; }
    ConfirmScreen #confirm-hint { margin-top: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("f10,enter", "confirm", "确认并打印", id="dialog.confirm"),
        # the same key when the notice cannot be printed here (check_action shows one of the two)
        Binding("f10,enter", "confirm_unprinted", "确认并保存", id="dialog.confirm"),
        Binding("escape", "cancel", "返回修改", id="dialog.cancel"),
    ]

    def __init__(self, draft: IntakeDraft, outcome: Outcome, reason: str, preview: Any, item: object = None,
                 text: Group | None = None, *, repeat: str | None = None) -> None:
        """``text``: ``describe_preview`` of the same arguments when it was built off the UI thread;
        ``repeat``: the applicant has a case for this item from minutes ago (``repeat_warning``)."""
        super().__init__()
        self.draft, self.outcome, self.reason, self.preview, self.item = draft, outcome, reason, preview, item
        self.text = text
        self.repeat = repeat
        self._repeat_confirmed = False  # F10 once more after the warning: a new case on purpose

    def compose(self) -> ComposeResult:
        with Vertical():
            title, hint = _confirm_labels(self.preview)
            yield Label(title, id="confirm-title")
            with VerticalScroll():
                text = self.text or describe_preview(self.draft, self.outcome, self.reason, self.preview, self.item)
                yield Static(text, id="preview")
            yield Static(hint, id="confirm-hint")
            yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.preview.problems:
            self.query_one(Banner).show("不能办结：" + "；".join(self.preview.problems) + "（Esc 返回修改）")
        elif self.repeat is not None:
            self.query_one(Banner).show(self.repeat, "warning", sticky=True)

    def ask(self, draft: IntakeDraft, outcome: Outcome, reason: str, preview: Any, item: object = None,
            text: Group | None = None, *, repeat: str | None = None) -> None:
        """The same dialog for the next visit (kept by the intake screen, as the outcome dialog)."""
        self.draft, self.outcome, self.reason, self.preview, self.item = draft, outcome, reason, preview, item
        self.repeat, self._repeat_confirmed = repeat, False
        self.query_one("#preview", Static).update(text or describe_preview(draft, outcome, reason, preview, item))
        title, hint = _confirm_labels(preview)
        self.query_one("#confirm-title", Label).update(title)
        self.query_one("#confirm-hint", Static).update(hint)
        self.refresh_bindings()
        self.query_one(VerticalScroll).scroll_home(animate=False)
        self.query_one(Banner).clear()
        self.on_mount()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        unprintable = bool(getattr(self.preview, "unprintable", ()))
        if action == "confirm":
            return not unprintable
        if action == "confirm_unprinted":
            return unprintable
        return True

    def action_confirm_unprinted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        if self.preview.problems:
            self.query_one(Banner).show("不能办结：" + "；".join(self.preview.problems) + "（Esc 返回修改）")
            return
        if self.repeat is not None and not self._repeat_confirmed:  # F10 by habit does not make a second case
            self._repeat_confirmed = True
            self.query_one(Banner).show("确属另一次申请？再按一次 F10 确认受理；同一次办件请按 Esc 返回。", "warning")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
