"""Search over item and bundle names as a clerk types (事项检索).

A clerk types Chinese (``卫生许可``), full pinyin (``weishengxuke``), pinyin
initials (``wsxk``) or the start of a code.  Keys are computed once when the
index is built (pypinyin is imported only then); a query scans one string
holding every key, so it costs microseconds, not a Python loop over every item.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["item", "bundle"]

EXACT, PREFIX, SUBSTRING = 3, 2, 1
_SEP = "\x1e"  # between the values of one key in a ``_Field`` blob
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_QUERY_ASCII = re.compile(r"[a-z0-9]+")
_OTHER = "\x00"


@dataclass(frozen=True)
class SearchHit:
    """One search result.  ``score``: higher is better; the tier (3 exact,
    2 prefix, 1 substring) is ``score // 1000``; within the substring tier an
    earlier match scores higher."""

    kind: Kind
    code: str
    name: str
    score: int


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    code: str
    name: str
    name_key: str  # lower-cased name
    code_key: str  # lower-cased code
    pinyin: str  # full pinyin, no spaces: "gonggongchangsuo..."
    starts: tuple[int, ...]  # offsets in ``pinyin`` where a syllable starts
    initials: str  # one letter per syllable: "ggcs..."


def _spell(name: str) -> tuple[str, tuple[int, ...], str]:
    from pypinyin import lazy_pinyin  # heavy (~0.3 s): only when an index is built

    pinyin: list[str] = []
    starts: list[int] = []
    initials: list[str] = []
    offset = 0
    # Non-Chinese runs come back marked, so "ICP" is not mistaken for a syllable.
    for segment in lazy_pinyin(name, errors=lambda run: _OTHER + run):
        chinese = not segment.startswith(_OTHER)
        segment = segment.lower()
        words = [segment] if chinese else _ASCII_WORD.findall(segment)
        for word in words:
            starts.append(offset)
            pinyin.append(word)
            # A Latin or digit run ("ICP", "2") stands for itself among the initials.
            initials.append(word[0] if chinese else word)
            offset += len(word)
    return "".join(pinyin), tuple(starts), "".join(initials)


class _Level:
    """The values of one key from position p on, joined so a query is a C-level scan."""

    def __init__(self, values: list[str]) -> None:
        self.blob = _SEP + _SEP.join(values) + _SEP
        self.offsets: list[int] = []  # where each entry's value starts in ``blob``
        offset = 1
        for value in values:
            self.offsets.append(offset)
            offset += len(value) + 1

    def prefixed(self, q: str):
        """Indices of entries whose value here starts with ``q``, in entry order."""
        needle, find, offsets = _SEP + q, self.blob.find, self.offsets
        pos = find(needle)
        while pos >= 0:
            yield bisect_right(offsets, pos + 1) - 1
            pos = find(needle, pos + 1)


class _Field:
    """One key of every entry, as suffixes: level p holds each value from its p-th
    position (character or syllable) on, so "q at position p" is a prefix scan."""

    def __init__(self, values: list[str], positions: list[tuple[int, ...]]) -> None:
        depth = max((len(p) for p in positions), default=0)
        self.levels = [
            _Level([v[pos[p]:] if p < len(pos) else "" for v, pos in zip(values, positions)])
            for p in range(max(depth, 1))
        ]

    def __contains__(self, q: str) -> bool:
        return q in self.levels[0].blob


class SearchIndex:
    """Precomputed search keys of every item and bundle.

    Entries are kept sorted by (name length, code), the tie-break within a
    tier, so the exact and prefix tiers can stop after ``limit`` hits.
    """

    def __init__(self, names: Iterable[tuple[Kind, str, str]]) -> None:
        entries = []
        for kind, code, name in names:
            pinyin, starts, initials = _spell(name)
            entries.append(_Entry(kind, code, name, name.lower(), code.lower(), pinyin, starts, initials))
        entries.sort(key=lambda e: (len(e.name), e.code))
        self._entries = entries
        self._exact: dict[str, list[int]] = {}
        for index, e in enumerate(entries):
            for key in dict.fromkeys((e.name_key, e.code_key, e.pinyin, e.initials)):
                self._exact.setdefault(key, []).append(index)
        every = [tuple(range(len(e.name_key))) for e in entries]
        self._name = _Field([e.name_key for e in entries], every)
        self._code = _Field([e.code_key for e in entries], [(0,) for _ in entries])
        self._pinyin = _Field([e.pinyin for e in entries], [e.starts for e in entries])
        self._initials = _Field(
            [e.initials for e in entries], [tuple(range(len(e.initials))) for e in entries]
        )

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        q = "".join(query.split()).lower().replace(_SEP, "")
        if not q or limit <= 0:
            return []
        ascii_query = _QUERY_ASCII.fullmatch(q) is not None
        scores: dict[int, int] = dict.fromkeys(self._exact.get(q, ()), EXACT * 1000)
        prefix_fields = [self._name, self._code]
        if ascii_query:
            prefix_fields += [self._initials, self._pinyin]
        for field in prefix_fields:
            self._at_level(field, 0, q, limit, scores, PREFIX * 1000)
        if len(scores) < limit:
            fields = [self._name, self._initials, self._pinyin] if ascii_query else [self._name]
            fields = [f for f in fields if q in f]
            depth = max((len(f.levels) for f in fields), default=0)
            # Level by level: every hit at position p outranks any at p + 1.
            for p in range(1, depth):
                for field in fields:
                    if p < len(field.levels):
                        self._at_level(field, p, q, limit, scores, _substring(p))
                if len(scores) >= limit:
                    break
        best = heapq.nsmallest(limit, scores.items(), key=lambda hit: (-hit[1], hit[0]))
        entries = self._entries
        return [
            SearchHit(entries[i].kind, entries[i].code, entries[i].name, score) for i, score in best
        ]

    @staticmethod
    def _at_level(field: _Field, p: int, q: str, limit: int, scores: dict[int, int], score: int) -> None:
        for found, index in enumerate(field.levels[p].prefixed(q), 1):
            scores.setdefault(index, score)
            if found >= limit:  # later entries at this level rank lower
                break


def _substring(pos: int) -> int:
    return SUBSTRING * 1000 + max(1, 100 - pos)
