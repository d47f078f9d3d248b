"""The Chinese fonts of the printed notices.

Every notice embeds its fonts.  Each character is drawn with the first font of
the chain that has it (``clerk.printing.coverage`` lists the chain and reads
the coverage without reportlab):

- ``data/fonts/clerk-notice-song.ttf`` (a subset of AR PL UMing CN, a Song/Ming
  face with TrueType outlines, Arphic Public License; built by
  ``tools/build_notice_font.py``), located by ``shipped_font_path()``;
- the shipped rare-name fonts ``clerk-notice-names.ttf`` (the rest of the
  通用规范汉字表 from UMing) and ``clerk-notice-rare.ttf`` (its CJK Extension
  characters, from the Hanazono fonts), built by ``tools/build_name_fonts.py``;
- ``Settings.font_path`` when set: a path to a TrueType font (``.ttf``, or
  ``.ttc`` with an optional ``#index`` of the face) for the characters the
  shipped fonts lack; ``STSong-Light`` (or ``cid``) instead selects reportlab's
  built-in CID font, on explicit request only: it is *not embedded*, and a
  viewer or print host without a Chinese font shows empty boxes;
- HanaMinA/HanaMinB of Debian's ``fonts-hanazono`` when installed.

Fonts after the first are registered with reportlab only when a character
needs them.  A character that no font has is refused (``PrintError`` naming
the character) when the notice is drawn, never printed as a box; the intake
screen says so while it is typed (``coverage.glyph_refusal``).

reportlab embeds TrueType outlines only: OpenType/CFF fonts (``.otf`` and the
Noto/Source Han CJK ``.ttc`` of Debian's ``fonts-noto-cjk``) are refused with
a clear message.  A configured font must also cover Chinese text.  reportlab
writes supplementary-plane characters (U+20000 and up) into a subset's
ToUnicode map as five hex digits, which readers misread; ``_to_unicode_cmap``
writes them as UTF-16 surrogate pairs so that copied or searched text is right.
See docs/printing.md.
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from clerk.printing.coverage import SYSTEM_PACKAGE, Face, font_chain, system_faces
from clerk.printing.data import PrintError
from clerk.shipped import shipped_path

CID_FONT = "STSong-Light"
SHIPPED_FILE = "clerk-notice-song.ttf"
SHIPPED_NAME = "ClerkSong"

# System fonts with TrueType outlines known to work, Song/Ming faces first;
# suggestions for ``Settings.font_path`` (`clerk print --font` lists those present).
SYSTEM_CANDIDATES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)

# Characters every notice uses: Chinese, full-width punctuation, Latin, digits.
PROBE = "受理编号办结时间，（）：SF0123456789-X"
# A fallback font only draws what the shipped font lacks: Chinese is enough
# (Droid Sans Fallback, with no Latin digits, is a fine fallback).
FALLBACK_PROBE = "受理编号办结时间"


def _utf16_hex(code: int) -> str:
    return f"{code:04X}" if code <= 0xFFFF else chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ``makeToUnicodeCMap`` with supplementary-plane characters as UTF-16 pairs."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # the one module-level helper reportlab calls for it


def shipped_font_path() -> Path:
    """Where the shipped notice font is (the one place that knows)."""
    return shipped_path("fonts") / SHIPPED_FILE


@dataclass(frozen=True)
class FontChoice:
    """The font set of the notices: ``name`` is what the layout draws with.

    ``name`` is a registered reportlab font (the shipped font or the CID font);
    characters it lacks are drawn with the next font of the chain that has them
    — see ``face_for``.
    """

    name: str
    embedded: bool
    source: str  # file path, or CID_FONT
    note: str = ""  # Chinese remark for `clerk print --font` / `clerk setup`
    fallback: str = ""  # registered name of the configured font for missing characters
    fallback_source: str = ""
    chain: tuple[Face, ...] = ()  # the fonts after the first, in order

    def describe(self) -> str:
        """One Chinese line: which fonts the notices use."""
        if not self.embedded:
            return f"通知书字体：内置 CID 字体 {CID_FONT}（未嵌入；{self.note}）"
        text = f"通知书字体：{Path(self.source).name}（随程序发布，嵌入PDF）"
        if self.fallback_source:
            text += f"；缺字时使用系统字体 {self.fallback_source}（嵌入PDF）"
        rest = [f"{face.role} {face.path.name}" for face in self.chain if face.role != "配置的字体"]
        if rest:
            text += "；生僻字依次用" + "、".join(rest)
        if not system_faces():
            text += f"；未安装 {SYSTEM_PACKAGE}（可补全扩展A–F生僻字）"
        return text


# registered name -> (characters it has, or None for "all": the CID font)
_COVERAGE: dict[str, frozenset[int] | None] = {}
# font set name -> the faces after the main font (registered when first needed)
_CHAIN: dict[str, tuple[Face, ...]] = {}
# a face's registered name, by (path, index)
_REGISTERED: dict[tuple[str, int], str] = {}
_SHIPPED_NAMES = {"clerk-notice-names.ttf": "ClerkSongNames", "clerk-notice-rare.ttf": "ClerkRare"}
_REGISTERING = threading.Lock()


def choose_font(font_path: str) -> FontChoice:
    """Resolve ``Settings.font_path`` to the notices' font set; raise PrintError if unusable."""
    spec = font_path.strip()
    if spec.lower() in {CID_FONT.lower(), "cid"}:
        return _cid_font()
    shipped = shipped_font_path()
    if not shipped.is_file():
        if spec:
            name, source = _truetype(spec)
            return FontChoice(name, True, source, note="未找到随程序发布的字体，使用配置的字体")
        raise PrintError(f"找不到随程序发布的通知书字体：{shipped}（请重新安装 clerk，或配置 CLERK_FONT）")
    return _font_set(str(shipped), spec)


