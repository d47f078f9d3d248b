"""Every notice says exactly what the case is, and lays out without stray pages.

容缺 acceptance: what is owed and by when, never 申请材料齐全; a bundle: each
item with its own case number, outcome and date; 15 materials, a 60-character
company name: the expected page counts, the last page never one stray row.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from clerk.printing import NoticeKind, render
from clerk.printing.cjkwrap import wrap
from clerk.printing.data import BundleItem, ManifestRow, ReceivedMaterial, ToleratedMaterial
from clerk.printing.fonts import choose_font
from clerk.printing.layout import PAPERS
from clerk.printing.samples import CST, sample
from tests.printing.conftest import HALL, pdf_pages, pdf_text

HEALTH = ToleratedMaterial("从业人员健康证明", "由县级以上医疗卫生机构出具。", date(2026, 12, 30))


def page_texts(pdf: bytes) -> list[str]:
    return ["".join(p.extract_text().split()) for p in pdf_pages(pdf)]


def materials(n: int) -> tuple[ReceivedMaterial, ...]:
    names = ["食品经营许可申请书", "营业执照", "法定代表人身份证明", "经营场所平面布局图及设备布局、工艺流程图",
             "食品安全管理制度文本", "食品安全管理人员健康证明", "经营场所使用证明（房产证或租赁合同）",
             "主要设备设施清单", "食品安全自查报告"]
    return tuple(ReceivedMaterial(f"{names[i % len(names)]}（第{i + 1}件）", "原件" if i % 2 else "复印件", 1)
                 for i in range(n))


@pytest.mark.parametrize("paper", ["a4", "a5", "roll"])
def test_a_tolerated_acceptance_states_what_is_owed_and_by_when(settings, paper):
    data = replace(sample(NoticeKind.PROMISED, HALL), tolerated=(HEALTH,))
    text = pdf_text(render(NoticeKind.PROMISED, data, paper, settings))
    assert "申请材料齐全" not in text and "符合法定形式" not in text
    assert "予以容缺受理" in text
    assert "尚有1项材料须于2026年12月30日前补交" in text
    assert "从业人员健康证明" in text and "2026年12月30日前" in text


def test_an_accepted_case_says_complete_only_when_the_verdict_does(settings):
    complete = pdf_text(render(NoticeKind.PROMISED, replace(sample(NoticeKind.PROMISED, HALL), complete=True),
                               "a4", settings))
    assert "申请材料齐全、符合法定形式" in complete
    incomplete = replace(sample(NoticeKind.PROMISED, HALL), complete=False)
    assert "申请材料齐全" not in pdf_text(render(NoticeKind.PROMISED, incomplete, "a4", settings))
    spot = replace(sample(NoticeKind.ON_THE_SPOT, HALL), complete=False)
    assert "申请材料齐全" not in pdf_text(render(NoticeKind.ON_THE_SPOT, spot, "roll", settings))


def test_an_incomplete_case_is_told_every_missing_material_and_never_complete(settings):
    data = sample(NoticeKind.ONE_TIME, HALL)
    text = pdf_text(render(NoticeKind.ONE_TIME, data, "a4", settings))
    assert "申请材料不齐全或者不符合法定形式" in text and "材料齐全、" not in text
    assert f"需补正的材料（共{len(data.missing)}项）" in text
    assert all(m.name in text for m in data.missing)
    assert "请于2026年12月25日（星期五）前补正" in text


BUNDLE = (
    BundleItem("SF20261218-0043", "营业执照（个体工商户设立登记）", "即办办结",
               done_at=datetime(2026, 12, 18, 10, 40, tzinfo=CST)),
    BundleItem("SF20261218-0044", "食品经营许可（新办）", "已受理", due_date=date(2027, 1, 8)),
    BundleItem("SF20261218-0045", "公共场所卫生许可", "待补正"),
    BundleItem("SF20261218-0046", "户外广告设施设置审批", "不予受理"),
    BundleItem("SF20261218-0047", "税务登记（新办纳税人套餐）", "即办办结",
               done_at=datetime(2026, 12, 18, 10, 45, tzinfo=CST)),
)


@pytest.mark.parametrize("paper", ["a4", "a5", "roll"])
def test_a_bundle_lists_each_item_with_its_number_outcome_and_date(settings, paper):
    data = replace(sample(NoticeKind.PROMISED, HALL), bundle_name="开餐馆一件事", items=BUNDLE,
                   item_names=tuple(i.name for i in BUNDLE), promised_days=15, due_provisional=False)
    pdf = render(NoticeKind.PROMISED, data, paper, settings)
    text = pdf_text(pdf)
    assert "一件事一次办，共5项事项" in text
    assert "承诺在15个工作日内办结" not in text and "申请材料齐全" not in text
    for item in BUNDLE:
        assert item.number in text and item.name in text
    rows = text[text.index("办理事项（共5项）"):]
    assert rows.index("SF20261218-0043") < rows.index("即办办结") < rows.index("2026年12月18日当场办结")
    assert "SF20261218-0044已受理2027年1月8日前办结" in rows
    assert "SF20261218-0045待补正补正后受理" in rows and "SF20261218-0046不予受理—" in rows
    assert len(pdf_pages(pdf)) == 1


@pytest.mark.parametrize("count, pages", [(9, 1), (10, 1), (15, 1), (22, 2)])
def test_materials_tables_never_leave_one_stray_row(settings, count, pages):
    data = replace(sample(NoticeKind.PROMISED, HALL), received=materials(count))
    pdf = render(NoticeKind.PROMISED, data, "a4", settings)
    texts = page_texts(pdf)
    assert len(texts) == pages
    last = texts[-1]
    on_last = [m.name for m in data.received if m.name in last]
    assert len(on_last) == count or len(on_last) >= 3  # the table's tail, never one row
    assert "行政审批受理专用章" in last  # the seal with the last rows
    for continued in texts[1:]:
        assert continued.startswith("序号材料名称形式份数")  # the table's header again


def test_the_a5_one_time_notice_keeps_its_deadline_with_the_seal(settings):
    pdf = render(NoticeKind.ONE_TIME, sample(NoticeKind.ONE_TIME, HALL), "a5", settings)
    texts = page_texts(pdf)
    assert len(texts) == 1
    assert "请于2026年12月25日（星期五）前补正" in texts[-1] and "行政审批受理专用章" in texts[-1]


NAME60 = "济南市示范区" + "味道" * 22 + "餐饮管理服务有限公司"


@pytest.mark.parametrize("paper, pages", [("a4", 1), ("a5", 1), ("roll", 1)])
def test_a_sixty_character_company_name_is_printed_whole(settings, paper, pages):
    assert len(NAME60) == 60
    data = replace(sample(NoticeKind.PROMISED, HALL), applicant_name=NAME60)
    pdf = render(NoticeKind.PROMISED, data, paper, settings)
    assert pdf_text(pdf).count(NAME60) == 2  # salutation and 申请人
    assert len(pdf_pages(pdf)) == pages


@pytest.mark.parametrize("paper", ["a4", "a5", "roll"])
def test_the_seal_text_fits_inside_its_ring(settings, paper):
    from tests.printing.pdfcheck import seal_geometry

    hall = replace(HALL, name="示范区政务服务中心")
    pdf = render(NoticeKind.PROMISED, replace(sample(NoticeKind.PROMISED, hall)), paper,
                 replace(settings, hall=hall))
    (cx, cy, r), lines = seal_geometry(pdf, [hall.name, f"（{hall.seal_caption}）", "2026年12月18日"])
    assert len(lines) == 3
    for x0, y0, x1, y1 in lines:
        for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
            assert ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 < r, (paper, (x0, y0, x1, y1), (cx, cy, r))


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_manifest_columns_fit_phone_numbers_and_case_numbers(settings, paper):
    base = sample(NoticeKind.MANIFEST, HALL)
    rows = tuple(replace(r, case_number=f"20261125-SF-000{i}", phone=phone)
                 for i, (r, phone) in enumerate(zip(base.rows, ("13812345678", "0531-88886666", "15966668888")), 1))
    pdf = render(NoticeKind.MANIFEST, replace(base, rows=rows), paper, settings)
    lines = [ln for p in pdf_pages(pdf) for ln in p.extract_text().splitlines()]
    tokens = {t for ln in lines for t in ln.split()}
    for expected in ("138****5678", "0531-****6666", "159****8888", "20261125-SF-0001", "20261125-SF-0003"):
        assert expected in tokens, (expected, lines)


@pytest.mark.parametrize("width_chars", range(8, 40))
def test_line_breaking_never_leaves_one_character_and_a_full_stop(width_chars):
    font = choose_font("").name
    size = PAPERS["roll"].body
    text = "您申请办理的“食品经营许可（注销）”，申请材料齐全，已于2026年12月18日 10:32当场办结。"
    lines = wrap(text, font, size, size * width_chars)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    last = lines[-1]
    assert len(lines) == 1 or len(last.rstrip("。，）”")) >= 2, lines
