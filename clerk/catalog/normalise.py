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

from clerk.shipped import shipped_path

# Brackets, quotes and separators people type or leave out at will.
_DROP = re.compile(r"[\s()\[\]{}<>（）【】〔〕［］《》〈〉「」『』\"'“”‘’·・、,，。.:：;；/／_]+")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SYNONYM_FILE = "search-synonyms.toml"


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
    """The synonym file is malformed (the message names the file and the entry)."""


def load_synonyms(path: Path | str | None = None) -> Synonyms:
    """Read a synonym table (TOML); the shipped ``data/search-synonyms.toml`` by default."""
    if path is None:
        path = shipped_path(SYNONYM_FILE)
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SynonymError(f"{path}: 同义词表无法读取：{exc}") from exc
    same: list[tuple[str, ...]] = []
    for n, group in enumerate(data.get("same", []), 1):
        words = group.get("words") if isinstance(group, dict) else None
        if not isinstance(words, list) or len(words) < 2 or not all(isinstance(w, str) and w.strip() for w in words):
            raise SynonymError(f"{path}: 第 {n} 个 [[same]] 需要 words = [至少两个词]")
        same.append(tuple(dict.fromkeys(normalise(w) for w in words)))
    leads: dict[str, tuple[str, ...]] = {}
    for word, fragments in (data.get("leads_to") or {}).items():
        if not isinstance(fragments, list) or not fragments or not all(isinstance(f, str) and f.strip() for f in fragments):
            raise SynonymError(f"{path}: leads_to 中「{word}」需要一个非空的名称片段列表")
        leads[normalise(word)] = tuple(normalise(f) for f in fragments)
    unknown = set(data) - {"same", "leads_to"}
    if unknown:
        raise SynonymError(f"{path}: 未知的表 {sorted(unknown)}（只允许 same 和 leads_to）")
    return Synonyms(tuple(same), leads)
