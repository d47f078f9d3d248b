"""The intake screen: item search, situations, applicant, checklist, verdict.

Layout at 120×36: search and the chosen item on top, situations under it,
applicant left, checklist centre, verdict right, banner and keys at the bottom.
The screen keeps the visit's marks; ``assess`` (clerk.domain) gives the verdict.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from clerk.catalog.model import Bundle, Delivery, LimitUnit, ServiceItem
from clerk.domain.deadlines import earliest_limit, limit_due_date, provisional_note, supply_by
from clerk.domain.intake import (
    IntakeDraft,
    MaterialMark,
    MaterialStatus,
    Outcome,
    VerdictState,
    assess,
    child_name_problems,
)
from clerk.domain.plan import some_item_complete, window_promise
from clerk.identity import mask_phone
from clerk.reports.catalog_use import recent_intakes
from clerk.services.visits import new_visit_key
from clerk.tui.caller import CALLER_BINDINGS, CallerScreen
from clerk.tui.messages import ApplicantFound, Failed, Kept, Message, Previewed, Printed, Submitted, banner_text, whose
from clerk.tui.plain import LINE_LIMIT, plain
from clerk.tui.plain import lines as plain_lines
from clerk.tui.screen import signed_in_user
from clerk.tui.screens.finish import ConfirmScreen, OutcomeScreen, describe_preview, repeat_warning
from clerk.tui.screens.pages import PageCapture
from clerk.tui.screens.prompt import PromptScreen
from clerk.tui.widgets.applicant import ApplicantForm
from clerk.tui.widgets.banner import Banner
from clerk.tui.widgets.checklist import ChecklistTable
from clerk.tui.widgets.choice import ChoiceRow
from clerk.tui.widgets.footer import KeyFooter
from clerk.tui.widgets.search import ItemSearch
from clerk.tui.widgets.verdict import VerdictPanel

if TYPE_CHECKING:
    from clerk.catalog.catalog import Catalog
    from clerk.catalog.model import Checklist, ChecklistEntry
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.intake import Applicant
    from clerk.domain.scans import MaterialFile



#: Seconds between two looks at the header clock.
CLOCK_TICK = 10.0


def offer_limit(calendar, today, days) -> str:
    return f"{limit_due_date(calendar, today, days).date:%Y-%m-%d}"


class IntakeScreen(PageCapture, CallerScreen):
    BINDINGS = [
        # F2, F3, F4 are written on the search line and the panes' titles: the footer keeps room
        Binding("f2,ctrl+f", "focus_search", "事项", id="intake.search", show=False),
        Binding("f3", "focus_applicant", "申请人", id="intake.applicant", show=False),
        Binding("f4", "focus_checklist", "材料", id="intake.checklist", show=False),
        Binding("f6", "take_applicant", "带入老申请人", id="intake.take_applicant", show=False),
        Binding("f10", "finish", "办结", id="intake.finish"),
        Binding("ctrl+n", "ask_new_visit", "新办件", id="intake.new"),
        *CALLER_BINDINGS,  # the window caller (clerk.tui.caller): F7 叫号, F8 重呼, F9 叫号操作
    ]
    AUTO_FOCUS = "#search-input"

    def __init__(self) -> None:
        super().__init__()
        self.item: ServiceItem | Bundle | None = None
        self.answers: dict[str, str] = {}
        self.checklist: Checklist | None = None
        self.marks: dict[str, MaterialMark] = {}
        self._header = ""
        self.offer: Applicant | None = None  # a returning applicant's details, taken with F6
        self._restored = False  # the half-entered visit kept on this machine was looked for
        self.owner: ClerkUser | None = None  # the clerk signed in when this screen was mounted
        # names this visit from its first keystroke to its commit: the store keeps one case per key
        self.visit_key = new_visit_key()
        # issue 26: each material's captured pages, and the PDF each became (IntakeDraft.files)
        self.init_capture()

    def compose(self) -> ComposeResult:
        yield Static(plain(self._header_text(), limit=LINE_LIMIT), id="intake-header")
        yield ItemSearch()
        yield Static("尚未选定事项", id="item-info", markup=False)
        yield Vertical(id="situations")
        with Horizontal(id="intake-main"):
            with Vertical(id="applicant-pane"):
                yield ApplicantForm(id="applicant", font_path=self.app.services.settings.font_path)
            with Vertical(id="checklist-pane"):
                yield ChecklistTable()
                yield Static("", id="material-detail", markup=False)
            yield VerdictPanel(id="verdict")
        yield Banner()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.owner = self.app.user  # whose visit this screen keeps (never the next clerk's file)
        self.query_one("#applicant-pane").border_title = "申请人（F3）"
        self.query_one("#checklist-pane").border_title = "材料清单（F4）"
        self.query_one("#checklist-pane").border_subtitle = "a其余收原件 +/−份数 n备注 p扫描页"
        self.open_capture_source()
        self.set_interval(CLOCK_TICK, self.tick_header)
        self.catalog_ready(self.app.catalog)

    def on_descendant_focus(self, event) -> None:
        """Frame the pane that holds the focus.  Not ``:focus-within``: Textual restyles a
        whole pane with such a rule on every focus change inside it (each Enter between
        the applicant's fields); here only the pane is restyled, and only when it changes."""
        chain = event.widget.ancestors_with_self
        for pane in self.query("#applicant-pane, #checklist-pane"):
            active = pane in chain
            if active != pane.has_class("-active"):
                pane.set_class(active, "-active", update=False)  # no descendant depends on it
                self.app.stylesheet.update_nodes([pane], animate=False)
                pane.refresh()

    def tick_header(self) -> None:
        """The header's clock follows the time (each tick and each change of the visit)."""
        text = self._header_text()
        if text != self._header:
            self._header = text
            # names: text; one fixed line, so no relayout of the screen
            self.query_one("#intake-header", Static).update(plain(text, limit=LINE_LIMIT), layout=False)

    def _header_text(self) -> str:
        app = self.app
        user = app.user
        who = f"{getattr(user, 'name', '')}（{getattr(user, 'id', '')}）" if user else ""
        now = app.services.now()
        return (f"{self.caller_header()}{app.services.settings.hall.name} · 第 {app.window_number} 窗口 · {who} · "
                f"{now:%Y-%m-%d %H:%M}")

    def catalog_ready(self, catalog: Catalog | None) -> None:
        search = self.query_one(ItemSearch)
        search.catalog = catalog
        if catalog is not None:
            search.load_counts(self._recent_intakes)
        if catalog is not None and not self._restored:
            self._restored = True
            self._restore_open_visit()

    def _recent_intakes(self) -> dict[str, int]:
        """This hall's intakes per item over the last 90 days (runs in a worker)."""
        services = self.app.services
        return recent_intakes(services.cases.store, services.now())

    # -- the half-entered visit, kept on this machine ---------------------
    def open_visit_summary(self) -> str | None:
        """What is half-entered (for the quit question), or None when the form is empty."""
        applicant = self.query_one(ApplicantForm).applicant()
        if self.item is None and not any((applicant.name, applicant.id_number, applicant.phone, applicant.address)):
            return None
        parts = [self.item.name if self.item is not None else "尚未选定事项"]
        if applicant.name:
            parts.append(applicant.name)
        return " · ".join(parts)

    def keep_open_visit(self, *, now: bool = False) -> None:
        """Keep the visit as typed so far on this machine (or drop it when the form is empty).

        Written by a worker thread (clerk.tui.state.OpenVisitWriter); ``now`` writes
        on this thread and raises ``StateError`` (quit, hand-over at a locked window).
        """
        user = self.owner
        if user is None or user is not self.app.user:
            return  # signed out or handed over: this screen keeps nobody's visit any more
        writer = self.app.state.writer
        if self.open_visit_summary() is None:
            start = writer.note(user.id, None)
        else:
            form = self.query_one(ApplicantForm)
            # no files: this is written at every change, and megabytes of scans are not; pages captured
            # are lost with the process and scanned again (the visit kept through an outage carries them)
            draft = IntakeDraft(
                code=self.item.code if self.item is not None else "",
                applicant=form.applicant(),
                delivery=form.delivery,
                answers=dict(self.answers),
                marks=dict(self.marks),
                child_name=form.child_name,
            )
            start = writer.note(user.id, draft, self.visit_key)
        if now:
            writer.flush()
        elif start:
            self._write_open_visit(writer)

    @work(thread=True, exit_on_error=False, group="open-visit")
    def _write_open_visit(self, writer) -> None:
        for error in writer.drain():
            self.post_message(Failed("keep", error, f"本机暂存失败：{error}"))

    def _restore_open_visit(self) -> None:
        user = self.owner
        kept = self.app.state.open_visit(user.id) if user is not None else None
        if kept is None:
            return
        draft = kept.draft
        if kept.key:
            self.visit_key = kept.key  # the same visit: the store keeps one case per key
        catalog = self.catalog  # restored once the catalog is ready (``catalog_ready``)
        if draft.code:
            try:
                self.item = catalog.get(draft.code)
            except Exception:  # the catalog changed since: keep the applicant at least
                self.item = None
        if self.item is not None:
            self.answers = {s.key: s.default.label for s in catalog.situations(self.item.code)} | dict(draft.answers)
            self.marks = dict(draft.marks)
            self._show_item()
            self._rebuild_situations()
            self._rebuild_checklist()
        self.query_one(ApplicantForm).fill(draft.applicant, draft.delivery, draft.child_name)
        self.query_one(Banner).show("已恢复上次未办结的办件，请与申请人核对后继续（按 ctrl+n 清空）", "warning")

    # -- focus keys ----------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search-input", Input).focus()

    def action_focus_applicant(self) -> None:
        self.query_one("#applicant-name", Input).focus()

    def action_focus_checklist(self) -> None:
        self.query_one(ChecklistTable).focus()

    # -- item and situations -------------------------------------------
    @property
    def catalog(self) -> Catalog:
        """The hall's catalog (loaded before the search offers anything to pick)."""
        catalog = self.app.catalog
        if catalog is None:
            raise RuntimeError("the catalog is not loaded yet")
        return catalog

    def _entries(self) -> list[ChecklistEntry]:
        return list(self.checklist.entries) if self.checklist is not None else []

    @on(ItemSearch.Picked)
    def _item_picked(self, event: ItemSearch.Picked) -> None:
        catalog = self.catalog
        self.item = catalog.get(event.code)
        self.answers = {s.key: s.default.label for s in catalog.situations(event.code)}
        self.marks = {}
        with self.app.batch_update():  # one layout and one render for the whole change, not one per part
            self._show_item()
            self._rebuild_situations()
            self.query_one(Banner).clear()
            self._rebuild_checklist("改选事项后这些材料不在新清单中")
            self.action_focus_applicant()

    def _show_item(self) -> None:
        info = self.query_one("#item-info", Static)
        item = self.item
        if isinstance(item, ServiceItem) and item.region is not None:  # 跨域通办: taken in here, decided there
            region = item.region
            text = (
                f"{item.name}〔{item.code}〕 跨域通办 · 承诺 {window_promise(item)}（办理地 {item.promised}"
                f" + 移交 {region.transfer_days} 个工作日）· 办理地 {region.name} {region.body} {region.phone}"
            )
            deliveries = item.deliveries
        elif isinstance(item, ServiceItem):
            text = (
                f"{item.name}〔{item.code}〕 {item.kind.value} · 承诺 {item.promised}"
                f"（法定 {item.statutory_days if {item.statutory_unit, item.promised_unit} == {LimitUnit.WORKING_DAYS} else item.statutory}）"
                f"· {item.department} · {item.fee}"
            )
            deliveries = item.deliveries
        elif isinstance(item, Bundle):
            items = [self.catalog.items[c] for c in item.item_codes]
            text = f"一件事：{item.name}〔{item.code}〕 共 {len(items)} 项：" + "、".join(i.name for i in items)
            deliveries = tuple(d for d in Delivery if all(d in i.deliveries for i in items))
        else:
            info.update("尚未选定事项")
            self.query_one(ApplicantForm).ask_child_name(False)
            return
        info.update(plain(text, limit=LINE_LIMIT))
        self.query_one(ApplicantForm).ask_child_name(isinstance(item, Bundle) and item.child_name)
        self.query_one(ApplicantForm).offer_deliveries(deliveries)

    def _rebuild_situations(self) -> None:
        box = self.query_one("#situations", Vertical)
        situations = self.catalog.situations(self.item.code) if self.item is not None else []
        wanted = [(f"situation-{s.key}", f"情形·{s.question}", [o.label for o in s.options]) for s in situations]
        rows = [row for row in box.children if isinstance(row, ChoiceRow)]
        if [(row.id, getattr(row, "label", None), getattr(row, "options", None)) for row in rows] == wanted:
            # the same questions (the same item again, or none before and after): set the answers in
            # place; remounting costs a restyle, a relayout and a full render of the screen
            for row, situation in zip(rows, situations, strict=True):
                with row.prevent(ChoiceRow.Changed):
                    row.value = self.answers[situation.key]
            return
        if rows:
            box.remove_children()
        if wanted:
            box.mount_all(ChoiceRow(question, options, value=self.answers[row_id.removeprefix("situation-")], id=row_id)
                          for row_id, question, options in wanted)

    @on(ChoiceRow.Changed)
    def _situation_changed(self, event: ChoiceRow.Changed) -> None:
        row_id = event.choice.id or ""
        if not row_id.startswith("situation-") or self.item is None:
            return
        self.answers[row_id.removeprefix("situation-")] = event.value
        self._rebuild_checklist()

    def _rebuild_checklist(self, why: str = "情形变更后这些材料不再需要") -> None:
        table = self.query_one(ChecklistTable)
        self._dropped_names = {e.material.key: e.material.name for e in self._entries()}
        if self.item is None:
            self.checklist = None
        else:
            self.checklist = self.catalog.checklist(self.item.code, self.answers)
            keys = {e.material.key for e in self.checklist.entries}
            self.marks = {k: m for k, m in self.marks.items() if k in keys}
            self._drop_pages(set(self.pages) - keys, why)
        table.show(self.checklist, self.marks)
        self._refresh_verdict()

    # -- marks -----------------------------------------------------------
    def _default_copies(self, key: str) -> int:
        entry = next(e for e in self._entries() if e.material.key == key)
        return entry.material.copies

    def _set_mark(self, key: str, mark: MaterialMark) -> None:
        travelled = self._travels(key)
        self.marks[key] = mark
        self.query_one(ChecklistTable).update_mark(key, mark)
        if key in self.pages:
            count, travels = len(self.pages[key]), self._travels(key)
            self.query_one(ChecklistTable).update_pages(key, count, travels)
            if travelled and not travels:
                self.query_one(Banner).show(f"“{self.material_name(key)}”标为不适用：其 {count} 页扫描件不随办件保存"
                                            "（改回其他状态即恢复）", "warning")
        self._show_material()
        self._refresh_verdict()

    @on(ChecklistTable.Marked)
    def _marked(self, event: ChecklistTable.Marked) -> None:
        old = self.marks.get(event.key, MaterialMark())
        if event.status is MaterialStatus.TOLERATED:
            material = next(e.material for e in self._entries() if e.material.key == event.key)
            if not material.tolerable:  # the catalog says so; don't ask for a date in vain
                self.query_one(Banner).show(f"“{material.name}”不允许容缺，请选择 3（缺）或转兜底窗口", "warning")
                return
            self._ask_supply_by(event.key, old)
            return
        if event.status is MaterialStatus.COMMITTED:
            material = next(e.material for e in self._entries() if e.material.key == event.key)
            if material.commitment is None:  # the catalog says so
                self.query_one(Banner).show(f"“{material.name}”不实行告知承诺，请收取材料或选择 3（缺）", "warning")
                return
        copies = old.copies or self._default_copies(event.key) if event.status.received else 0
        self._set_mark(event.key, MaterialMark(event.status, copies, old.note, None))

    def _ask_supply_by(self, key: str, old: MaterialMark) -> None:
        try:
            calendar = self.app.services.calendar  # loaded at start-up; pure arithmetic from here
        except Exception as exc:
            self.query_one(Banner).show(f"工作日历无法载入，暂不能容缺受理：{banner_text(exc)}")
            return
        today = self.app.services.today()
        limit_days = self._promised_limit(calendar, today)
        offer, problem = supply_by(calendar, today, "", limit_days)
        if offer is None:
            self.query_one(Banner).show(f"无法计算补交日期：{problem}")
            return
        default = old.supply_by or offer.date
        note = provisional_note(offer) if not old.supply_by else ""

        def done(text: str | None) -> None:
            if text is not None:
                due, problem = supply_by(calendar, today, text, limit_days)
                if due is None:  # the prompt checked it: only a calendar changed meanwhile
                    self.query_one(Banner).show(problem, "warning")
                    return
                self._set_mark(key, MaterialMark(MaterialStatus.TOLERATED, 0, old.note, due.date))
                if due.provisional:
                    self.query_one(Banner).show(f"补交日期 {due.date:%Y-%m-%d}{provisional_note(due)}", "warning")
            self.query_one(ChecklistTable).focus()

        rule = f"，不晚于承诺办结日期 {offer_limit(calendar, today, limit_days)}" if limit_days else ""
        self.app.push_screen(
            PromptScreen(f"容缺：申请人承诺的补交日期（日期或工作日天数{rule}）{note}", default.isoformat(),
                         validate=lambda text: supply_by(calendar, today, text, limit_days)[1] or None),
            done,
        )

    def _promised_limit(self, calendar, today):
        """The limit the item promises (a bundle: the one ending first), which caps a 容缺 date."""
        item = self.item
        if isinstance(item, ServiceItem):
            return window_promise(item)
        if isinstance(item, Bundle):
            return earliest_limit(calendar, today, [self.catalog.items[c].promised for c in item.item_codes])
        return None

    @on(ChecklistTable.RowHighlighted)
    def _show_material(self) -> None:
        """The highlighted material's requirement text (as the notice will print it) and note."""
        detail = self.query_one("#material-detail", Static)
        key = self.query_one(ChecklistTable).current_key
        entry = next((e for e in self._entries() if e.material.key == key), None)
        if key is None or entry is None:
            detail.update("", layout=False)  # a fixed height (tcss): no relayout for a new row's text
            return
        mark = self.marks.get(key, MaterialMark())
        text = f"{entry.material.name}：{entry.material.requirement}"  # the list may cut the name
        if key in self.pages:  # first: the pane's lines are few, the requirement text may fill them
            from clerk.capture.limits import human_size

            pages = self.pages[key]
            kept = "" if self._travels(key) else "，不适用：不随办件保存"
            text = f"▣扫描件 {len(pages)} 页（{human_size(pages.size)}{kept}）· {text}"
        if len(entry.needed_by) > 1:
            text += f"（{len(entry.needed_by)} 个事项共用）"
        pledge = entry.material.commitment
        if pledge is not None:  # key 6 is not in the footer: said first where it applies (2 lines at 80×24)
            done = "已选告知承诺" if mark.status is MaterialStatus.COMMITTED else "可告知承诺·按6"
            text = f"〔{done}〕{text}\n告知承诺：以承诺代替{pledge.replaces}，{pledge.method.value}，{pledge.within}内核查"
        if mark.supply_by:
            text += f"\n容缺：{mark.supply_by:%Y-%m-%d} 前补交"
        if mark.note:
            text += f"\n备注：{mark.note}"
        detail.update(plain_lines(text.split("\n")), layout=False)

    @on(ChecklistTable.CopiesChanged)
    def _copies(self, event: ChecklistTable.CopiesChanged) -> None:
        old = self.marks.get(event.key, MaterialMark())
        if not old.status.received:
            self.query_one(Banner).show("只有已收的材料才有份数：先按 1（原件）或 2（复印件）", "warning")
            return
        self._set_mark(event.key, replace(old, copies=max(1, old.copies + event.delta)))

    @on(ChecklistTable.NoteRequested)
    def _note(self, event: ChecklistTable.NoteRequested) -> None:
        old = self.marks.get(event.key, MaterialMark())

        def done(text: str | None) -> None:
            if text is not None:
                self._set_mark(event.key, replace(old, note=text))
            self.query_one(ChecklistTable).focus()

        self.app.push_screen(PromptScreen("材料备注", old.note), done)

    @on(ChecklistTable.AllReceived)
    def _all_received(self) -> None:
        for entry in self._entries():
            key = entry.material.key
            if self.marks.get(key, MaterialMark()).status is MaterialStatus.PENDING:
                self._set_mark(key, MaterialMark(MaterialStatus.ORIGINAL, entry.material.copies))

    # -- captured pages (issue 26: ``PageCapture``) ------------------------------------
    def capture_token(self) -> str:
        return self.visit_key

    def capture_keys(self) -> set[str]:
        return {e.material.key for e in self._entries()}

    def material_name(self, key: str) -> str:
        entry = next((e for e in self._entries() if e.material.key == key), None)
        return entry.material.name if entry is not None else key

    def is_received(self, key: str) -> bool:
        return self.marks.get(key, MaterialMark()).status.received

    def pages_shown(self, key: str) -> None:
        self.query_one(ChecklistTable).update_pages(key, len(self.pages_of(key)), self._travels(key))
        self._show_material()

    def _travels(self, key: str) -> bool:
        """The row's pages go with the visit (not when the material is marked 不适用)."""
        return self.marks.get(key, MaterialMark()).status is not MaterialStatus.NOT_APPLICABLE

    @on(ChecklistTable.CaptureRequested)
    def _capture_requested(self, event: ChecklistTable.CaptureRequested) -> None:
        self.start_capture(event.key)

    @on(ChecklistTable.PagesRequested)
    def _pages_requested(self, event: ChecklistTable.PagesRequested) -> None:
        self.open_pages(event.key, self.query_one(ChecklistTable).focus)

    def _drop_pages(self, keys: set[str], why: str) -> None:
        """Pages of materials no longer on the checklist go, and the clerk is told which."""
        gone = [(key, len(self.pages[key])) for key in self.pages if key in keys]
        if not gone:
            return
        names = "、".join(f"“{self._dropped_names.get(key, key)}”{count} 页" for key, count in gone)
        for key, _ in gone:
            self.pages.pop(key, None)
            self.files.pop(key, None)
        self.query_one(Banner).show(f"{why}：已删除{names}扫描件", "warning")

    _dropped_names: dict[str, str] = {}

    def draft_files(self) -> dict[str, MaterialFile]:
        """The files that travel with the visit (``clerk.capture.pages.travelling_files``)."""
        if not self.files:
            return {}
        from clerk.capture.pages import travelling_files

        return travelling_files(self.files, (e.material.key for e in self._entries()), self.marks)

    # -- a scanner burst's keys undone (clerk.tui.keyinput) ------------------------
    def key_state(self) -> object:
        """What a key may change here that a scan must put back: the marks and the checklist's cursor."""
        tables = self.query(ChecklistTable)
        return dict(self.marks), tables.first().cursor_row if tables else 0

    def restore_key_state(self, state: object) -> None:
        marks, row = cast(tuple[dict[str, MaterialMark], int], state)
        table = self.query_one(ChecklistTable)
        if marks != self.marks:
            self.marks = dict(marks)
            table.show(self.checklist, self.marks)
            self._show_material()
            self._refresh_verdict()
        if table.row_count and table.cursor_row != row:
            table.move_cursor(row=min(row, table.row_count - 1))

    # -- returning applicants ------------------------------------------
    @on(ApplicantForm.IdChecked)
    def _id_checked(self, event: ApplicantForm.IdChecked) -> None:
        self.offer = None
        self._look_up_applicant(event.kind, event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="returning")
    def _look_up_applicant(self, kind, id_number: str) -> None:
        app = self.app
        try:
            found = app.services.previous_applicant(signed_in_user(app), app.window_number, kind, id_number)
        except Exception:  # a convenience: the clerk types the details as before
            return
        if found is not None:
            self.post_message(ApplicantFound(id_number, *found))

    @on(ApplicantFound)
    def _applicant_found(self, event: ApplicantFound) -> None:
        form = self.query_one(ApplicantForm)
        current = form.applicant()
        if current.id_number != event.id_number:
            return  # the number changed meanwhile
        known = event.applicant
        if (current.name, current.phone, current.address) == (known.name, known.phone, known.address):
            return
        self.offer = known
        key = self.app.keymap.get("intake.take_applicant", "f6").upper()
        details = " · ".join(x for x in (known.name, mask_phone(known.phone), known.address) if x)
        self.query_one(Banner).show(f"曾在本厅办理（{event.number}）：{details}。按 {key} 带入姓名、电话、地址", "info")

    def action_take_applicant(self) -> None:
        if self.offer is None:
            self.query_one(Banner).show("没有可带入的申请人信息：先输入已校验的证件号码", "warning")
            return
        form = self.query_one(ApplicantForm)
        form.take(self.offer)
        self.offer = None
        self.query_one(Banner).show("已带入申请人信息，请与申请人核对", "ok")
        self.query_one("#delivery").focus()

    # -- verdict ---------------------------------------------------------
    @on(Input.Changed)
    @on(ChoiceRow.Changed, "#applicant-kind, #delivery")
    def _applicant_changed(self) -> None:
        self._refresh_verdict()

    def applicant_problems(self) -> list[str]:
        form = self.query_one(ApplicantForm)
        found = form.applicant().problems(need_address=form.delivery is Delivery.EMS)
        if form.asks_child_name:  # needed to accept the visit; a visit sent on may come before the name
            verdict = self.verdict()
            accepted = verdict is not None and (  # …unless part of the bundle is accepted or done today
                verdict.state is not VerdictState.INCOMPLETE
                or (self.item is not None and some_item_complete(self.catalog, self.item.code, self.answers,
                                                                 self.marks)))
            found += child_name_problems(form.child_name, asked=True, required=accepted)
        return found

    def verdict(self):
        return assess(self.checklist, self.marks) if self.checklist is not None else None

    _verdict_due = False

    def _refresh_verdict(self) -> None:
        """Once for all the changes of one key (``a`` marks every row, F6 fills three fields)."""
        if self.is_mounted and not self._verdict_due:
            self._verdict_due = True
            self.call_later(self._refresh_verdict_now)

    def _refresh_verdict_now(self) -> None:
        self._verdict_due = False
        if not self.is_mounted:
            return
        inline = tuple(self.query_one(ApplicantForm).inline_reasons())
        self.query_one(VerdictPanel).show(self.verdict(), self.applicant_problems(), self.item, inline)
        self._update_blocker()
        self.tick_header()
        if self._restored:
            self.keep_open_visit()  # every change on disk soon, by a worker: no key waits for the disk

    def draft(self) -> IntakeDraft:
        if self.item is None:
            raise ValueError("no item picked yet")
        form = self.query_one(ApplicantForm)
        return IntakeDraft(
            code=self.item.code,
            applicant=form.applicant(),
            delivery=form.delivery,
            answers=dict(self.answers),
            marks=dict(self.marks),
            child_name=form.child_name,
            files=self.draft_files(),
        )

    # -- finishing the visit -------------------------------------------
    def _save_in_flight(self) -> bool:
        if self.app.saving(self.visit_key):
            self.query_one(Banner).show("正在保存本次办件，请等待保存结果，勿重复办结", "warning")
            return True
        return False

    def _finish_blocker(self) -> tuple[str, str] | None:
        """Why F10 cannot go on now, and where the clerk fixes it (None: it can)."""
        if self.item is None:
            return "请先选定事项（F2）", "search"
        problems = self.applicant_problems()
        if problems:
            return "申请人信息不完整：" + "；".join(problems), "applicant"
        verdict = self.verdict()
        if verdict.problems:
            return "；".join(verdict.problems), "checklist"
        return None

    def _update_blocker(self) -> None:
        """The banner F10 left follows the visit: updated or gone as soon as the reason changes."""
        shown = getattr(self, "_blocker_shown", None)
        if shown is None:
            return
        found = self._finish_blocker()
        text = found[0] if found else None
        if text == shown:
            return
        banner = self.query_one(Banner)
        if not banner.withdraw(shown):
            self._blocker_shown = None  # the clerk's next action cleared it already
            return
        self._blocker_shown = text
        if text is not None:
            banner.show(text)

    def action_finish(self) -> None:
        banner = self.query_one(Banner)
        if self._save_in_flight():
            return
        blocker = self._finish_blocker()
        if blocker is not None:
            text, where = blocker
            banner.show(text)
            self._blocker_shown = text
            {"search": self.action_focus_search, "applicant": self.action_focus_applicant,
             "checklist": self.action_focus_checklist}[where]()
            return
        self._blocker_shown = None
        verdict = self.verdict()
        draft = self.draft()

        def chosen(choice: tuple[Outcome, str] | None) -> None:
            if choice is not None:
                banner.show("正在计算办结时间……", "info")
                self._preview(draft, *choice, self.owner, self.visit_key)

        self.app.push_screen(self._outcome_dialog(verdict), chosen)

    _outcome: OutcomeScreen | None = None

    def _outcome_dialog(self, verdict) -> OutcomeScreen:
        """One outcome dialog per intake screen, installed so that dismissing keeps it."""
        if self._outcome is None:
            self._outcome = OutcomeScreen(verdict, self.item)
            self.app.install_screen(self._outcome, name=f"outcome-{id(self)}")
        else:
            self._outcome.ask(verdict, self.item)
        return self._outcome

    def on_unmount(self) -> None:
        for dialog in (self._outcome, self._confirm_dialog):
            if dialog is not None:
                try:
                    self.app.uninstall_screen(dialog)
                except Exception:  # noqa: BLE001 - the app is closing with the dialog on its stack
                    pass

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake")
    def _preview(self, draft: IntakeDraft, outcome: Outcome, reason: str, user: ClerkUser | None = None,
                 visit_key: str = "") -> None:
        try:
            preview = self.app.services.preview(draft, outcome, reason)
            text = describe_preview(draft, outcome, reason, preview, self.item)  # here, not on the UI thread
            # the same applicant and item saved minutes ago (a visit typed again): said before a second case
            recent = self.app.services.recent_visit(user, draft, visit_key) if user is not None else None
        except Exception as exc:
            self.post_message(Failed("preview", exc, banner_text(exc)))
        else:
            self.post_message(Previewed(draft, outcome, reason, preview, text, recent))

    @on(Previewed)
    def _confirm(self, event: Previewed) -> None:
        self.query_one(Banner).clear()

        def confirmed(ok: bool | None) -> None:
            if ok and not self._save_in_flight():
                self.query_one(Banner).show("正在保存……", "info")
                self.app.submit_visit(self, event.draft, event.outcome, event.reason, self.visit_key)

        args = (event.draft, event.outcome, event.reason, event.preview, self.item, event.text)
        repeat = repeat_warning(event.recent, self.app.services.tz) if event.recent is not None else None
        if self._confirm_dialog is None:
            self._confirm_dialog = ConfirmScreen(*args, repeat=repeat)
            self.app.install_screen(self._confirm_dialog, name=f"confirm-{id(self)}")
        else:
            self._confirm_dialog.ask(*args, repeat=repeat)
        self.app.push_screen(self._confirm_dialog, confirmed)

    _confirm_dialog: ConfirmScreen | None = None

    @on(Submitted)
    def _submitted(self, event: Submitted) -> None:
        view = event.view
        items = "".join(f"；{child.number} {child.name}：{child.state}" for child in view.children)
        self._saved_items = {view.number: items}  # a bundle's items stay in the banner after printing
        text = f"已保存：受理编号 {view.number}（{whose(view)}，{view.state}）{items}，正在打印……"
        self._printing = {view.number: text}  # replaced by the printing's outcome, which repeats it
        self.query_one(Banner).show(text, "ok", sticky=True)
        self.action_new_visit(keep_banner=True)
        self.app.print_case(self, view.number)
        self.visit_saved(view)  # the ticket being served: its visit ends with this case

    @on(Printed)
    def _printed(self, event: Printed) -> None:
        failed = not all(r.ok for r in event.results)
        items = getattr(self, "_saved_items", {}).get(event.number, "")
        saving = getattr(self, "_printing", {}).pop(event.number, None)
        if saving is not None:
            self.query_one(Banner).withdraw(saving)  # one message per visit, not two with the same items
        self.query_one(Banner).show(f"受理编号 {self.app.case_label(event.number)}：{self.app.describe_print(event.results)}"
                                    f"{items}", "warning" if failed else "ok", sticky=failed)

    @on(Kept)
    def _kept(self, event: Kept) -> None:
        self.query_one(Banner).show(event.text, "warning", sticky=True)
        self.action_new_visit(keep_banner=True)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.query_one(Banner).show(event.text, sticky=event.action in ("submit", "print"))

    def applicant_left(self) -> None:
        """The ticket's holder left (结束接待, 转移, 过号, the next F7): the ID the kiosk read, the details F6
        brought and anything typed for them go, with the visit kept on this machine; the caller's answer
        stays in the banner."""
        if self.open_visit_summary() is not None or self.offer is not None:
            self.action_new_visit(keep_banner=True)

    #: A second ctrl+n within this many seconds clears a half-entered visit.
    CLEAR_AGAIN_SECONDS = 5.0
    _clear_asked_at: float | None = None

    def action_ask_new_visit(self) -> None:
        """ctrl+n: an empty form starts over at once; a half-entered one asks first (a second
        ctrl+n clears it): one stray key must not throw away what the applicant has told."""
        summary = self.open_visit_summary()
        now = time.monotonic()
        asked, self._clear_asked_at = self._clear_asked_at, None
        if summary is None or (asked is not None and now - asked <= self.CLEAR_AGAIN_SECONDS):
            self.action_new_visit()
            return
        self._clear_asked_at = now
        self.query_one(Banner).show(f"当前办件尚未办结（{summary}）：再按一次 ctrl+n 清空，已录入的内容将不保存",
                                    "warning")

    def action_new_visit(self, keep_banner: bool = False) -> None:
        if self.app.saving(self.visit_key):  # its outcome is on the way: the next visit waits for it
            self.query_one(Banner).show("正在保存本次办件，请等待保存结果", "warning")
            return
        self.visit_key = new_visit_key()
        self.item, self.answers, self.checklist, self.marks = None, {}, None, {}
        self.forget_pages()  # the saved (or abandoned) visit's pages are not the next one's
        self.offer = None
        self.query_one("#search-input", Input).value = ""
        with self.app.batch_update():
            self.query_one(ApplicantForm).clear()
            self._show_item()
            self._rebuild_situations()
            self.query_one(ChecklistTable).show(None, {})
            self._show_material()
            self._refresh_verdict()
        self.keep_open_visit()  # the form is empty: the kept file goes
        if not keep_banner:
            self.query_one(Banner).clear()
        self.action_focus_search()
