"""Build ``data/fonts/clerk-notice-song.ttf``, the Chinese font every notice embeds.

The shipped font is a subset of AR PL UMing CN (a Song/Ming face, TrueType
``glyf`` outlines, Arphic Public License, Debian package ``fonts-arphic-uming``)
holding GB 2312, ASCII/Latin-1, the CJK and full-width punctuation, and every
character of the shipped data (``data/``: catalog, calendars, complaints), of the
hall settings' defaults (``clerk/config.py``) and of the notice templates
(``clerk/printing/*.py``).  Embedded bitmaps, vertical metrics and layout tables
are dropped (reportlab uses only the outlines and horizontal metrics).

Rebuild (fontTools is a build-time tool only, not a runtime dependency)::

    pip install fonttools
    apt-get download fonts-arphic-uming && dpkg-deb -x fonts-arphic-uming_*.deb /tmp/uming
    python tools/build_notice_font.py /tmp/uming/usr/share/fonts/truetype/arphic/uming.ttc

Run it again whenever the catalog or a notice template gains a character
outside GB 2312 (``tests/printing/test_shipped_font.py`` fails until then).
The licence travels with the font: ``data/fonts/ARPHICPL.TXT``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "fonts" / "clerk-notice-song.ttf"
FACE = 0  # AR PL UMing CN (simplified Chinese glyph shapes)
# Renamed (the APL allows modified versions under the same licence): reportlab
# merges fonts that share a PostScript name, so the shipped subset must not be
# called UMingCN, or a system uming.ttc configured as the fallback would vanish.
FAMILY = "Clerk Notice Song"
POSTSCRIPT = "ClerkNoticeSong"

# Characters outside GB 2312 that are common in personal and company names
# (given names, 堃/喆/昇…); the catalog and templates are added automatically.
NAME_CHARS = (
    "堃喆昇旻玥珺瑄婧琦琨瑾璟璐钰铖锟镕昕晟晗暄煜烨焜炜熠翀翾鹍鹏鹍彧祎禕祺禛"
    "骐骞骢驰赟赉甯奭皓皞颢頔淏滢瀚沄沣泓洺浛淇渲溍潆澔灏燚垚鑫犇淼焱森磊"
    "芃苡茜荀莙萁蓁蔚蕤蘅菡萱筠箐篪籽玹玟玧珏珩珮琇琬琰瑀瑗瑱璇璠璨瓅"
)

# Text sources whose every character must be printable.
SOURCES = (
    (ROOT / "data", ("*.yaml", "*.yml", "*.toml", "*.json", "*.csv", "*.txt")),
    (ROOT / "clerk" / "printing", ("*.py",)),
    (ROOT / "clerk", ("config.py",)),
)
# Lists and licences beside the fonts, not printed text (the 通用规范汉字表 list is the
# rare-name fonts' business: tools/build_name_fonts.py).
NOT_SOURCES = {"tongyong-guifan-2013.txt", "HANAZONO-LICENSE.txt"}
RANGES = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1
    (0x2010, 0x2027),  # dashes, quotes, ellipsis
    (0x2030, 0x203B),  # ‰ ※
    (0x2103, 0x2103),  # ℃
    (0x2160, 0x216B),  # Roman numerals
    (0x2460, 0x2473),  # circled numbers
    (0x25A0, 0x25CF),  # squares, circles
    (0x3000, 0x303F),  # CJK punctuation
    (0xFF01, 0xFF5E),  # full-width forms
    (0xFFE0, 0xFFE5),  # full-width ￥
)


def gb2312() -> set[str]:
    """Every character of GB 2312 (rows 0xA1–0xF7, cells 0xA1–0xFE)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def source_chars() -> set[str]:
    """Every character of the shipped data, the settings' defaults and the templates."""
    chars: set[str] = set()
    for folder, patterns in SOURCES:
        for pattern in patterns:
            for path in sorted(folder.rglob(pattern)):
                if path.name in NOT_SOURCES:
                    continue
                chars.update(path.read_text(encoding="utf-8"))
    return {ch for ch in chars if ch.isprintable()}


def wanted() -> set[str]:
    chars = gb2312() | set(NAME_CHARS) | source_chars()
    for lo, hi in RANGES:
        chars.update(chr(c) for c in range(lo, hi + 1))
    return {ch for ch in chars if ch.isprintable() or ch == "\u3000"}


def subset_named(font, codes: set[int], *, family: str, postscript: str, unique_id: str, credit: str) -> None:
    """Cut ``font`` down to ``codes`` (outlines only: no layout, hinting or bitmaps) and give it its own
    family and PostScript names (see POSTSCRIPT) — shared with tools/build_name_fonts.py."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["BDF ", "EBDT", "EBLC", "EBSC", "FFTM", "GDEF", "GPOS", "GSUB",
                            "VORG", "vhea", "vmtx", "gasp"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codes))
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    names.setName(family, 1, 3, 1, 0x409)
    names.setName("Regular", 2, 3, 1, 0x409)
    names.setName(unique_id, 3, 3, 1, 0x409)
    names.setName(family, 4, 3, 1, 0x409)
    names.setName(postscript, 6, 3, 1, 0x409)
    names.setName(credit, 10, 3, 1, 0x409)


def build(source: Path, output: Path = OUTPUT) -> tuple[int, list[str]]:
    """Write the subset; return (glyph count, wanted characters the source lacks)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), fontNumber=FACE, lazy=False)
    cmap = font.getBestCmap()
    chars = wanted()
    lacking = sorted(ch for ch in source_chars() | set(NAME_CHARS) if ord(ch) not in cmap and ord(ch) > 0x7F
                     and not ch.isspace())
    subset_named(font, {ord(ch) for ch in chars if ord(ch) in cmap}, family=FAMILY, postscript=POSTSCRIPT,
                 unique_id=f"{POSTSCRIPT};subset of AR PL UMing CN",
                 credit="Subset of AR PL UMing CN (Arphic Technology; CJK Unifonts), Arphic Public License")
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    return font["maxp"].numGlyphs, lacking


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uming", type=Path, help="path to uming.ttc from fonts-arphic-uming")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    glyphs, lacking = build(args.uming, args.output)
    size = args.output.stat().st_size
    print(f"{args.output}: {glyphs} glyphs, {size / 1e6:.2f} MB")
    if lacking:
        print("not in the source font (fall back to Settings.font_path):", "".join(lacking))
    return 0


if __name__ == "__main__":
    sys.exit(main())