@lru_cache(maxsize=None)
def _font_set(shipped: str, spec: str) -> FontChoice:
    primary, _ = _truetype(shipped, SHIPPED_NAME)
    fallback = source = ""
    if spec:  # checked now: an unusable configured font is an error, not a silent gap
        fallback, source = _truetype(spec, probe=FALLBACK_PROBE)
        _REGISTERED[_key(Path(source), _index(spec))] = fallback
    chain = tuple(face for face in font_chain(spec) if face.path != Path(shipped))
    if not chain:
        return FontChoice(primary, True, shipped, note="嵌入字体子集")
    name = f"{primary}+" + hashlib.sha1("|".join(f"{f.path}#{f.index}" for f in chain).encode()).hexdigest()[:8]
    _register_alias(name, primary)
    _CHAIN[name] = chain
    return FontChoice(name, True, shipped, note="嵌入字体子集", fallback=fallback, fallback_source=source,
                      chain=chain)


def _key(path: Path, index: int) -> tuple[str, int]:
    return str(path.expanduser()), index


def _index(spec: str) -> int:
    text = spec.partition("#")[2]
    return int(text) if text.isdigit() else 0


def _register_alias(alias: str, registered: str) -> None:
    """``alias`` draws with the same reportlab font as ``registered``."""
    getattr(pdfmetrics, "_fonts")[alias] = pdfmetrics.getFont(registered)  # reportlab's registry (no public alias call)
    _COVERAGE[alias] = _COVERAGE[registered]


@lru_cache(maxsize=None)
def _cid_font() -> FontChoice:
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    _COVERAGE[CID_FONT] = None
    return FontChoice(CID_FONT, embedded=False, source=CID_FONT,
                      note="按配置使用，打印机主机和查看者须装有中文字体，否则显示为方框")


def _registered(face: Face) -> str:
    """The reportlab name of a face of the chain, registering it the first time (print workers
    of several windows' queues may ask at once: one registration)."""
    key = _key(face.path, face.index)
    with _REGISTERING:
        name = _REGISTERED.get(key)
        if name is None:
            spec = f"{face.path}#{face.index}" if face.index else str(face.path)
            name, _ = _truetype(spec, _SHIPPED_NAMES.get(face.path.name, ""), probe="")
            _REGISTERED[key] = name
    return name


@lru_cache(maxsize=65536)
def face_for(font: str, ch: str) -> str | None:
    """The registered font that draws ``ch`` in font set ``font``; None if none has it."""
    coverage = _COVERAGE.get(font)
    if coverage is None or ord(ch) in coverage:
        return font
    for face in _CHAIN.get(font, ()):
        if face.has(ch):
            return _registered(face)
    return None


def covers(font: str, text: str) -> bool:
    """Does the main font of font set ``font`` have every character of ``text``?"""
    coverage = _COVERAGE.get(font)
    return coverage is None or coverage.issuperset(map(ord, text))


