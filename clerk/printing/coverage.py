"""Which characters the notices can print: the font chain and its coverage.

A notice draws each character with the first font of the chain that has it:

1. ``clerk-notice-song.ttf`` — shipped: GB 2312, the catalog, the templates;
2. ``clerk-notice-names.ttf`` — shipped: the rest of the 通用规范汉字表 (2013)
   that AR PL UMing has (the same face);
3. ``clerk-notice-rare.ttf`` — shipped: the table's CJK Extension characters
   (U+4DAE, U+2C317 …) and reported ones (U+20000), from the Hanazono fonts;
4. ``Settings.font_path`` (``CLERK_FONT``), when configured;
5. HanaMinA and HanaMinB of Debian's ``fonts-hanazono`` (CJK Extensions D–F
   whole, A–C but for the few characters encoded after 2017; no G–I), used
   automatically when installed.

A character none of them has cannot be printed (``PrintError`` when drawing).
``unprintable`` and ``glyph_refusal`` say so while the clerk types, before
anything is saved.  This module reads the fonts' ``cmap`` tables itself, without
reportlab, so the intake screen can ask it on every key.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from clerk.domain.intake import IntakeDraft
from clerk.shipped import shipped_path

CID_NAMES = frozenset({"stsong-light", "cid"})
MAIN_FILE = "clerk-notice-song.ttf"
SHIPPED_FILES = (MAIN_FILE, "clerk-notice-names.ttf", "clerk-notice-rare.ttf")
TABLE_FILE = "tongyong-guifan-2013.txt"
#: Debian's fonts-hanazono; used without configuration when installed
SYSTEM_PACKAGE = "fonts-hanazono"
SYSTEM_FILES = (
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
)

#: CJK Unified Ideographs blocks (Unicode 15.1): label, first, last code point
BLOCKS = (
    ("基本区", 0x4E00, 0x9FFF),
    ("扩展A", 0x3400, 0x4DBF),
    ("扩展B", 0x20000, 0x2A6DF),
    ("扩展C", 0x2A700, 0x2B739),
    ("扩展D", 0x2B740, 0x2B81D),
    ("扩展E", 0x2B820, 0x2CEA1),
    ("扩展F", 0x2CEB0, 0x2EBE0),
    ("扩展G", 0x30000, 0x3134A),
    ("扩展H", 0x31350, 0x323AF),
    ("扩展I", 0x2EBF0, 0x2EE5D),
)


@dataclass(frozen=True)
class Face:
    """One font of the chain: ``role`` says in Chinese where it comes from."""

    role: str
    path: Path
    index: int = 0

    @property
    def codes(self) -> frozenset[int]:
        return cmap_codes(str(self.path), self.index)

    def has(self, ch: str) -> bool:
        return ord(ch) in self.codes


def shipped_faces() -> tuple[Face, ...]:
    roles = ("随程序发布的字体", "随程序发布的通用规范汉字字体", "随程序发布的生僻字字体")
    folder = shipped_path("fonts")
    return tuple(Face(role, folder / name) for role, name in zip(roles, SHIPPED_FILES, strict=True)
                 if (folder / name).is_file())


def system_faces(files: Iterable[str] = SYSTEM_FILES) -> tuple[Face, ...]:
    return tuple(Face(f"系统字体 {Path(f).stem}（{SYSTEM_PACKAGE}）", Path(f)) for f in files if Path(f).is_file())


def configured_face(font_path: str) -> Face | None:
    """``Settings.font_path`` as a face (None: not set, or the CID font)."""
    spec = font_path.strip()
    if not spec or spec.lower() in CID_NAMES:
        return None
    path_text, _, index_text = spec.partition("#")
    return Face("配置的字体", Path(path_text).expanduser(), int(index_text) if index_text.isdigit() else 0)


@lru_cache(maxsize=16)
def font_chain(font_path: str = "") -> tuple[Face, ...]:
    """The fonts a notice draws with, in order (see the module's docstring).

    A configured font that cannot be read is left out here; rendering and
    ``clerk doctor`` report it.  Empty for the CID font (it is not embedded and
    the print host decides what it draws).
    """
    if font_path.strip().lower() in CID_NAMES:
        return ()
    configured = configured_face(font_path)
    faces = shipped_faces() + ((configured,) if configured is not None else ()) + system_faces()
    return tuple(face for face in faces if _readable(face))


def _readable(face: Face) -> bool:
    try:
        return bool(face.codes)
    except (OSError, ValueError, struct.error):
        return False


def face_of(ch: str, font_path: str = "") -> Face | None:
    """The first face of the chain that has ``ch`` (None: no font has it)."""
    return next((face for face in font_chain(font_path) if face.has(ch)), None)


def unprintable(text: str, font_path: str = "") -> str:
    """The characters of ``text`` no font of the chain has, each once, in order ("" if none).

    Spaces need no glyph.  With the CID font nothing is checked (not embedded).
    """
    if font_path.strip().lower() in CID_NAMES:
        return ""
    found: list[str] = []
    for ch in dict.fromkeys(text):
        if not ch.isspace() and _lacking(ch, font_path):
            found.append(ch)
    return "".join(found)


@lru_cache(maxsize=4096)
def _lacking(ch: str, font_path: str) -> bool:
    return face_of(ch, font_path) is None


def glyph_refusal(label: str, value: str, font_path: str = "") -> str | None:
    """One Chinese line when ``value`` (the field ``label``; "" under the field itself) has characters
    no font can print."""
    missing = unprintable(value, font_path)
    if not missing:
        return None
    shown = "".join(f"“{ch}”" for ch in missing[:3]) + ("等" if len(missing) > 3 else "")
    codes = "、".join(f"U+{ord(ch):04X}" for ch in missing[:3])
    hint = "" if system_faces() else f"（安装 {SYSTEM_PACKAGE} 可补全扩展A–F）"
    return f"{label}中的{shown}（{codes}）本机字体无法打印，通知书打不出{hint}".removeprefix("中的")


def printed_refusals(fields: Iterable[tuple[str, str]], font_path: str = "") -> list[str]:
    """``glyph_refusal`` for each (label, value) of text a notice prints."""
    found = (glyph_refusal(label, value, font_path) for label, value in fields)
    return [reason for reason in found if reason]


def intake_fields(draft: IntakeDraft, reason: str = "") -> list[tuple[str, str]]:
    """The typed text of a visit that its notices print, with the fields' labels."""
    applicant = draft.applicant
    return [("姓名", applicant.name), ("身份证号", applicant.id_number), ("联系电话", applicant.phone),
            ("邮寄地址", applicant.address), ("新生儿姓名", draft.child_name), ("不予受理理由", reason)]


def intake_refusals(draft: IntakeDraft, reason: str = "", font_path: str = "") -> list[str]:
    """Why the visit's notices cannot be printed on this machine (one line per field), or []."""
    return printed_refusals(intake_fields(draft, reason), font_path)


def table_chars() -> str:
    """The 8105 characters of the 通用规范汉字表 (shipped list, from Unihan kTGH)."""
    path = shipped_path("fonts") / TABLE_FILE
    if not path.is_file():
        return ""
    return "".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))


