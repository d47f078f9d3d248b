"""The papers of 告知承诺制 (#28): the 告知承诺书 the applicant signs at the window, and the
撤销决定书 when a commitment is found false.  What they say is read back from the PDFs;
fonts, barcodes and the media box are checked on every paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from clerk.cli import main
from clerk.printing import NoticeKind, PledgeLine, PrintError, render
from clerk.printing.samples import sample
from tests.printing.conftest import HALL, barcodes, pdf_pages, pdf_text
from tests.printing.pdfcheck import assert_on_paper, box_glyphs, fonts_table, needs_poppler, poppler_text

PAPERS = ("a4", "a5", "roll")
STANDARD_WORDING = ("本人（单位）已知晓行政机关告知的全部内容，所填写的信息真实、准确，符合告知的条件、标准和要求，"
                    "愿意承担不实承诺的法律责任")


def flat(text: str) -> str:
    return "".join(text.split())


def paper(kind: NoticeKind, settings, paper_key: str = "a4", **changes):
    data = replace(sample(kind, HALL), **changes)
    return data, render(kind, data, paper_key, settings)


# --- 告知承诺书 -------------------------------------------------------------------


@pytest.mark.parametrize("paper_key", PAPERS)
def test_pledge_tells_each_commitment_what_it_replaces_and_how_and_when_it_is_verified(settings, paper_key):
    data, pdf = paper(NoticeKind.PLEDGE, settings, paper_key)
    text = pdf_text(pdf)
    assert text.count("告知承诺书") == 2 + 2  # each copy's title and its 一式两份 note
    assert "第一联申请人留存" in text and "第二联审批部门存档" in text
    assert "承诺事项（共2项）" in text
    for line in data.pledges:
        assert text.count(flat(line.name)) >= 2, line.name  # both copies
        assert f"法定要求：{flat(line.basis)}" in text
        assert f"以承诺代替：{line.replaces}" in text
    first, second = data.pledges
    assert "核查：数据核查（全部核查），2027年1月18日前完成" in text
    assert "核查：现场核查（按比例随机抽查），2027年1月29日前完成（暂定，按法定节日从宽推算）" in text
    assert text.count(STANDARD_WORDING) == 2
    assert "依法撤销准予许可决定" in text and "信用记录（失信）" in text and "依法追究法律责任" in text
    assert text.count("承诺人（签字/盖章）") == 2 and text.count("受理人（签字）：王芳") == 2
    assert data.department in text and HALL.name in text and "受理时间：2026年12月18日10:32" in text
    assert f"申请人{data.applicant_name}（信用代码9137**********7H2N）申请办理“食品经营许可（新办）”" in text
    assert "138****5678" in text
    assert data.applicant_id not in text and data.phone not in text
    if paper_key == "roll":
        assert "沿此线撕开" in text
    else:
        assert len(pdf_pages(pdf)) == 2  # one page per copy
        assert barcodes(pdf, page=1) == [data.case_number]  # the archived copy is found by its barcode too


def test_pledge_for_a_person_names_the_id_card_masked(settings):
    data, pdf = paper(NoticeKind.PLEDGE, settings, applicant_kind="个人", applicant_name="张三",
                      applicant_id="370102199001011234", contact_name="")
    text = pdf_text(pdf)
    assert "申请人张三（身份证号3701**********1234）" in text
    assert "370102199001011234" not in text and "经办人" not in text


def test_pledge_without_a_basis_leaves_the_line_out(settings):
    line = replace(sample(NoticeKind.PLEDGE, HALL).pledges[0], basis="")
    _, pdf = paper(NoticeKind.PLEDGE, settings, pledges=(line,))
    text = pdf_text(pdf)
    assert "法定要求" not in text and "承诺事项（共1项）" in text and "以承诺代替：房屋产权证明或租赁合同" in text


def test_a_sampled_pledge_never_says_whether_this_case_was_picked(settings):
    lines = sample(NoticeKind.PLEDGE, HALL).pledges
    picked = render(NoticeKind.PLEDGE, replace(sample(NoticeKind.PLEDGE, HALL),
                                               pledges=tuple(replace(ln, sampled=True) for ln in lines)), "a4", settings)
    spared = render(NoticeKind.PLEDGE, replace(sample(NoticeKind.PLEDGE, HALL),
                                               pledges=tuple(replace(ln, sampled=False) for ln in lines)), "a4", settings)
    assert picked == spared  # the same bytes: nothing on the paper tells them apart
    assert pdf_text(picked).count("按比例随机抽查") == 2 * len(lines)


def test_a_pledge_paper_with_nothing_committed_is_refused(settings):
    with pytest.raises(PrintError, match="没有承诺事项"):
        paper(NoticeKind.PLEDGE, settings, pledges=())


# --- 撤销决定书 -------------------------------------------------------------------


@pytest.mark.parametrize("paper_key", PAPERS)
def test_revocation_states_the_finding_the_basis_the_decision_and_the_remedy(settings, paper_key):
    data, pdf = paper(NoticeKind.REVOCATION, settings, paper_key)
    text = pdf_text(pdf)
    assert "撤销决定书" in text and "示市监撤字〔2027〕第1号" in text
    assert f"{data.applicant_name}：" in text and "9137**********7H2N" in text and "138****5678" in text
    assert data.applicant_id not in text and data.phone not in text
    assert ("您于2026年12月18日10:32申请办理的“食品经营许可（新办）”以告知承诺方式办理，示范区市场监督管理局"
            "于2026年12月18日作出准予许可决定（JY13701000012345），核发食品经营许可证。") in text
    assert f"经事后核查，您作出的承诺与实际情况不符（承诺不实）：{flat(data.reason)}" in text
    assert "不实的承诺：经营场所合法使用证明（以承诺代替：房屋产权证明或租赁合同；核查方式：数据核查）" in text
    assert "依据《中华人民共和国行政许可法》第六十九条第二款" in text
    assert "示范区市场监督管理局决定撤销上述准予许可决定，食品经营许可证随之失效。" in text
    assert "您作出不实承诺的行为已记入信用记录（失信）" in text
    assert "可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼" in text
    for field in ("受理编号：SF20261218-0042", "原许可决定：JY137010000123452026年12月18日", "许可证件：食品经营许可证",
                  "撤销日期：2027年1月15日", "决定书文号：示市监撤字〔2027〕第1号"):
        assert field in text, field
    assert text.endswith("2027年1月15日") or "（行政审批受理专用章）2027年1月15日" in text


def test_revocation_is_dated_on_its_decision_not_on_the_application(settings):
    _, pdf = paper(NoticeKind.REVOCATION, settings, issued_at=None, decided_on=date(2027, 2, 3))
    text = pdf_text(pdf)
    assert "（行政审批受理专用章）2027年2月3日" in text and "撤销日期：2027年2月3日" in text


def test_revocation_says_dishonesty_is_recorded_only_when_it_was(settings):
    _, pdf = paper(NoticeKind.REVOCATION, settings, credit_recorded=False)
    text = pdf_text(pdf)
    assert "失信" not in text and "信用记录" not in text
    assert "决定撤销上述准予许可决定" in text


def test_revocation_without_a_named_basis_cites_the_licensing_law(settings):
    _, pdf = paper(NoticeKind.REVOCATION, settings, legal_basis="", approval_number="", approved_on=None,
                   result_name="", pledges=())
    text = pdf_text(pdf)
    assert "《中华人民共和国行政许可法》第六十九条第二款（被许可人以欺骗、贿赂等不正当手段取得行政许可的，应当予以撤销）" in text
    assert "示范区市场监督管理局已作出准予许可决定。" in text  # no date, number or licence invented
    assert "原许可决定" not in text and "许可证件" not in text and "不实的承诺" not in text


# --- both papers: fonts, barcode, hostile text ---------------------------------------

KINDS = (NoticeKind.PLEDGE, NoticeKind.REVOCATION)
HOSTILE = (
    "[/]",
    "[bold red]未闭合的标记[/",
    "\\n\\x1b[31m%s{0}(未闭合的括号\\",
    "<b>&amp;</b>",
    "长" * 200,
    "X" * 200,
)


@needs_poppler
@pytest.mark.parametrize("paper_key", PAPERS)
@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_fonts_are_embedded_and_the_barcode_decodes(settings, tmp_path, kind, paper_key):
    data, pdf = paper(kind, settings, paper_key)
    path = tmp_path / f"{kind.value}.pdf"
    path.write_bytes(pdf)
    fonts = fonts_table(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), [f["line"] for f in fonts]
    assert box_glyphs(pdf) == []
    assert kind.title in poppler_text(path)
    copies = 2 if kind is NoticeKind.PLEDGE and paper_key == "roll" else 1
    assert barcodes(pdf) == [data.case_number] * copies


@pytest.mark.parametrize("paper_key", PAPERS)
def test_hostile_text_in_a_pledge_wraps_stays_on_paper_and_is_printed_whole(settings, paper_key):
    lines = tuple(PledgeLine(bad, bad, bad, bad, date(2027, 1, 18)) for bad in HOSTILE)
    data, pdf = paper(NoticeKind.PLEDGE, settings, paper_key, pledges=lines, applicant_name=HOSTILE[2],
                      item_names=(HOSTILE[4],))
    assert_on_paper(pdf)
    text = pdf_text(pdf)
    for bad in HOSTILE:
        assert text.count(flat(bad)) >= 2 * 4, bad  # name, basis, replaces, method, on both copies
    assert f"承诺事项（共{len(HOSTILE)}项）" in text
    assert barcodes(pdf) == [data.case_number] * (2 if paper_key == "roll" else 1)


@pytest.mark.parametrize("paper_key", PAPERS)
def test_hostile_text_in_a_revocation_wraps_stays_on_paper_and_is_printed_whole(settings, paper_key):
    reason = "".join(HOSTILE) + "\n第二行"
    lines = tuple(PledgeLine(bad, bad, "", bad, date(2027, 1, 18)) for bad in HOSTILE)
    _, pdf = paper(NoticeKind.REVOCATION, settings, paper_key, reason=reason, legal_basis=HOSTILE[1],
                   decision_number=HOSTILE[0] + "撤字〔2027〕第1号", result_name=HOSTILE[3], pledges=lines)
    assert_on_paper(pdf)
    text = pdf_text(pdf)
    assert flat(reason) in text and flat(HOSTILE[1]) in text and "[/]撤字〔2027〕第1号" in text
    for bad in HOSTILE:
        assert f"不实的承诺：{flat(bad)}（以承诺代替：{flat(bad)}；核查方式：{flat(bad)}）" in text, bad


def test_a_control_character_is_refused_with_a_reason_never_printed_as_a_box(settings):
    with pytest.raises(PrintError, match="U\\+001B"):
        paper(NoticeKind.REVOCATION, settings, reason="\x1b[31m红字\x1b[0m")


# --- the test page -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_clerk_print_sample_makes_a_test_page_of_both(tmp_path, monkeypatch, capsys, kind):
    for var in ("CLERK_FONT", "CLERK_PRINTER", "CLERK_PRINT_COMMAND", "CLERK_PAPER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLERK_CONFIG", "/dev/null")
    out = tmp_path / f"{kind.value}.pdf"
    assert main(["print", "--sample", kind.value, "--format", "a4", "-o", str(out)]) == 0
    assert f"已生成{kind.title}测试页" in capsys.readouterr().out
    assert barcodes(Path(out).read_bytes()) == ["SF20261218-0042"]
