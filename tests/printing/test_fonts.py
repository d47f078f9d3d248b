"""Choosing the Chinese font: CID fallback, embedding, and refusing unusable fonts."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest

from clerk.printing import NoticeKind, PrintError, render
from clerk.printing.fonts import CID_FONT, SYSTEM_CANDIDATES, choose_font, outline_format
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


def test_no_font_found_falls_back_to_cid_with_a_warning():
    font = choose_font("", candidates=("/nonexistent/a.ttc", str(VERA)))
    assert font.name == CID_FONT and not font.embedded
    assert "未嵌入" in font.note


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


HOST_CJK = [p for p in SYSTEM_CANDIDATES if Path(p).is_file()]


@pytest.mark.skipif(not HOST_CJK, reason="no TrueType CJK font on this host (optional check)")
def test_embedded_host_font_is_subset_and_text_extracts(settings):
    font = choose_font(HOST_CJK[0])
    assert font.embedded
    data = sample(NoticeKind.ONE_TIME, HALL)
    pdf = render(NoticeKind.ONE_TIME, data, "a4", replace(settings, font_path=HOST_CJK[0]))
    assert b"/FontFile2" in pdf
    text = pdf_text(pdf)
    assert data.case_number in text and data.missing[0].name in text
