"""Choosing the Chinese font: the shipped font, a fallback per character, the CID font on request,
and refusing unusable fonts and missing glyphs."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest

from clerk.printing import NoticeKind, PrintError, render
from clerk.printing.fonts import (
    CID_FONT,
    PROBE,
    choose_font,
    outline_format,
    shipped_font_path,
)
from clerk.printing.samples import sample
from tests.printing.conftest import HALL, pdf_text

VERA = Path(__import__("reportlab").__file__).parent / "fonts" / "Vera.ttf"  # Latin only


def sfnt(tag: bytes, tables: list[bytes]) -> bytes:
    head = tag + struct.pack(">HHHH", len(tables), 0, 0, 0)
    return head + b"".join(t + b"\0" * 12 for t in tables)


@pytest.mark.parametrize("spec", ["STSong-Light", "cid", "CID"])
def test_builtin_cid_font_on_request(spec):
    font = choose_font(spec)
    assert font.name == CID_FONT and not font.embedded


def test_the_default_is_the_shipped_font_embedded():
    font = choose_font("")
    assert font.embedded and Path(font.source) == shipped_font_path()
    assert "随程序发布，嵌入PDF" in font.describe()


# U+9FFF (Unicode 14): in no font of the chain — not the shipped fonts, not fonts-hanazono
# (䶮, used here before, is now in the shipped rare-name font: tests/printing/test_rare_characters.py)
RARE = "\u9fff"


@pytest.fixture(scope="module")
def rare_font(tmp_path_factory) -> Path:
    """A small TrueType 'system font' that has U+9FFF (drawn with another glyph's outline)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(shipped_font_path()))
    options = subset.Options()
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(text=PROBE + "龙")
    sub.subset(font)
    glyph = font.getBestCmap()[ord("龙")]
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[ord(RARE)] = glyph
    font["name"].removeNames(nameID=6)
    font["name"].setName("ClerkTestRare", 6, 3, 1, 0x409)  # its own PostScript name, as a system font has
    path = tmp_path_factory.mktemp("fonts") / "rare.ttf"
    font.save(str(path))
    return path


def test_a_character_no_font_has_is_refused_naming_it(settings):
    data = replace(sample(NoticeKind.PROMISED, HALL), applicant_name=f"王{RARE}")
    with pytest.raises(PrintError, match=f"“{RARE}”（U\\+9FFF）"):
        render(NoticeKind.PROMISED, data, "a4", replace(settings, font_path=""))


def test_a_character_outside_the_subset_falls_back_to_the_configured_font(settings, rare_font):
    data = replace(sample(NoticeKind.PROMISED, HALL), applicant_name=f"王{RARE}")
    font = choose_font(str(rare_font))
    assert font.fallback_source == str(rare_font) and "缺字时使用系统字体" in font.describe()
    pdf = render(NoticeKind.PROMISED, data, "a4", replace(settings, font_path=str(rare_font)))
    assert f"王{RARE}" in pdf_text(pdf)
    assert pdf.count(b"/FontFile2") >= 2  # the shipped subset and the fallback's, both embedded


def test_missing_configured_font_is_an_error(tmp_path):
    with pytest.raises(PrintError, match="找不到配置的字体文件"):
        choose_font(str(tmp_path / "nope.ttf"))


@pytest.mark.parametrize("content", [
    sfnt(b"OTTO", [b"CFF ", b"cmap"]),  # .otf with PostScript outlines
    sfnt(b"\x00\x01\x00\x00", [b"CFF ", b"cmap"]),
    b"ttcf\x00\x01\x00\x00" + struct.pack(">II", 1, 16) + sfnt(b"OTTO", [b"CFF "]),  # Noto CJK .ttc
])
def test_cff_fonts_are_refused_with_a_clear_reason(tmp_path, content):
    path = tmp_path / "font.otf"
    path.write_bytes(content)
    assert outline_format(path) == "cff"
    with pytest.raises(PrintError, match="CFF.*TrueType"):
        choose_font(str(path))


def test_not_a_font_is_refused(tmp_path):
    path = tmp_path / "font.ttf"
    path.write_bytes(b"this is not a font")
    with pytest.raises(PrintError, match="不是可用的"):
        choose_font(str(path))


def test_truetype_font_without_chinese_glyphs_is_refused(settings):
    assert outline_format(VERA) == "truetype"
    with pytest.raises(PrintError, match="缺少常用字符"):
        choose_font(str(VERA))
    with pytest.raises(PrintError, match="缺少常用字符"):
        render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED, HALL), "a4", replace(settings, font_path=str(VERA)))


def test_bad_face_index_is_refused():
    with pytest.raises(PrintError, match="字体序号无效"):
        choose_font(f"{VERA}#x")


def test_the_typing_check_uses_the_same_chain_as_printing(rare_font, tmp_path):
    from clerk.printing.coverage import font_chain, unprintable

    assert unprintable(f"王{RARE}") == RARE  # no font of the default chain has it
    assert unprintable(f"王{RARE}", str(rare_font)) == ""  # the configured font has it: it prints
    assert [f.role for f in font_chain(str(rare_font))][3] == "配置的字体"  # after the shipped fonts
    cff = tmp_path / "cjk.otf"  # the same font, its outlines tagged CFF: a valid cmap holding RARE
    data = rare_font.read_bytes()
    cff.write_bytes(data[:400].replace(b"glyf", b"CFF ", 1) + data[400:])
    assert outline_format(cff) == "cff"
    assert all(f.path != cff for f in font_chain(str(cff)))  # cannot be embedded: prints nothing
    assert unprintable(RARE, str(cff)) == RARE
