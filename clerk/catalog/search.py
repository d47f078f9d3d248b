"""Search over item and bundle names as a clerk types (事项检索).

A clerk types Chinese (``卫生许可``), full pinyin (``weishengxuke``), pinyin
initials (``wsxk``), the start of a code, an alias (俗称: ``营业执照``, ``开店``)
or a word of the synonym table (``医保``).  Queries and names are compared
after ``normalise`` (full/half width, traditional -> simplified, no spaces or
brackets).  Keys are computed once when the index is built (pypinyin is
imported only then); a query scans one string holding every key, so it costs
microseconds, not a Python loop over every item.

Rank: exact, then prefix, then substring (earlier is better), then names one
character away from the query (a typo: one character wrong, missing or extra).
Within a rank, the caller's counts break ties (how often this hall took the
item lately), then shorter names first.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from clerk.catalog.normalise import Synonyms, normalise

Kind = Literal["item", "bundle"]

EXACT, PREFIX, SUBSTRING, TYPO = 3, 2, 1, 0
_SEP = "\x1e"  # between the values of one key in a ``_Field`` blob
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_QUERY_ASCII = re.compile(r"[a-z0-9]+")
_OTHER = "\x00"
_TYPO_MIN = 3  # shorter queries match too much when one character may differ
_TYPO_SCAN = 400  # anchor occurrences examined per typo pattern at most
_WRITTEN = 500  # within a tier, the name, code or an alias beats a synonym-table form


@dataclass(frozen=True)
class SearchHit:
    """One search result.  ``score``: higher is better; the tier (3 exact,
    2 prefix, 1 substring, 0 one-character typo) is ``score // 1000``; within a
    tier an earlier match scores higher.  ``via``: the alias or synonym form
    that matched, when it was not the name or code itself."""

    kind: Kind
    code: str
    name: str
    score: int
    via: str = ""


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    code: str
    name: str


@dataclass(frozen=True)
class _Key:
    """One searchable form of an entry: its name, an alias or a synonym variant."""

    entry: int
    text: str  # normalised
    shown: str  # as written (for ``SearchHit.via``); "" for the name itself
    written: bool  # the name or an alias, not a form derived from the synonym table
    pinyin: str = ""  # full pinyin, no spaces: "gonggongchangsuo..."
    starts: tuple[int, ...] = ()  # offsets in ``pinyin`` where a syllable starts
    initials: str = ""  # one letter per syllable: "ggcs..."


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
        self.offsets: list[int] = []  # where each value starts in ``blob``
        offset = 1
        for value in values:
            self.offsets.append(offset)
            offset += len(value) + 1

    def prefixed(self, q: str):
        """Indices of values here starting with ``q``, in order."""
        needle, find, offsets = _SEP + q, self.blob.find, self.offsets
        pos = find(needle)
        while pos >= 0:
            yield bisect_right(offsets, pos + 1) - 1
            pos = find(needle, pos + 1)


class _Field:
    """One key of many values, as suffixes: level p holds each value from its p-th
    position (character or syllable) on, so "q at position p" is a prefix scan.
    ``owners[i]`` is the key (``_Key`` index) value i belongs to."""

    def __init__(self, values: list[str], positions: list[tuple[int, ...]], owners: list[int]) -> None:
        depth = max((len(p) for p in positions), default=0)
        self.owners = owners
        self.levels = [
            _Level([v[pos[p]:] if p < len(pos) else "" for v, pos in zip(values, positions)])
            for p in range(max(depth, 1))
        ]

    def __contains__(self, q: str) -> bool:
        return q in self.levels[0].blob


class SearchIndex:
    """Precomputed search keys of every item and bundle.

    ``names`` yields ``(kind, code, name)`` or ``(kind, code, name, aliases)``.
    Entries are kept sorted by (name length, code), the last tie-break within a
    tier, so the tiers can stop after ``limit`` hits when no counts are given.
    """

    def __init__(self, names: Iterable[tuple], synonyms: Synonyms | None = None) -> None:
        rows = [(n[0], n[1], n[2], tuple(n[3]) if len(n) > 3 else ()) for n in names]
        rows.sort(key=lambda r: (len(r[2]), r[1]))
        self._entries = [_Entry(kind, code, name) for kind, code, name, _ in rows]
        keys: list[_Key] = []
        for index, (_, _, name, aliases) in enumerate(rows):
            keys.extend(_keys_of(index, name, aliases, synonyms))
        self._keys = keys
        self._exact: dict[str, list[int]] = {}
        for k, key in enumerate(keys):
            for text in dict.fromkeys((key.text, key.pinyin, key.initials)):
                if text:
                    self._exact.setdefault(text, []).append(k)
        codes = [normalise(e.code) for e in self._entries]
        self._code_keys: dict[str, list[int]] = {}
        for index, code in enumerate(codes):
            self._code_keys.setdefault(code, []).append(index)
        every = list(range(len(keys)))
        spelled = [k for k, key in enumerate(keys) if key.pinyin]
        self._name = _Field([k.text for k in keys], [tuple(range(len(k.text))) for k in keys], every)
        self._code = _Field(codes, [(0,) for _ in codes], [-1 - i for i in range(len(codes))])
        self._pinyin = _Field([keys[k].pinyin for k in spelled], [keys[k].starts for k in spelled], spelled)
        self._initials = _Field(
            [keys[k].initials for k in spelled], [tuple(range(len(keys[k].initials))) for k in spelled], spelled
        )

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 20, counts: Mapping[str, int] | None = None) -> list[SearchHit]:
        """Best hits for ``query``; ``counts`` (code -> recent intakes) breaks ties within a tier."""
        q = normalise(query).replace(_SEP, "")
        if not q or limit <= 0:
            return []
        cap = None if counts else limit  # with counts, every hit of a tier competes
        ascii_query = _QUERY_ASCII.fullmatch(q) is not None
        found: dict[int, tuple[int, int]] = {}  # entry -> (score, key or -1)
        for k in self._exact.get(q, ()):
            _keep(found, self._keys[k].entry, EXACT * 1000 + _WRITTEN * self._keys[k].written, k)
        for index in self._code_keys.get(q, ()):
            _keep(found, index, EXACT * 1000 + _WRITTEN, -1)
        prefix_fields = [self._name, self._code]
        if ascii_query:
            prefix_fields += [self._initials, self._pinyin]
        for field in prefix_fields:
            self._at_level(field, 0, q, cap, found, PREFIX * 1000)
        if len(found) < limit or cap is None:
            fields = [self._name, self._initials, self._pinyin] if ascii_query else [self._name]
            fields = [f for f in fields if q in f]
            depth = max((len(f.levels) for f in fields), default=0)
            # Level by level: every hit at position p outranks any at p + 1.
            for p in range(1, depth):
                for field in fields:
                    if p < len(field.levels):
                        self._at_level(field, p, q, cap, found, _substring(p))
                if cap is not None and len(found) >= limit:
                    break
        if len(found) < limit and not ascii_query and len(q) >= _TYPO_MIN:
            self._typos(q, limit, found)
        counts = counts or {}
        entries = self._entries
        best = heapq.nsmallest(
            limit, found.items(), key=lambda hit: (-hit[1][0], -counts.get(entries[hit[0]].code, 0), hit[0])
        )
        return [self._hit(index, score, k) for index, (score, k) in best]

    def _hit(self, index: int, score: int, k: int) -> SearchHit:
        entry = self._entries[index]
        via = self._keys[k].shown if k >= 0 else ""
        return SearchHit(entry.kind, entry.code, entry.name, score, via)

    def _at_level(
        self, field: _Field, p: int, q: str, cap: int | None, found: dict[int, tuple[int, int]], score: int
    ) -> None:
        owners, keys = field.owners, self._keys
        for n, value in enumerate(field.levels[p].prefixed(q), 1):
            owner = owners[value]
            if owner < 0:  # a code
                _keep(found, -1 - owner, score + _WRITTEN, -1)
            else:
                _keep(found, keys[owner].entry, score + _WRITTEN * keys[owner].written, owner)
            if cap is not None and n >= cap:  # later values at this level rank lower
                break

    def _typos(self, q: str, limit: int, found: dict[int, tuple[int, int]]) -> None:
        """Names one character away from ``q`` (a wrong, missing or extra character)."""
        level = self._name.levels[0]
        blob, offsets, keys = level.blob, level.offsets, self._keys
        for left, right, gap in _typo_patterns(q):
            anchor_left = len(left) >= len(right)
            anchor = left if anchor_left else right
            pos = blob.find(anchor)
            for _ in range(_TYPO_SCAN):
                if pos < 0:
                    break
                start = pos if anchor_left else pos - gap - len(left)
                end = start + len(left) + gap + len(right)
                if start >= 1 and blob.startswith(left, start) and blob.startswith(right, end - len(right)):
                    middle = blob[start + len(left):end - len(right)]
                    if _SEP not in middle and _SEP not in blob[start:end]:
                        row = bisect_right(offsets, start) - 1
                        score = TYPO * 1000 + max(1, 100 - (start - offsets[row]))
                        _keep(found, keys[row].entry, score, row)
                pos = blob.find(anchor, pos + 1)
            if len(found) >= limit * 4:
                return


def _keep(found: dict[int, tuple[int, int]], entry: int, score: int, key: int) -> None:
    if found.get(entry, (-1,))[0] < score:
        found[entry] = (score, key)


def _typo_patterns(q: str) -> list[tuple[str, str, int]]:
    """(left, right, gap): a name holding left + ``gap`` other characters + right."""
    n = len(q)
    patterns = [(q[:i], q[i + 1:], 1) for i in range(n)]  # one wrong character
    patterns += [(q[:i], q[i:], 1) for i in range(1, n)]  # one character missing in the query
    if n >= 4:
        patterns += [(q[:i], q[i + 1:], 0) for i in range(1, n - 1)]  # one extra character
    return patterns


def _keys_of(index: int, name: str, aliases: tuple[str, ...], synonyms: Synonyms | None) -> list[_Key]:
    written = {normalise(name): ""}
    for alias in aliases:
        written.setdefault(normalise(alias), alias)
    keys = []
    for text, shown in written.items():
        if text:
            keys.append(_Key(index, text, shown, True, *_spell(shown or name)))
    if synonyms is not None:
        seen = set(written)
        for text in list(written):
            for variant in synonyms.variants(text):
                if variant not in seen:
                    seen.add(variant)
                    spelled = _spell(variant) if variant in synonyms.leads_to else ("", (), "")
                    keys.append(_Key(index, variant, variant, False, *spelled))
    return keys


def _substring(pos: int) -> int:
    return SUBSTRING * 1000 + max(1, 100 - pos)
