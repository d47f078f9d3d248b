"""A 一件事 whose items end differently gets a true paper for each outcome (#30 item 2).

新生儿出生 with 生育医疗费用票据 missing: three items are done on the spot, 生育医疗费用报销
waits for that material, 生育津贴申领 is accepted.  The confirmation promises exactly the
papers that print; the 承诺件通知书 lists every item with its own number, outcome and date;
the 一次性告知书 tells only the waiting item that it is incomplete, and only what it lacks.
Both name the bundle and the child.  Checked on the PDFs the case printer writes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clerk.catalog.model import Delivery
from clerk.config import Settings
from clerk.domain.errors import IntakeError
from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.printing import NoticeKind
from clerk.shipped import shipped_path
from tests.printing.conftest import HALL, barcodes, pdf_text
from tests.printing.pdfcheck import fonts_table, needs_poppler, poppler_text
from tests.support.drafts import PERSON

NEWBORN = "YJS-XSE"
BILLS = "maternity-medical-bills"  # 生育医疗费用票据及出院记录: needed by 生育医疗费用报销 only
CHILD = "孙小雨"


@pytest.fixture(scope="module")
def shipped():
    from clerk.catalog import load_catalog

    return load_catalog(shipped_path("catalog"))


@pytest.fixture
def hall(store, shipped, calendar, clock, cheap_password_hashing):
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService

    service = CaseService(store, shipped, calendar, clock, hall_code="SF", timezone="Asia/Shanghai")
    return service, service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="",
                             timezone="Asia/Shanghai", hall=HALL)


def newborn(shipped, missing: tuple[str, ...] = (BILLS,), child_name: str = CHILD) -> IntakeDraft:
    answers = {s.key: s.default.label for s in shipped.situations(NEWBORN)}
    marks = {e.material.key: MaterialMark(MaterialStatus.MISSING) if e.material.key in missing
             else MaterialMark(MaterialStatus.ORIGINAL, e.material.copies)
             for e in shipped.checklist(NEWBORN, answers).entries}
    return IntakeDraft(NEWBORN, PERSON, Delivery.PICKUP, answers, marks, child_name=child_name)


def printed(service, user, settings, number: str) -> dict[NoticeKind, bytes]:
    """Print the case's queued notices as the window does; the PDFs by kind."""
    from clerk.integration.printing import CasePrinter

    outcomes = CasePrinter(settings).print_case(service, number, user, 3)
    assert all(o.ok for o in outcomes), [o.reason for o in outcomes]
    return {o.notice.kind: Path(o.path).read_bytes() for o in outcomes if o.path is not None}


def test_a_bundle_part_done_part_waiting_prints_a_true_paper_for_each_outcome(hall, shipped, settings):
    service, user = hall
    draft = newborn(shipped)
    preview = service.preview(draft, Outcome.FALLBACK)
    states = {name: state for _code, name, state in preview.children}
    assert states == {"出生登记（户口申报）": CaseState.DONE_ON_THE_SPOT,
                      "城乡居民基本医疗保险参保登记": CaseState.DONE_ON_THE_SPOT,
                      "社会保障卡申领": CaseState.DONE_ON_THE_SPOT,
                      "生育医疗费用报销": CaseState.INCOMPLETE, "生育津贴申领": CaseState.ACCEPTED}
    # the confirmation's 将打印 is what prints: the accepted items' paper and the waiting item's
    assert preview.documents == (NoticeKind.PROMISED, NoticeKind.ONE_TIME)

    view = service.submit(user, 3, draft, Outcome.FALLBACK)
    papers = printed(service, user, settings, view.number)
    assert tuple(papers) == preview.documents
    child = {c.name: c for c in view.children}
    waiting, accepted = child["生育医疗费用报销"], child["生育津贴申领"]
    due = accepted.promised_due.date
    due_text = f"{due.year}年{due.month}月{due.day}日前办结"

    promised = pdf_text(papers[NoticeKind.PROMISED])
    assert barcodes(papers[NoticeKind.PROMISED]) == [view.number]
    assert "新生儿出生“一件事”（一件事一次办，共5项事项）" in promised
    assert f"新生儿姓名：{CHILD}" in promised
    assert "申请材料不齐全" not in promised and "申请材料齐全" not in promised
    for name in ("出生登记（户口申报）", "城乡居民基本医疗保险参保登记", "社会保障卡申领"):
        assert f"{name}{child[name].number}即办办结2026年11月25日当场办结" in promised
    assert f"生育津贴申领{accepted.number}已受理{due_text}" in promised
    assert f"生育医疗费用报销{waiting.number}待补正补正后受理" in promised
    assert "其中“生育医疗费用报销”待补正，见一次性告知书" in promised

    told = pdf_text(papers[NoticeKind.ONE_TIME])
    assert barcodes(papers[NoticeKind.ONE_TIME]) == [view.number]  # the fallback desk opens the bundle
    assert (f"新生儿出生“一件事”（一件事一次办，共5项事项）中，“生育医疗费用报销”（受理编号{waiting.number}）"
            "经审查申请材料不齐全或者不符合法定形式；其余4项事项不受影响") in told
    assert "经审查，申请材料不齐全" not in told  # never the whole bundle
    assert "需补正的材料（共1项）1.生育医疗费用票据及出院记录" in told and "用于：生育医疗费用报销" in told
    assert f"新生儿姓名：{CHILD}" in told
    assert f"生育津贴申领{accepted.number}已受理{due_text}" in told
    assert f"出生登记（户口申报）{child['出生登记（户口申报）'].number}即办办结2026年11月25日当场办结" in told
    # the waiting item has been told (its 一次性告知 deadline is met): only the accepted item stays due
    told_item = {c.number: c for c in service.get(view.number).children}[waiting.number]
    assert told_item.notice_issued_at is not None
    assert [s.number for s in service.overdue(date(2027, 3, 1))] == [accepted.number]


