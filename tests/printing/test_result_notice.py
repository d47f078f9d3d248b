"""The 办结通知书 states what is true when it is printed (#30 item 15).

It names the result as the catalog does (公共场所卫生许可证), never `办理结果：办理结果`, and
says the result *will be* mailed until the mail room has handed it to EMS; a 补打 after the
hand-over says it was, with the waybill.  Checked on the PDFs the case printer writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clerk.config import Settings
from clerk.domain.intake import Outcome
from clerk.domain.views import Decision
from clerk.printing import NoticeKind
from tests.printing.conftest import HALL, barcodes, pdf_text
from tests.support.drafts import PERSON, hygiene

WAYBILL = "EA123456785CN"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", font_path="",
                             timezone="Asia/Shanghai", hall=HALL)


def result_paper(outcomes) -> bytes:
    (paper,) = [o for o in outcomes if o.notice.kind is NoticeKind.RESULT_READY]
    assert paper.ok and paper.path is not None, paper.reason
    return Path(paper.path).read_bytes()


def test_the_result_notice_names_the_result_and_mails_only_what_was_handed_over(service, users, settings):
    from clerk.integration.printing import CasePrinter
    from clerk.services.desk import DeskService

    desk, printer = DeskService(service), CasePrinter(settings)
    number = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT).number
    printer.print_case(service, number, users["window"], 3)
    mail = desk.record_decision(users["office"], 30, number, Decision.APPROVED).mail
    assert mail is not None

    decided = result_paper(printer.print_case(service, number, users["office"], 30))
    text = pdf_text(decided)
    assert barcodes(decided) == [number]
    assert "办理结果：公共场所卫生许可证" in text and "办理结果：办理结果" not in text
    assert "现将公共场所卫生许可证送达给您" in text
    assert f"将由EMS免费寄送至：{PERSON.address}" in text
    assert "已交EMS" not in text and "邮件号" not in text.replace("可凭受理编号查询邮件号", "")

    desk.hand_over_item(users["mail"], 20, mail.id, WAYBILL)
    again = result_paper(printer.reprint_case(service, number, users["window"], 3, kinds=[NoticeKind.RESULT_READY]))
    text = pdf_text(again)
    assert f"已交EMS免费寄送至：{PERSON.address}，邮件号{WAYBILL}" in text and "将由EMS" not in text
