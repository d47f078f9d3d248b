"""Rare characters in names (生僻字, #30 item 4): the shipped font chain prints the whole
通用规范汉字表 and reported characters such as 𠀀 (U+20000, CJK Extension B) with no system
font; the text extracts back (reportlab's ToUnicode map for supplementary-plane characters is
corrected); every font is embedded; a character no font has is refused naming it, and the
intake rule says so before anything is saved.  fonts-hanazono, when installed, prints the rest
of Extensions A–F (those tests skip without it)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft
from clerk.printing import NoticeKind, PrintError, render
from clerk.printing.coverage import (
    SHIPPED_FILES,
    cmap_codes,
    face_of,
    font_chain,
    intake_refusals,
    system_faces,
    table_chars,
    unprintable,
)
from clerk.printing.fonts import outline_format, shipped_font_path
from clerk.printing.samples import sample
from tests.printing.conftest import HALL
from tests.printing.pdfcheck import box_glyphs, fonts_table, needs_poppler, poppler_text

EXT_B = "\U00020000"  # 𠀀, the 李𠀀
EXT_A = "\u4dae"  # 䶮 (刘䶮), CJK Extension A, in the 通用规范汉字表
TABLE_EXT = "\U0002C317"  # 𬌗, CJK Extension E, in the 通用规范汉字表
NO_FONT = "\U00030000"  # CJK Extension G: no font of the chain has it (fonts-hanazono neither)
SYSTEM_ONLY = "\U00020001"  # 𠀁: Extension B, outside the table: fonts-hanazono only
needs_hanazono = pytest.mark.skipif(not system_faces(), reason="tests the optional system package fonts-hanazono "
                                                                "(apt-get install fonts-hanazono); not installed")


def _notice(settings, name: str) -> bytes:
    data = replace(sample(NoticeKind.PROMISED, HALL), applicant_name=name)
    return render(NoticeKind.PROMISED, data, "a4", settings)


@needs_poppler
def test_a_name_with_extension_b_and_a_prints_from_the_shipped_fonts_and_extracts_back(settings, tmp_path):
    name = f"李{EXT_B}{EXT_A}{TABLE_EXT}"
    pdf = _notice(settings, name)
    path = tmp_path / "rare.pdf"
    path.write_bytes(pdf)
    assert name in poppler_text(path)  # pdftotext: U+20000 back, not U+2000 and a "0"
    fonts = fonts_table(path)
    assert fonts and all(row["emb"] == "yes" for row in fonts), [row["line"] for row in fonts]
    names = {row["name"].split("+", 1)[1] for row in fonts}
    assert {"ClerkNoticeSong", "ClerkNoticeRare"} <= names  # the rare subset, embedded too
    assert not any("Hana" in n for n in names)  # no system font needed for these
    assert box_glyphs(pdf) == []  # every drawn character has a real outline, none is a box


def test_a_character_no_font_has_is_refused_naming_it(settings):
    with pytest.raises(PrintError, match=r"“\U00030000”（U\+30000）.*无法打印，以免印成方框"):
        _notice(settings, f"李{NO_FONT}")


def test_the_intake_rule_names_every_printed_field_that_cannot_be_printed():
    draft = IntakeDraft("X", Applicant(ApplicantKind.PERSON, f"李{EXT_B}", "11010519491231002X", "13812345678",
                                       f"泉城路{NO_FONT}号"), Delivery.EMS, child_name=f"李{NO_FONT}{NO_FONT}")
    reasons = intake_refusals(draft, reason="")
    assert [r.split("中的")[0] for r in reasons] == ["邮寄地址", "新生儿姓名"]
    assert all(f"“{NO_FONT}”（U+30000）本机字体无法打印" in r for r in reasons)
    assert intake_refusals(replace(draft, applicant=replace(draft.applicant, address="泉城路1号"),
                                   child_name="李䶮"), reason="") == []
    assert unprintable(f" 李{NO_FONT} {NO_FONT}") == NO_FONT  # each once; spaces need no glyph
    assert intake_refusals(draft, reason=f"材料{NO_FONT}", font_path="STSong-Light") == []  # not embedded: unchecked


def test_the_shipped_fonts_cover_the_whole_table_with_real_outlines():
    from fontTools.ttLib import TTFont

    table = table_chars()
    assert len(table) == 8105 and len(set(table)) == 8105
    assert "" == "".join(ch for ch in table + EXT_B if face_of(ch) is None
                         or face_of(ch).role.startswith("系统字体"))  # type: ignore[union-attr]
    folder = shipped_font_path().parent
    for name in SHIPPED_FILES[1:]:
        path = folder / name
        assert outline_format(path) == "truetype"
        font = TTFont(str(path))
        glyf = font["glyf"]
        empty = [chr(c) for c, g in font.getBestCmap().items() if glyf[g].numberOfContours == 0]
        assert empty == [], f"{name}: characters that would print as nothing: {''.join(empty)}"
    sizes = {name: (folder / name).stat().st_size for name in SHIPPED_FILES[1:]}
    assert sum(sizes.values()) < 1_200_000, sizes  # ~1.0 MB beside the 4.8 MB main font
    assert "ARPHIC PUBLIC LICENSE" in (folder / "ARPHICPL.TXT").read_text(encoding="utf-8")
    assert "Hanazono Font License" in (folder / "HANAZONO-LICENSE.txt").read_text(encoding="utf-8")


def test_the_coverage_reader_agrees_with_reportlab():
    from reportlab.pdfbase.ttfonts import TTFont

    for face in font_chain(""):
        ours = cmap_codes(str(face.path), face.index)
        theirs = {c for c in TTFont("probe", str(face.path)).face.charToGlyph if not chr(c).isspace()}
        theirs.discard(0xFFFF)
        assert {c for c in ours if not chr(c).isspace()} == theirs, face.path.name


@needs_hanazono
@needs_poppler
def test_fonts_hanazono_prints_what_the_shipped_fonts_lack(settings, tmp_path):
    assert face_of(SYSTEM_ONLY) is not None and face_of(SYSTEM_ONLY).path.name == "HanaMinB.ttf"  # type: ignore[union-attr]
    path = tmp_path / "system.pdf"
    path.write_bytes(pdf := _notice(settings, f"李{SYSTEM_ONLY}{EXT_B}"))
    assert f"李{SYSTEM_ONLY}{EXT_B}" in poppler_text(path)
    rows = fonts_table(path)
    assert any(row["name"].endswith("+HanaMinB") for row in rows) and all(row["emb"] == "yes" for row in rows)
    assert box_glyphs(pdf) == []


def test_without_fonts_hanazono_a_character_only_it_has_is_refused(settings):
    if system_faces():
        pytest.skip("fonts-hanazono is installed here: the character prints (the test above)")
    with pytest.raises(PrintError, match="fonts-hanazono"):
        _notice(settings, f"李{SYSTEM_ONLY}")
    assert unprintable(SYSTEM_ONLY) == SYSTEM_ONLY