@dataclass(frozen=True)
class Coverage:
    """How much of each CJK block and of the 通用规范汉字表 the chain prints."""

    faces: tuple[Face, ...]
    blocks: tuple[tuple[str, int, int], ...]  # label, covered, size
    table: tuple[int, int]  # covered, size

    @property
    def complete_table(self) -> bool:
        return self.table[1] > 0 and self.table[0] == self.table[1]

    def summary(self) -> str:
        """One Chinese line for ``clerk doctor``: the fonts, the table, the blocks."""
        fonts = "、".join(f.path.name for f in self.faces) or "（无）"
        full = [label for label, have, size in self.blocks if have == size]
        partial = [f"{label} {have}/{size}" for label, have, size in self.blocks if 0 < have < size]
        none = [label for label, have, _ in self.blocks if have == 0]
        blocks = "；".join(part for part in (
            "完整：" + "、".join(full) if full else "",
            "部分：" + "、".join(partial) if partial else "",
            "无：" + "、".join(none) if none else "") if part)
        return f"字体 {fonts}；通用规范汉字表 {self.table[0]}/{self.table[1]} 字可印；CJK 汉字区{blocks}"


def coverage(font_path: str = "") -> Coverage:
    faces = font_chain(font_path)
    codes: set[int] = set()
    for face in faces:
        codes |= face.codes
    blocks = tuple((label, sum(1 for c in codes if lo <= c <= hi), hi - lo + 1) for label, lo, hi in BLOCKS)
    table = table_chars()
    return Coverage(faces, blocks, (sum(1 for ch in table if ord(ch) in codes), len(table)))


