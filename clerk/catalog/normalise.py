"""Query and name normalisation for catalog search, and the shipped synonym table.

A query is compared with names after both went through ``normalise``: NFKC
(full-width ``ｓｐｊｙ`` and ``（`` become ``spjy`` and ``(``), lower case,
traditional -> simplified Chinese (OpenCC's ``t2s`` table, imported on first
use), without spaces, brackets and quotes.  So ``食品经营许可(新办)``,
``食品經營許可（新辦）`` and ``食品经营许可新办`` are the same query.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

from clerk.characters import refusal
from clerk.shipped import shipped_path
from clerk.tomlkeys import defines, lines_of

# Brackets, quotes and separators people type or leave out at will.
_DROP = re.compile(r"[\s()\[\]{}<>（）【】〔〕［］《》〈〉「」『』\"'“”‘’·・、,，。.:：;；/／_]+")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SYNONYM_FILE = "search-synonyms.toml"
_WORD_MAX = 100  # a word or a name fragment


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """The comparable form of a query, a name or an alias (see the module doc)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if HAN.search(text):
        text = _t2s().convert(text)
    return _DROP.sub("", text)


@dataclass(frozen=True)
class Synonyms:
    """Words people use for catalog names (俗称).

    ``same``: groups of interchangeable words; a name containing one is also
    found by the others (医保 / 医疗保障 / 医疗保险).  ``leads_to``: a word that
    names a wish (开店, 上户口) and the name fragments of the items and bundles
    it leads to.
    """

    same: tuple[tuple[str, ...], ...] = ()
    leads_to: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def variants(self, text: str, cap: int = 12) -> list[str]:
        """Extra search keys for a (normalised) name or alias."""
        found: dict[str, None] = {}
        for group in self.same:
            for word in group:
                if word in text:
                    for other in group:
                        if other != word and other not in text:
                            found.setdefault(text.replace(word, other))
        for word, fragments in self.leads_to.items():
            if any(fragment in text for fragment in fragments):
                found.setdefault(word)
        found.pop(text, None)
        return list(found)[:cap]


class SynonymError(ValueError):
    """The synonym file is malformed (the message names the file, the line when known, and the entry)."""

    def __init__(self, path: Path, reason: str, line: int = 0) -> None:
        self.path, self.reason, self.line = path, reason, line
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")


def _line_of(lines: list[str], pattern: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line that matches ``pattern`` (0 when there is none)."""
    seen = 0
    for number, line in enumerate(lines, 1):
        if re.match(pattern, line):
            seen += 1
            if seen == nth:
                return number
    return 0


def load_synonyms(path: Path | str | None = None) -> Synonyms:
    """Read a synonym table (TOML); the shipped ``data/search-synonyms.toml`` by default."""
    if path is None:
        path = shipped_path(SYNONYM_FILE)
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SynonymError(path, f"同义词表无法读取：{exc}") from exc
    lines = lines_of(text)
    same: list[tuple[str, ...]] = []
    for n, group in enumerate(data.get("same", []), 1):
        at = _line_of(lines, r"\s*\[\[\s*same\s*\]\]", n)
        words = group.get("words") if isinstance(group, dict) else None
        if not isinstance(words, list) or len(words) < 2 or not all(isinstance(w, str) and w.strip() for w in words):
            raise SynonymError(path, f"第 {n} 个 [[same]] 需要 words = [至少两个词]", at)
        for word in words:
            if (refused := refusal(f"第 {n} 个 [[same]] 的词", word.strip(), _WORD_MAX)) is not None:
                raise SynonymError(path, refused, _line_of(lines, r"\s*words\s*=", n) or at)
        same.append(tuple(dict.fromkeys(normalise(w) for w in words)))
    leads: dict[str, tuple[str, ...]] = {}
    for word, fragments in (data.get("leads_to") or {}).items():
        at = next((n for n, line in enumerate(lines, 1) if defines(line, word)), 0)
        if not isinstance(fragments, list) or not fragments or not all(isinstance(f, str) and f.strip() for f in fragments):
            raise SynonymError(path, f"leads_to 中「{word}」需要一个非空的名称片段列表", at)
        for text_ in (word, *fragments):
            if (refused := refusal("leads_to 中的词", text_.strip(), _WORD_MAX)) is not None:
                raise SynonymError(path, refused, at)
        leads[normalise(word)] = tuple(normalise(f) for f in fragments)
    unknown = set(data) - {"same", "leads_to"}
    if unknown:
        raise SynonymError(path, f"未知的表 {sorted(unknown)}（只允许 same 和 leads_to）")
    return Synonyms(tuple(same), leads)
