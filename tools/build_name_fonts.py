"""Build the two small fonts for rare characters in names (生僻字) that ship beside
``data/fonts/clerk-notice-song.ttf``:

- ``data/fonts/clerk-notice-names.ttf``: the characters of the 通用规范汉字表
  (Table of General Standard Chinese Characters, State Council 2013, 8105
  characters; the table names and places are registered with) that the main
  notice font lacks and AR PL UMing CN has — the same Song/Ming face as the main
  font, Arphic Public License (``ARPHICPL.TXT``);
- ``data/fonts/clerk-notice-rare.ttf``: the rest of that table (its CJK
  Extension A–F characters such as 䶮 𬌗 𬳵 and a few that UMing lacks), plus the
  characters in ``REPORTED``, from HanaMinA/HanaMinB (GlyphWiki's Hanazono fonts,
  Debian ``fonts-hanazono``), under the Hanazono Font License, which permits
  modification and redistribution (``HANAZONO-LICENSE.txt``).

The table's list is ``data/fonts/tongyong-guifan-2013.txt``, taken from the
Unihan database's ``kTGH`` field (Debian ``unicode-data``); ``--table`` rewrites
it from ``Unihan_OtherMappings.txt.bz2``.  Rebuild (fontTools is a build-time tool)::

    pip install fonttools
    apt-get install -y fonts-hanazono unicode-data
    apt-get download fonts-arphic-uming && dpkg-deb -x fonts-arphic-uming_*.deb /tmp/uming
    python tools/build_name_fonts.py --table /usr/share/unicode/Unihan_OtherMappings.txt.bz2 \\
        /tmp/uming/usr/share/fonts/truetype/arphic/uming.ttc /usr/share/fonts/truetype/hanazono

Characters outside the table (most of CJK Extensions A–G) are printed from the
system's ``fonts-hanazono`` when it is installed (``clerk.printing.fonts``).
"""

from __future__ import annotations

import argparse
import bz2
import sys
from pathlib import Path

from build_notice_font import subset_named  # tools/ is on sys.path when a tool is run

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "data" / "fonts"
MAIN = FONTS / "clerk-notice-song.ttf"
NAMES = FONTS / "clerk-notice-names.ttf"
RARE = FONTS / "clerk-notice-rare.ttf"
TABLE = FONTS / "tongyong-guifan-2013.txt"

# Characters outside the table that were met at a counter and must print without
# a system font (issue 30: 李𠀀, U+20000, the first character of Extension B).
REPORTED = "\U00020000"


def read_table(path: Path = TABLE) -> list[str]:
    """The 8105 characters of the 通用规范汉字表, in the table's order."""
    return [ch for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#") for ch in line]


def write_table(unihan: Path, path: Path = TABLE) -> int:
    """``path`` from Unihan's kTGH field (``U+4E00<TAB>kTGH<TAB>2013:0001``)."""
    rows: list[tuple[int, int]] = []
    opener = bz2.open if unihan.suffix == ".bz2" else open
    with opener(unihan, "rt", encoding="utf-8") as fh:
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 3 and fields[1] == "kTGH":
                rows.append((int(fields[2].split(":")[1]), int(fields[0][2:], 16)))
    rows.sort()
    chars = "".join(chr(cp) for _, cp in rows)
    header = ("# 通用规范汉字表 (2013), in the table's order, 50 a line; from Unihan's kTGH field.\n"
              "# Used by tools/build_name_fonts.py, clerk doctor and the tests.\n")
    path.write_text(header + "".join(chars[i:i + 50] + "\n" for i in range(0, len(chars), 50)), encoding="utf-8")
    return len(rows)


def _subset(source: Path, index: int, codes: set[int], output: Path, family: str, postscript: str,
            credit: str) -> set[int]:
    """Write the subset of face ``index`` of ``source`` holding ``codes``; the codes it has."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), fontNumber=index, lazy=False)
    cmap = font.getBestCmap()
    have = {c for c in codes if c in cmap}
    # its own PostScript name: reportlab merges registered fonts that share one
    subset_named(font, have, family=family, postscript=postscript, unique_id=f"{postscript};{credit}", credit=credit)
    font.recalcTimestamp = False  # the source font's dates: a rebuild gives the same bytes
    font.save(str(output))
    return have


def build(uming: Path, hanazono: Path) -> dict[str, object]:
    from fontTools.ttLib import TTFont

    main = set(TTFont(str(MAIN)).getBestCmap())
    wanted = {ord(ch) for ch in read_table()} - main
    from_uming = _subset(uming, 0, wanted, NAMES, "Clerk Notice Names", "ClerkNoticeNames",
                         "Subset of AR PL UMing CN (Arphic Technology; CJK Unifonts), Arphic Public License")
    rest = (wanted - from_uming) | ({ord(ch) for ch in REPORTED} - main)
    # One file: both Hanazono faces share their design and metrics (1024 units to the em),
    # so fontTools' merger joins their two subsets (it keeps the first one's names).
    from fontTools.merge import Merger

    todo, parts = set(rest), []
    for n, source in enumerate(("HanaMinA.ttf", "HanaMinB.ttf")):
        part = todo & set(TTFont(str(hanazono / source), lazy=True).getBestCmap())
        todo -= part
        if part:
            out = RARE.with_suffix(f".part{n}.ttf")
            _subset(hanazono / source, 0, part, out, "Clerk Notice Rare", "ClerkNoticeRare",
                    "Subset of HanaMinA/HanaMinB (GlyphWiki Project), Hanazono Font License")
            parts.append(out)
    merged = Merger().merge([str(p) for p in parts]) if len(parts) > 1 else TTFont(str(parts[0]))
    merged.recalcTimestamp = False
    merged.save(str(RARE))
    for part_path in parts:
        part_path.unlink()
    lacking = rest - set(TTFont(str(RARE)).getBestCmap())
    return {"names": len(from_uming), "rare": len(rest) - len(lacking),
            "lacking": "".join(chr(c) for c in sorted(lacking))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uming", type=Path, help="uming.ttc from fonts-arphic-uming")
    parser.add_argument("hanazono", type=Path, help="the folder with HanaMinA.ttf and HanaMinB.ttf")
    parser.add_argument("--table", type=Path, help="Unihan_OtherMappings.txt(.bz2): rewrite the table's list")
    args = parser.parse_args(argv)
    if args.table:
        print(f"{TABLE}: {write_table(args.table)} characters")
    result = build(args.uming, args.hanazono)
    for path in (NAMES, RARE):
        print(f"{path}: {path.stat().st_size / 1e6:.2f} MB")
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
