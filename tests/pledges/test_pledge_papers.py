"""The papers of a case taken on 告知承诺, printed from the stored case (issue 28)."""

from __future__ import annotations

import pytest

from clerk.config import Settings
from clerk.domain.intake import Outcome
from clerk.domain.views import Decision
from clerk.integration.printing import notice_data_from_case
from clerk.printing import NoticeKind, render
from clerk.services.desk import DeskService
from clerk.services.verification import VerificationDesk
from tests.pledges.test_pledge_cases import pledged_draft, pledging, users  # noqa: F401 - fixtures
from tests.printing.conftest import HALL, barcodes, pdf_text

SETTINGS = Settings.defaults(font_path="", hall=HALL, timezone="Asia/Shanghai")


def flat(text: str) -> str:
    return "".join(text.split())


def test_the_pledge_says_what_was_signed_with_the_case_barcode(pledging, users):  # noqa: F811
    view = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    pdf = render(NoticeKind.PLEDGE, notice_data_from_case(view, SETTINGS), "a4", SETTINGS)
    text = flat(pdf_text(pdf))
    for part in ("告知承诺书", view.number, "卫生管理制度", "卫生管理制度文本", "数据核查", "2026年12月23日",
                 "公共场所经营者应当建立卫生管理制度", "1101**********002X"):
        assert part in text, part
    assert "11010519491231002X" not in text  # the ID masked
    assert barcodes(pdf)[0] == view.number


@pytest.mark.parametrize("approve", [True, False])
def test_the_revocation_names_the_finding_and_what_it_revokes(pledging, users, approve):  # noqa: F811
    view = pledging.submit(users["window"], 3, pledged_draft(), Outcome.ACCEPT)
    if approve:
        DeskService(pledging).record_decision(users["office"], 30, view.number, Decision.APPROVED)
    desk = VerificationDesk(pledging)
    (task,) = desk.due(users["office"])
    revoked = desk.record(users["office2"], 31, task.id, "不实", "比对发现未建立卫生管理制度")
    data = notice_data_from_case(revoked, SETTINGS, catalog=pledging.catalog)
    assert data.credit_recorded and data.approved is approve
    pdf = render(NoticeKind.REVOCATION, data, "a4", SETTINGS)
    text = flat(pdf_text(pdf))
    assert "撤销决定书" in text and "比对发现未建立卫生管理制度" in text and "不实的承诺：卫生管理制度" in text
    assert "记入信用记录（失信）" in text
    if approve:
        assert "决定撤销上述准予许可决定，公共场所卫生许可证随之失效" in text
    else:
        assert "决定撤销对上述申请的受理" in text and "准予许可决定" not in text
    assert barcodes(pdf)[0] == view.number