def missing_glyph_error(ch: str, font: str) -> PrintError:
    chain = _CHAIN.get(font, ())
    configured = any(face.role == "配置的字体" for face in chain)
    where = "随程序发布的字体" + ("和配置的字体" if configured else "")
    if system_faces():
        where += f"及系统字体（{SYSTEM_PACKAGE}）"
        hint = "；可在配置中指定含此字的字体（CLERK_FONT）"
    else:
        hint = f"；可安装字体包 {SYSTEM_PACKAGE}，或在配置中指定含此字的字体（CLERK_FONT）"
    return PrintError(f"通知书含有{where}中没有的字“{ch}”（U+{ord(ch):04X}），无法打印，以免印成方框{hint}")


@lru_cache(maxsize=None)
def _truetype(spec: str, name: str = "", probe: str = PROBE) -> tuple[str, str]:
    """Register the TrueType font ``spec`` once per process; (registered name, path)."""
    path_text, _, index_text = spec.partition("#")
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise PrintError(f"找不到配置的字体文件：{path}")
    try:
        index = int(index_text or 0)
    except ValueError:
        raise PrintError(f"字体序号无效：{spec}（应为 文件路径#数字）") from None
    outline = outline_format(path, index)
    if outline == "cff":
        raise PrintError(
            f"字体 {path.name} 使用 PostScript(CFF) 轮廓，reportlab 无法嵌入；"
            "请改用 TrueType 轮廓的中文字体（如 文泉驿正黑 wqy-zenhei.ttc、AR PL UMing uming.ttc）"
        )
    if outline != "truetype":
        raise PrintError(f"{path.name} 不是可用的 TrueType/OpenType 字体文件")

    name = name or "ClerkCJK-" + hashlib.sha1(spec.encode()).hexdigest()[:8]
    try:
        font = TTFont(name, str(path), subfontIndex=index)
    except TTFError as exc:
        raise PrintError(f"字体 {path.name} 无法使用：{exc}") from exc
    lacking = [ch for ch in probe if ord(ch) not in font.face.charToGlyph]
    if lacking:
        raise PrintError(f"字体 {path.name} 缺少常用字符（{''.join(lacking)}），不能用于打印通知书")
    # Cache reportlab's subsets per process (a method replaced on purpose).
    font.face.makeSubset = _SubsetCache(font.face.makeSubset)  # type: ignore[method-assign]
    pdfmetrics.registerFont(font)
    _COVERAGE[name] = frozenset(font.face.charToGlyph)
    return name, str(path)


class _SubsetCache:
    """Font programs of subsets already built in this process (same glyphs, same bytes)."""

    def __init__(self, make: Callable[[Sequence[int]], bytes], size: int = 64) -> None:
        self.make, self.size = make, size
        self.built: dict[tuple[int, ...], bytes] = {}

    def __call__(self, subset: Sequence[int]) -> bytes:
        key = tuple(subset)
        program = self.built.get(key)
        if program is None:
            if len(self.built) >= self.size:
                self.built.pop(next(iter(self.built)))
            program = self.built[key] = self.make(subset)
        return program


def system_fonts_present(candidates: tuple[str, ...] = SYSTEM_CANDIDATES) -> list[str]:
    """The known-good system fonts on this host (suggestions for CLERK_FONT)."""
    return [c for c in candidates if Path(c).is_file()]


def outline_format(path: Path, index: int = 0) -> str:
    """'truetype', 'cff' or 'unknown' for the face ``index`` of a font file."""
    with path.open("rb") as fh:
        head = fh.read(12)
        offset = 0
        if head[:4] == b"ttcf":
            fh.seek(12 + 4 * index)
            raw = fh.read(4)
            if len(raw) < 4:
                return "unknown"
            (offset,) = struct.unpack(">I", raw)
            fh.seek(offset)
            head = fh.read(12)
        if len(head) < 12:
            return "unknown"
        tag = head[:4]
        if tag == b"OTTO":
            return "cff"
        if tag not in (b"\x00\x01\x00\x00", b"true"):
            return "unknown"
        (count,) = struct.unpack(">H", head[4:6])
        tables = fh.read(16 * count)
    tags = {tables[i : i + 4] for i in range(0, len(tables), 16)}
    if b"glyf" in tags:
        return "truetype"
    return "cff" if b"CFF " in tags or b"CFF2" in tags else "unknown"
