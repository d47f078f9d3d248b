"""What the applicant reads on each document, and that it stays on the paper."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.printing import NoticeKind, PrintError, render
from clerk.printing.samples import sample
from tests.printing.conftest import HALL, barcodes, pdf_pages, pdf_text

PAPERS = ("a4", "a5", "roll")
CASE_KINDS = [k for k in NoticeKind if k is not NoticeKind.MANIFEST]


def doc(kind, settings, paper="a4", **changes) -> tuple[object, bytes]:
    data = replace(sample(kind, HALL), **changes)
    return data, render(kind, data, paper, settings)


@pytest.mark.parametrize("paper", PAPERS)
def test_promised_notice_says_number_dates_and_provisional_year(settings, paper):
    data, pdf = doc(NoticeKind.PROMISED, settings, paper)
    text = pdf_text(pdf)
    for expected in (
        "承诺件通知书", HALL.name, data.case_number, "食品经营许可（新办）",
        "收件时间：2026年12月18日10:32", "15个工作日", "办结时间：2027年1月8日（星期五）前（暂定）",
        "待国务院公布2027年度节假日安排后以实际为准", "营业执照", "复印件",
        "EMS免费邮寄至：山东省济南市示范区和平路88号2单元301室",
        "7号窗口", "王芳", "0531-66661111", "12345", "行政审批受理专用章", "2026年12月18日",
    ):
        assert expected in text, expected


def test_received_time_is_rendered_in_the_configured_timezone(settings):
    _, pdf = doc(NoticeKind.PROMISED, replace(settings, timezone="UTC"))
    assert "收件时间：2026年12月18日02:32" in pdf_text(pdf)


def test_without_provisional_flag_no_provisional_wording(settings):
    _, pdf = doc(NoticeKind.PROMISED, settings, due_provisional=False)
    text = pdf_text(pdf)
    assert "办结时间：2027年1月8日（星期五）前" in text
    assert "暂定" not in text and "国务院" not in text


def test_identity_and_phone_are_masked_everywhere(settings):
    for kind in NoticeKind:
        data = sample(kind, HALL)
        text = pdf_text(render(kind, data, "a4", settings))
        assert "13812345678" not in text
        if kind is not NoticeKind.MANIFEST:
            assert data.applicant_id not in text
    text = pdf_text(render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED, HALL), "a4", settings))
    assert "9137**********2N" in text or "9137**********" in text
    assert "138****5678" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_one_time_notice_lists_every_missing_material_with_requirement(settings, paper):
    data, pdf = doc(NoticeKind.ONE_TIME, settings, paper)
    text = pdf_text(pdf)
    assert "一次性告知书" in text and "补正材料通知书" in text
    assert f"需补正的材料（共{len(data.missing)}项）" in text
    for m in data.missing:
        assert m.name in text
        assert "".join(m.requirement.split()) in text
    for channel in ("网上补正", "EMS免费上门收件", "邮费由政府承担", "窗口递交"):
        assert channel in text
    assert "请于2026年12月25日（星期五）前补正" in text
    assert HALL.fallback_desk_phone in text


def test_on_the_spot_receipt(settings):
    _, pdf = doc(NoticeKind.ON_THE_SPOT, settings)
    text = pdf_text(pdf)
    assert "即办件办结回执" in text and "当场办结" in text and "注销通知书" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_commitment_has_two_copies_to_sign(settings, paper):
    data, pdf = doc(NoticeKind.COMMITMENT, settings, paper)
    text = pdf_text(pdf)
    assert text.count("容缺受理承诺书") == 2
    assert "第一联申请人留存" in text and "第二联受理窗口存档" in text
    assert text.count("承诺人（签名/盖章）") == 2
    assert "食品安全管理人员健康证明（2027年1月8日前补交）" in text
    assert "逾期未补齐的，同意终止办理本次申请" in text
    if paper != "roll":
        assert len(pdf_pages(pdf)) == 2
    else:
        assert "沿此线撕开" in text


def test_rejection_states_reason_and_remedy(settings):
    data, pdf = doc(NoticeKind.REJECTION, settings)
    text = pdf_text(pdf)
    assert "不予受理通知书" in text
    assert "".join(data.reason.split()) in text
    assert "行政复议" in text and "行政诉讼" in text


def test_result_notices(settings):
    text = pdf_text(doc(NoticeKind.RESULT_READY, settings)[1])
    assert "办结通知书" in text and "食品经营许可证" in text and "1187654321012" in text
    data, pdf = doc(NoticeKind.RESULT_CORRECTION, settings)
    text = pdf_text(pdf)
    assert "补正材料通知书" in text and data.missing[0].name in text and "2027年1月15日" in text
    data, pdf = doc(NoticeKind.RESULT_REFUSED, settings)
    text = pdf_text(pdf)
    assert "不予许可通知书" in text and "不足25米" in text and data.decision_number in text


@pytest.mark.parametrize("paper", PAPERS)
def test_manifest_has_one_row_per_mailing(settings, paper):
    data = sample(NoticeKind.MANIFEST, HALL)
    text = pdf_text(render(NoticeKind.MANIFEST, data, paper, settings))
    assert "EMS交寄清单" in text and "2027年1月6日" in text
    for row in data.rows:
        assert row.waybill in text and row.case_number in text and row.recipient in text
    assert f"共{len(data.rows)}件" in text
    assert "EMS揽收人（签名）" in text


def test_reprint_is_marked_on_the_paper(settings):
    from datetime import datetime, timezone

    moment = datetime(2027, 1, 4, 1, 5, tzinfo=timezone.utc)
    _, pdf = doc(NoticeKind.PROMISED, settings, reprint=True, reprinted_at=moment)
    text = pdf_text(pdf)
    assert "【补打】" in text and "补打2027-01-0409:05" in text
    assert "补打" not in pdf_text(doc(NoticeKind.PROMISED, settings)[1])


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("kind", CASE_KINDS)
def test_barcode_decodes_to_the_case_number(settings, kind, paper):
    data, pdf = doc(kind, settings, paper)
    two_copies = kind in (NoticeKind.COMMITMENT, NoticeKind.PLEDGE)
    copies = 2 if two_copies and paper == "roll" else 1  # both copies on one strip
    assert barcodes(pdf) == [data.case_number] * copies


def test_barcode_decodes_on_the_second_copy_too(settings):
    data, pdf = doc(NoticeKind.COMMITMENT, settings, "a4")
    assert barcodes(pdf, page=1) == [data.case_number]


def test_case_number_that_code128_cannot_carry_is_refused(settings):
    with pytest.raises(PrintError, match="条码无法表示"):
        doc(NoticeKind.PROMISED, settings, case_number="SF受理0042")


def test_unknown_paper_and_kind_are_refused(settings):
    data = sample(NoticeKind.PROMISED, HALL)
    with pytest.raises(PrintError, match="不支持的纸张"):
        render(NoticeKind.PROMISED, data, "letter", settings)
    with pytest.raises(PrintError, match="未知的通知书类型"):
        render("licence", data, "a4", settings)
    with pytest.raises(PrintError, match="数据类型不符"):
        render(NoticeKind.MANIFEST, data, "a4", settings)


def test_rendering_is_deterministic(settings):
    assert doc(NoticeKind.ONE_TIME, settings)[1] == doc(NoticeKind.ONE_TIME, settings)[1]