@needs_poppler
def test_the_bundle_papers_embed_their_font_and_read_the_same_in_poppler(hall, shipped, settings, tmp_path):
    service, user = hall
    view = service.submit(user, 3, newborn(shipped), Outcome.FALLBACK)
    for kind, pdf in printed(service, user, settings, view.number).items():
        path = tmp_path / f"{kind.value}.pdf"
        path.write_bytes(pdf)
        assert all(row["emb"] == "yes" for row in fonts_table(path)), fonts_table(path)
        assert CHILD in poppler_text(path) and view.children[3].number in poppler_text(path)


def test_a_bundle_every_item_of_which_waits_is_told_so_on_one_paper(hall, shipped, settings):
    service, user = hall
    draft = newborn(shipped, missing=("birth-medical-certificate",), child_name="")  # every item needs it
    preview = service.preview(draft, Outcome.FALLBACK)
    assert {state for *_, state in preview.children} == {CaseState.INCOMPLETE}
    assert preview.documents == (NoticeKind.ONE_TIME,) and preview.ok  # nothing taken yet: no name needed
    view = service.submit(user, 3, draft, Outcome.FALLBACK)
    papers = printed(service, user, settings, view.number)
    assert tuple(papers) == (NoticeKind.ONE_TIME,)
    told = pdf_text(papers[NoticeKind.ONE_TIME])
    assert "新生儿出生“一件事”（一件事一次办，共5项事项），经审查，申请材料不齐全" in told
    assert all(f"{c.number}待补正补正后受理" in told for c in view.children)


def test_a_bundle_part_of_which_is_done_today_needs_the_childs_name(hall, shipped):
    service, user = hall
    assert "请填写新生儿姓名" in service.preview(newborn(shipped, child_name=""), Outcome.FALLBACK).problems
    with pytest.raises(IntakeError, match="请填写新生儿姓名"):
        service.submit(user, 3, newborn(shipped, child_name=""), Outcome.FALLBACK)


def test_the_confirmation_lists_exactly_the_papers_that_print(hall, shipped):
    from rich.console import Console

    from clerk.tui.screens.finish import describe_preview

    service, _user = hall
    draft = newborn(shipped)
    preview = service.preview(draft, Outcome.FALLBACK)
    console = Console(width=200, record=True)
    console.print(describe_preview(draft, Outcome.FALLBACK, "", preview, shipped.get(NEWBORN)))
    assert "将打印：承诺件通知书、一次性告知书" in console.export_text()


def test_a_shared_materials_wording_for_one_item_stays_on_that_item(hall, shipped, settings):
    """居民户口簿's newborn wording belongs to 出生登记, not to 补领婚姻登记证 (#30, Low)."""
    service, user = hall
    code = "370112-MZJ-002"  # 补领婚姻登记证
    marks = {e.material.key: MaterialMark(MaterialStatus.MISSING) if e.material.key == "household-register"
             else MaterialMark(MaterialStatus.ORIGINAL, e.material.copies) for e in shipped.checklist(code).entries}
    view = service.submit(user, 3, IntakeDraft(code, PERSON, Delivery.PICKUP, {}, marks), Outcome.FALLBACK)
    told = pdf_text(printed(service, user, settings, view.number)[NoticeKind.ONE_TIME])
    assert "1.居民户口簿" in told and "新生儿" not in told
    bundle = service.submit(user, 3, newborn(shipped, missing=("household-register",)), Outcome.FALLBACK)
    told = pdf_text(printed(service, user, settings, bundle.number)[NoticeKind.ONE_TIME])
    assert "申请人（新生儿拟落户）所在户的居民户口簿原件" in told


def test_a_bundle_whose_taken_items_were_all_done_on_the_spot_gets_the_receipt_with_its_table(
        hall, shipped, settings):
    service, user = hall
    draft = newborn(shipped, missing=(BILLS, "bank-card"))  # the two 承诺件 items wait, the three 即办件 are done
    preview = service.preview(draft, Outcome.FALLBACK)
    assert preview.documents == (NoticeKind.ON_THE_SPOT, NoticeKind.ONE_TIME)
    view = service.submit(user, 3, draft, Outcome.FALLBACK)
    papers = printed(service, user, settings, view.number)
    assert tuple(papers) == preview.documents
    receipt = pdf_text(papers[NoticeKind.ON_THE_SPOT])
    assert "即办件办结回执" in receipt and f"新生儿姓名：{CHILD}" in receipt
    assert "申请材料齐全" not in receipt and "申请材料不齐全" not in receipt
    assert "其中“生育医疗费用报销”、“生育津贴申领”待补正，见一次性告知书" in receipt
    for c in view.children:
        assert c.number in receipt
    told = pdf_text(papers[NoticeKind.ONE_TIME])
    assert "需补正的材料（共2项）" in told and "其余3项事项不受影响" in told
    assert "用于：生育医疗费用报销、生育津贴申领" in told  # 银行卡 is for both
