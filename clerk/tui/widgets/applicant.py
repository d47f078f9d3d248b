"""The applicant block: person or organisation, name, ID with instant checksum
feedback, phone, mailing address, delivery.

The checks themselves live in ``clerk.identity``; this widget only shows them.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind
from clerk.identity import check_phone, check_resident_id, check_uscc
from clerk.identity.check import normalise
from clerk.identity.text import ADDRESS_MAX, NAME_MAX, printable
from clerk.tui.plain import TYPED
from clerk.tui.widgets.choice import ChoiceRow

_ID_LABEL = {ApplicantKind.PERSON: "身份证号", ApplicantKind.ORG: "信用代码"}
#: Spaces and separators people type or paste inside an ID number or credit code.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―－_·.。,，/]")


class IdInput(Input):
    """ID number / credit code: spaces and separators are dropped as they are
    typed or pasted (as the check itself ignores them); only digits and
    letters are taken, anything else is refused with a reason."""

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    @staticmethod
    def typed_form(text: str) -> str:
        """What typing ``text`` leaves in this field."""
        return "".join(c for c in normalise(_SEPARATORS.sub("", text)) if c.isascii() and c.isalnum())

    def replace(self, text: str, start: int, end: int) -> None:
        if not text:  # a deletion
            super().replace(text, start, end)
            return
        clean = normalise(_SEPARATORS.sub("", text))
        if not clean:
            return  # only a space or a separator: nothing to take, nothing to refuse
        kept = "".join(c for c in clean if c.isascii() and c.isalnum())
        if kept != clean:
            self.post_message(self.Refused(text))
        if kept:
            super().replace(kept, start, end)


class ApplicantForm(Vertical):
    DEFAULT_CSS = """
    ApplicantForm { height: auto; }
    ApplicantForm Horizontal { height: 1; margin-top: 1; }
    ApplicantForm Horizontal.tight { margin-top: 0; }
    ApplicantForm Label { width: 10; color: $text-muted; }
    ApplicantForm Input { width: 1fr; background: $boost; }
    ApplicantForm Input:focus { background: $primary 40%; }
    ApplicantForm ChoiceRow { margin-top: 1; }
    ApplicantForm .feedback { height: auto; padding-left: 10; }
    ApplicantForm .feedback.-bad { color: $error; }
    ApplicantForm .feedback.-good { color: $success; }
    ApplicantForm #child-row { display: none; }
    ApplicantForm #child-row Label { width: 12; }  /* 新生儿姓名 fills 10 cells: keep a gap before the name */
    ApplicantForm #address-full { display: none; color: $text-muted; padding-left: 0; max-height: 2; }
    ApplicantForm #address-full.-shown { display: block; }
    ApplicantForm.-child #child-row { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield ChoiceRow("申请人  ", [k.value for k in ApplicantKind], id="applicant-kind")
        with Horizontal():
            yield Label("姓名/名称")
            yield Input(id="applicant-name", compact=True, max_length=NAME_MAX, restrict=TYPED)
        with Horizontal():
            yield Label(_ID_LABEL[ApplicantKind.PERSON], id="id-label")
            yield IdInput(id="applicant-id", compact=True)
        yield Static("", id="id-feedback", classes="feedback", markup=False)
        with Horizontal(classes="tight"):
            yield Label("联系电话")
            yield Input(id="applicant-phone", compact=True, max_length=20, restrict=TYPED)
        yield Static("", id="phone-feedback", classes="feedback", markup=False)
        with Horizontal(classes="tight"):
            yield Label("邮寄地址")
            yield Input(id="applicant-address", compact=True, max_length=ADDRESS_MAX, restrict=TYPED)
        # an address longer than its field is shown whole under it (the field scrolls sideways)
        yield Static("", id="address-full", classes="feedback", markup=False)
        with Horizontal(classes="tight", id="child-row"):  # the newborn bundle only (Bundle.child_name)
            yield Label("新生儿姓名")
            yield Input(id="child-name", compact=True, max_length=NAME_MAX, restrict=TYPED)
        yield ChoiceRow("送达方式", [d.value for d in Delivery], id="delivery")

    # -- reading -------------------------------------------------------
    @property
    def kind(self) -> ApplicantKind:
        return ApplicantKind(self.query_one("#applicant-kind", ChoiceRow).value)

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def applicant(self) -> Applicant:
        return Applicant(
            kind=self.kind,
            name=self._value("applicant-name"),
            id_number=self._value("applicant-id").upper(),
            phone=self._value("applicant-phone"),
            address=self._value("applicant-address"),
        )

    @property
    def asks_child_name(self) -> bool:
        return self.has_class("-child")

    @property
    def child_name(self) -> str:
        """The newborn's name as typed ("" when the item does not ask for it)."""
        return self.query_one("#child-name", Input).value.strip() if self.asks_child_name else ""

    def ask_child_name(self, asked: bool) -> None:
        """Show the 新生儿姓名 row for a bundle that asks for it (hidden and empty otherwise)."""
        self.set_class(asked, "-child")
        if not asked:
            self.query_one("#child-name", Input).value = ""

    @property
    def delivery(self) -> Delivery:
        return Delivery(self.query_one("#delivery", ChoiceRow).value)

    def offer_deliveries(self, deliveries: tuple[Delivery, ...]) -> None:
        """Limit the delivery choice to what the item offers, always in the same order;
        the item's first delivery is the default."""
        row = self.query_one("#delivery", ChoiceRow)
        row.options = [d.value for d in Delivery if d in deliveries] or [d.value for d in Delivery]
        row.index = row.options.index(deliveries[0].value) if deliveries else 0
        row.refresh()

    def fill(self, applicant: Applicant, delivery: Delivery, child_name: str = "") -> None:
        """Put a kept applicant back into the fields (a restored visit)."""
        if self.asks_child_name:
            self.query_one("#child-name", Input).value = child_name
        self.query_one("#applicant-kind", ChoiceRow).value = applicant.kind.value
        for widget_id, value in (
            ("applicant-name", applicant.name),
            ("applicant-id", applicant.id_number),
            ("applicant-phone", applicant.phone),
            ("applicant-address", applicant.address),
        ):
            self.query_one(f"#{widget_id}", Input).value = value
        self.query_one("#delivery", ChoiceRow).value = delivery.value

    def clear(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#applicant-kind", ChoiceRow).index = 0
        self.offer_deliveries(tuple(Delivery))
        for feedback in self.query(".feedback").results(Static):
            feedback.update("")
            feedback.remove_class("-bad", "-good")

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        # Enter moves on, as on a paper form; F10 finishes the visit
        event.stop()
        self.screen.focus_next()

    # -- instant feedback ----------------------------------------------
    @on(ChoiceRow.Changed, "#applicant-kind")
    def _kind_changed(self, event: ChoiceRow.Changed) -> None:
        self.query_one("#id-label", Label).update(_ID_LABEL[self.kind])
        self._check_id(self._value("applicant-id"))

    @on(Input.Changed, "#applicant-id")
    def _id_changed(self, event: Input.Changed) -> None:
        self._check_id(event.value.strip())

    @on(Input.Changed, "#applicant-address")
    def _address_changed(self, event: Input.Changed) -> None:
        self._show_address()

    def on_resize(self) -> None:
        self._show_address()

    def _show_address(self) -> None:
        field = self.query_one("#applicant-address", Input)
        full = self.query_one("#address-full", Static)
        value = field.value.strip()
        width = field.content_size.width or 20
        wide = cell_len(value) > width - 1  # the last cell is the cursor's
        if wide:
            # two lines at most (the 80-column pane is short): the field itself shows the end
            room = 2 * (self.content_size.width or 30) - 2
            text = Text(printable(value, ADDRESS_MAX))
            if text.cell_len > room:
                text.truncate(room - 1)
                text.append("…")
            full.update(text)
        if wide != full.has_class("-shown"):
            full.set_class(wide, "-shown")

    @on(IdInput.Refused)
    def _id_refused(self, event: IdInput.Refused) -> None:
        feedback = self.query_one("#id-feedback", Static)
        feedback.update(f"✖{_ID_LABEL[self.kind]}只能是数字和字母，未接受“{event.text}”")
        feedback.remove_class("-good")
        feedback.add_class("-bad")

    @on(Input.Changed, "#applicant-phone")
    def _phone_changed(self, event: Input.Changed) -> None:
        self._show(
            "#phone-feedback", event.value.strip(), check_phone, complete=len(event.value.strip()) >= 7
        )

    class IdChecked(Message):
        """A complete ID number / credit code passed its check (a returning applicant?)."""

        def __init__(self, kind: ApplicantKind, value: str) -> None:
            super().__init__()
            self.kind, self.value = kind, value

    def _check_id(self, value: str) -> None:
        check = check_resident_id if self.kind is ApplicantKind.PERSON else check_uscc
        if self._show("#id-feedback", value, check, complete=len(value) >= 18):
            self.post_message(self.IdChecked(self.kind, check(value).value))

    def take(self, applicant: Applicant) -> None:
        """A returning applicant's name, phone and address, as on their latest case."""
        for widget_id, value in (
            ("applicant-name", applicant.name),
            ("applicant-phone", applicant.phone),
            ("applicant-address", applicant.address),
        ):
            if value:
                self.query_one(f"#{widget_id}", Input).value = value

    #: the reasons shown whole under their fields right now (feedback id → reason)
    inline: dict[str, str]

    def inline_reasons(self) -> list[str]:
        return list(getattr(self, "inline", {}).values())

    def _show(self, target: str, value: str, check, *, complete: bool) -> bool:
        """Show the check's outcome under the field; True when the value passed."""
        feedback = self.query_one(target, Static)
        feedback.remove_class("-bad", "-good")
        if not hasattr(self, "inline"):
            self.inline = {}
        self.inline.pop(target, None)
        if not value:
            feedback.update("")
            return False
        result = check(value)
        if result.ok:
            feedback.update("✔ 校验通过")
            feedback.add_class("-good")
            return True
        elif complete:
            feedback.update(f"✖{result.reason}")  # no space: a long reason wraps after the mark
            feedback.add_class("-bad")
            self.inline[target] = result.reason
        else:
            # typing on: the count replaces a count, one line by one line (no relayout of the screen)
            counting = str(feedback.content).startswith("已输入 ")
            feedback.update(f"已输入 {len(value)} 位", layout=not counting)
        return False
