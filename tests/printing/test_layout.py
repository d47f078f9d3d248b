"""Nothing leaves the paper: wrapping, pagination, long texts, barcode dots."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from clerk.printing import NoticeKind, render
from clerk.printing.cjkwrap import NO_START, text_width, wrap
from clerk.printing.code128 import geometry
from clerk.printing.data import ManifestRow, MissingMaterial, ReceivedMaterial
from clerk.printing.fonts import CID_FONT, choose_font
from clerk.printing.layout import PAPERS
from clerk.printing.samples import sample
from tests.printing.conftest import HALL, pdf_pages, pdf_text
from tests.printing.pdfcheck import assert_on_paper

LONG = "经营场所须为合法建筑，提供房屋产权证明或者租赁合同（租赁期限不少于一年），" * 40
LATIN = "https://zwfw.example.gov.cn/" + "A1B2C3" * 60


def long_notice():
    data = sample(NoticeKind.ONE_TIME, HALL)
    missing = tuple(MissingMaterial(f"补充材料第{i}项（{LATIN[:40]}）", LONG, "原件", 2) for i in range(12))
    missing += (MissingMaterial("网上材料", LATIN),)
    received = tuple(ReceivedMaterial(f"已收材料第{i}项：" + LONG[:90], "复印件", 1) for i in range(30))
    return replace(data, applicant_name="某某" * 60 + "有限公司", address=LATIN, missing=missing,
                   received=received, item_names=("食品经营许可（新办）" * 12,))


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_text_run_is_inside_the_media_box(settings, kind, paper):
    assert_on_paper(render(kind, sample(kind, HALL), paper, settings))


@pytest.mark.parametrize("paper", PAPERS)
def test_long_texts_wrap_and_paginate_without_loss(settings, paper):
    data = long_notice()
    pdf = render(NoticeKind.ONE_TIME, data, paper, settings)
    assert_on_paper(pdf)
    text = pdf_text(pdf)
    for m in data.missing:
        assert m.name in text
    assert text.count(LONG.split("，")[0]) >= 12 * 40
    assert LATIN in text  # a long unbroken Latin run is hard-broken, never dropped
    if paper != "roll":
        pages = pdf_pages(pdf)
        assert len(pages) > 3
        assert f"第{len(pages)}页共{len(pages)}页" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_long_manifest_stays_on_paper(settings, paper):
    rows = tuple(ManifestRow(f"11876543{i:05d}", f"SF20270106-{i:04d}", "收件人" * 8, "13812345678",
                             LONG[:200], "250014", "食品经营许可证") for i in range(40))
    data = replace(sample(NoticeKind.MANIFEST, HALL), rows=rows)
    pdf = render(NoticeKind.MANIFEST, data, paper, settings)
    assert_on_paper(pdf)
    assert "共40件" in pdf_text(pdf)


def test_roll_page_is_80mm_wide_and_as_long_as_the_content(settings):
    short = render(NoticeKind.REJECTION, sample(NoticeKind.REJECTION, HALL), "roll", settings)
    longer = render(NoticeKind.ONE_TIME, long_notice(), "roll", settings)
    (a,), (b,) = pdf_pages(short), pdf_pages(longer)
    assert round(float(a.mediabox.width) / 72 * 25.4) == 80
    assert float(b.mediabox.height) > 5 * float(a.mediabox.height)


@pytest.mark.parametrize("paper", PAPERS)
def test_barcode_bars_are_whole_printer_dots(paper):
    p = PAPERS[paper]
    dot = 72 / p.dpi
    geo = geometry("SF20261218-0042", p.content_width, p.dpi, p.max_dots)
    assert geo.width <= p.content_width
    for x, w in geo.bars:
        assert abs(x / dot - round(x / dot)) < 1e-6 and abs(w / dot - round(w / dot)) < 1e-6
        assert round(w / dot) % geo.dots_per_module == 0
    if paper == "roll":
        assert geo.dots_per_module >= 2  # readable on a 203 dpi head


def test_barcode_rects_in_the_roll_pdf_sit_on_the_203dpi_grid(settings):

    pdf = render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED, HALL), "roll", settings)
    content = pdf_pages(pdf)[0].get_contents().get_data().decode("latin-1")
    rects = [tuple(map(float, m)) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f", content)]
    assert len(rects) > 20
    dot = 72 / 203
    for x, _, w, _ in rects:
        assert abs(x / dot - round(x / dot)) < 0.03 and abs(w / dot - round(w / dot)) < 0.03


@hsettings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="受理编号材料，。（）：；、“”ABCxyz0123 -", max_size=120),
       width=st.floats(min_value=30, max_value=300))
def test_wrap_never_exceeds_width_and_loses_nothing(text, width):
    choose_font(CID_FONT)
    size = 10
    lines = wrap(text, CID_FONT, size, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert text_width(line, CID_FONT, size) <= width + 1e-6


CJK_CLAUSE = st.tuples(st.text(alphabet="受理编号材料齐全符合法定形式", min_size=2, max_size=6),
                       st.sampled_from("，。；：、）"))


@hsettings(max_examples=200, deadline=None)
@given(clauses=st.lists(CJK_CLAUSE, max_size=30), chars=st.integers(min_value=3, max_value=30))
def test_wrap_keeps_punctuation_rules_in_chinese_sentences(clauses, chars):
    choose_font(CID_FONT)
    size = 10
    text = "".join(a + b for a, b in clauses)
    lines = wrap(text, CID_FONT, size, chars * size + 0.5)
    assert "".join(lines) == text
    assert not any(line[0] in NO_START for line in lines[1:] if line)
    if len(lines) > 1 and chars >= 4:  # no widow such as 结。 alone on the last line
        assert len([ch for ch in lines[-1] if ch not in NO_START]) >= 2 or len(lines[-1]) > 3, lines


def test_wrap_keeps_punctuation_off_the_line_start():
    choose_font(CID_FONT)
    size = 10
    text = "申请材料齐全，符合法定形式。"
    width = text_width("申请材料齐全", CID_FONT, size) + 1
    lines = wrap(text, CID_FONT, size, width)
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert "".join(lines) == text
