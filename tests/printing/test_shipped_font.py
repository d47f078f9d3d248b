"""The shipped font: every notice, on every paper, prints on a host without any
Chinese font — embedded, no empty boxes, barcodes readable at printer resolutions.

These checks do not depend on the host's fonts: the notices use only the font
shipped in data/fonts (the conftest ``settings`` pin nothing else).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from clerk.config import PROJECT_ROOT
from clerk.printing import NoticeKind, render
from clerk.printing.fonts import choose_font, outline_format, shipped_font_path
from clerk.printing.layout import PAPERS
from clerk.printing.samples import sample
from tests.printing.conftest import HALL
from tests.printing.pdfcheck import box_glyphs, fonts_table, needs_poppler, poppler_text, rasterise

KINDS = list(NoticeKind)


def test_the_shipped_font_is_a_small_truetype_subset_with_its_licence():
    path = shipped_font_path()
    assert path.is_file() and outline_format(path) == "truetype"
    assert path.stat().st_size < 6_000_000
    assert "ARPHIC PUBLIC LICENSE" in (path.parent / "ARPHICPL.TXT").read_text(encoding="utf-8")


def test_the_shipped_font_covers_gb2312_the_catalog_the_settings_and_the_templates():
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(shipped_font_path())).getBestCmap()
    wanted: set[str] = set()
    for hi in range(0xB0, 0xF8):  # GB 2312 level 1 and 2 hanzi
        for lo in range(0xA1, 0xFF):
            try:
                wanted.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for folder, pattern in ((PROJECT_ROOT / "data", "*.yaml"), (PROJECT_ROOT / "data", "*.toml"),
                            (PROJECT_ROOT / "clerk" / "printing", "*.py")):
        for path in folder.rglob(pattern):
            wanted.update(path.read_text(encoding="utf-8"))
    wanted.update((PROJECT_ROOT / "clerk" / "config.py").read_text(encoding="utf-8"))
    lacking = sorted(ch for ch in wanted if ch.isprintable() and not ch.isspace() and ord(ch) not in cmap)
    assert lacking == [], f"rebuild the font (tools/build_notice_font.py): {''.join(lacking)}"


@needs_poppler
@pytest.mark.parametrize("paper", ["a4", "a5", "roll"])
@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_every_notice_embeds_its_font_and_has_no_empty_boxes(settings, tmp_path, kind, paper):
    data = sample(kind, HALL)
    pdf = render(kind, data, paper, settings)
    path = tmp_path / f"{kind.value}-{paper}.pdf"
    path.write_bytes(pdf)
    fonts = fonts_table(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), [f["line"] for f in fonts]
    assert box_glyphs(pdf) == []
    text = poppler_text(path)
    assert HALL.name in text and kind.title in text
    number = data.number if kind is NoticeKind.MANIFEST else data.case_number
    assert number in text


@needs_poppler
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("paper", ["a4", "a5", "roll"])
@pytest.mark.slow
def test_barcodes_decode_from_poppler_at_printer_resolutions(settings, tmp_path, paper, dpi):
    import zxingcpp

    for kind in (NoticeKind.PROMISED, NoticeKind.ONE_TIME, NoticeKind.COMMITMENT):
        path = tmp_path / f"{kind.value}.pdf"
        path.write_bytes(render(kind, sample(kind, HALL), paper, settings))
        image = rasterise(path, dpi)
        found = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)]
        assert found and set(found) == {"SF20261218-0042"}, (kind, paper, dpi)  # two copies on the roll


@needs_poppler
@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_nothing_is_printed_outside_the_rolls_576_dots(settings, tmp_path, kind):
    """The 80 mm roll prints 72 mm (576 dots at 203 dpi) between 4 mm margins.

    Rendered at 2 samples per printer dot (406 dpi), so a stroke that crosses
    the margin by a fraction of a dot shows; one sample of anti-aliasing is allowed.
    """
    data = sample(kind, HALL)
    if kind is NoticeKind.MANIFEST:
        data = replace(data, rows=data.rows * 2)
    path = tmp_path / "roll.pdf"
    path.write_bytes(render(kind, data, "roll", settings))
    dpi = 203 * 2
    image = rasterise(path, dpi, gray=True)
    width, height = image.size
    paper = PAPERS["roll"]
    left = int(paper.margin / 72 * dpi)  # the sample holding the margin's edge may be partly dark
    right = int((paper.width - paper.margin) / 72 * dpi) + 1
    for box in ((0, 0, left, height), (right, 0, width, height)):
        darkest, _ = image.crop(box).getextrema()
        assert darkest >= 200, f"ink outside the printable area in columns {box[0]}–{box[2]}"


def test_the_cid_font_is_used_only_when_configured(settings):
    pdf = render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED, HALL), "a4", replace(settings, font_path="cid"))
    assert b"/FontFile2" not in pdf and b"STSong-Light" in pdf
    default = render(NoticeKind.PROMISED, sample(NoticeKind.PROMISED, HALL), "a4", settings)
    assert b"/FontFile2" in default and b"STSong-Light" not in default
    assert choose_font(settings.font_path).embedded


def test_font_module_locates_the_shipped_font_in_one_place():
    assert shipped_font_path() == Path(PROJECT_ROOT) / "data" / "fonts" / "clerk-notice-song.ttf"