# -- reading a TrueType cmap --------------------------------------------------

@lru_cache(maxsize=16)
def cmap_codes(path: str, index: int = 0) -> frozenset[int]:
    """Every code point the font's Unicode ``cmap`` maps to a glyph other than .notdef
    (ValueError for a font without TrueType outlines: reportlab cannot embed it)."""
    with open(path, "rb") as fh:
        data = fh.read(12)
        base = 0
        if data[:4] == b"ttcf":
            fh.seek(12 + 4 * index)
            (base,) = struct.unpack(">I", fh.read(4))
            fh.seek(base)
            data = fh.read(12)
        (count,) = struct.unpack(">H", data[4:6])
        records = fh.read(16 * count)
        tables = {}
        for i in range(count):
            tag, _, offset, length = struct.unpack(">4sIII", records[16 * i:16 * i + 16])
            tables[tag] = (offset, length)
        if b"glyf" not in tables:  # CFF outlines: reportlab cannot embed them, so they print nothing
            raise ValueError(f"{path}: no TrueType outlines")
        where = tables.get(b"cmap")
        if where is None:
            raise ValueError(f"{path}: no cmap table")
        fh.seek(where[0])
        table = fh.read(where[1])
    return frozenset(_unicode_cmap(table))


def _unicode_cmap(table: bytes) -> set[int]:
    (count,) = struct.unpack(">H", table[2:4])
    subtables: dict[tuple[int, int], int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", table[4 + 8 * i:12 + 8 * i])
        subtables[(platform, encoding)] = offset
    for key in ((3, 10), (0, 6), (0, 4)):  # full Unicode (format 12) first
        if key in subtables and struct.unpack(">H", table[subtables[key]:subtables[key] + 2])[0] == 12:
            return _format12(table, subtables[key])
    for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
        if key in subtables and struct.unpack(">H", table[subtables[key]:subtables[key] + 2])[0] == 4:
            return _format4(table, subtables[key])
    raise ValueError("no Unicode cmap subtable (format 4 or 12)")


def _format12(table: bytes, at: int) -> set[int]:
    (groups,) = struct.unpack(">I", table[at + 12:at + 16])
    codes: set[int] = set()
    for i in range(groups):
        start, end, glyph = struct.unpack(">III", table[at + 16 + 12 * i:at + 28 + 12 * i])
        codes.update(range(start + (1 if glyph == 0 else 0), end + 1))
    return codes


def _format4(table: bytes, at: int) -> set[int]:
    (seg2,) = struct.unpack(">H", table[at + 6:at + 8])
    n = seg2 // 2
    ends = struct.unpack(f">{n}H", table[at + 14:at + 14 + seg2])
    starts_at = at + 16 + seg2
    starts = struct.unpack(f">{n}H", table[starts_at:starts_at + seg2])
    deltas = struct.unpack(f">{n}h", table[starts_at + seg2:starts_at + 2 * seg2])
    ranges_at = starts_at + 2 * seg2
    ranges = struct.unpack(f">{n}H", table[ranges_at:ranges_at + seg2])
    codes: set[int] = set()
    for i in range(n):
        start, end, delta, offset = starts[i], ends[i], deltas[i], ranges[i]
        if start == 0xFFFF:
            continue
        if offset == 0:
            codes.update(c for c in range(start, end + 1) if (c + delta) & 0xFFFF)
            continue
        for c in range(start, end + 1):
            pos = ranges_at + 2 * i + offset + 2 * (c - start)
            (glyph,) = struct.unpack(">H", table[pos:pos + 2])
            if glyph and (glyph + delta) & 0xFFFF:
                codes.add(c)
    return codes
