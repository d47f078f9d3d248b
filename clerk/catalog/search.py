"""Search over item and bundle names as a clerk types (事项检索).

A clerk types Chinese (``卫生许可``), full pinyin (``weishengxuke``), pinyin
initials (``wsxk``), the start of a code, an alias (俗称: ``营业执照``, ``开店``)
or a word of the synonym table (``医保``).  Queries and names are compared
after ``normalise`` (full/half width, traditional -> simplified, no spaces or
brackets).  Keys are computed once when the index is built (pypinyin spells
names then, and a query only when nothing else matched); a query scans one
string holding every key, so it costs microseconds, not a Python loop over
every item.

Rank: exact, then prefix, then substring (earlier is better), then tier 0:
every word of the query found apart or in another order (个体户注销 ->
个体工商户注销登记); and, only when nothing matched, names that sound like the
query (离昏 -> 离婚), then names one character away (a typo: one character
wrong, missing or extra; never an action such as 迁 or 补).  A code also
matches without its area prefix or punctuation (scjg007).  Within a tier, a
name carrying an action (补, 换, 注销, 变更, 迁, 延续) comes first when the
query says it and last when the query says none; then the caller's counts
break ties (how often this hall took the item lately), then shorter names.
Candidates for the tier-0 matches come from one bitmask per character (the
entries holding it), so a query reads only the entries holding its words.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pypinyin import lazy_pinyin

from clerk.catalog.normalise import HAN as _HAN
from clerk.catalog.normalise import Synonyms, normalise

Kind = Literal["item", "bundle"]

EXACT, PREFIX, SUBSTRING, TYPO = 3, 2, 1, 0
_SEP = "\x1e"  # between the values of one key in a ``_Field`` blob
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_QUERY_ASCII = re.compile(r"[a-z0-9]+")
_OTHER = "\x00"
_TYPO_MIN = 3  # shorter queries match too much when one character may differ
_TYPO_SCAN = 400  # entries read for one-character-off guesses at most (shortest names first)
_FEW = 256  # below this many occurrences, substring hits are scored in one pass
_WRITTEN = 500  # within a tier, the name, code or an alias beats a synonym-table form
# Tier 0 holds three bands, best first: every word of the query found apart
# (个体户注销 -> 个体工商户注销登记), the query sounding like a name (离昏 -> 离婚),
# one character off a name (食口经营).
_APART, _SOUNDS = 400, 200
_APART_SCAN = 32  # entries holding every character, examined at most (shortest names first)
# Words said around what is wanted (办, 申请, 开 a shop, 证, 店 …): skipped when an item
# does not carry them.  Longest first.
_FILLERS = ("办理", "申请", "申办", "参加", "怎么", "一下", "我要",
            "办", "开", "打", "交", "卖", "去", "领", "要", "想", "了", "的", "个", "证", "店", "厂", "馆")
_FILLER_CHARS = frozenset("".join(_FILLERS))
_ACTION_CHARS = frozenset("补换迁领办开注销变更")  # may stand alone as a word of the query
# What is done to a licence or a record besides obtaining it; a name carrying one
# (变更, 注销 …) is for someone who said so.  Query words -> the kind of action.
_ACTIONS = (
    ("replace", re.compile(r"补(?![贴助偿充])")),
    ("renew", re.compile(r"换[领发证]|换(?!届)")),
    ("cancel", re.compile(r"注销|撤销")),
    ("change", re.compile(r"变更|更改|改(?![建扩造])")),  # not 改建: building work
    ("move", re.compile(r"迁")),
    ("extend", re.compile(r"延续|(?<!手)续|再次")),  # not 手续: paperwork
)
_ACTION_WEIGHT = 15
_ROOM = 100  # exact and prefix scores start here, so an action can move a hit down within its tier
_ALL_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_CODE_AREA = re.compile(r"^[0-9]+")
_NOT_CODE = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class SearchHit:
    """One search result.  ``score``: higher is better; the tier (3 exact,
    2 prefix, 1 substring, 0 words apart / sounds alike / one-character typo)
    is ``score // 1000``; within a tier an earlier match scores higher.
    ``via``: the alias or synonym form that matched, when it was not the name
    or code itself.  ``region``: another region's item (跨域通办), the label of the region
    that decides it (跨域·深圳市南山区); "" for the hall's own."""

    kind: Kind
    code: str
    name: str
    score: int
    via: str = ""
    region: str = ""

    @property
    def label(self) -> str:
        """The name as a list shows it: 〔跨域·深圳市南山区〕 after another region's item."""
        return f"{self.name}〔{self.region}〕" if self.region else self.name


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

    def prefixed(self, q: str) -> Iterator[int]:
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
        # Where a position does not start every character (pinyin syllables): offset -> level.
        self.starts = [None if pos == tuple(range(len(v))) else {o: p for p, o in enumerate(pos)}
                       for v, pos in zip(values, positions)]
        self.levels = [
            _Level([v[pos[p]:] if p < len(pos) else "" for v, pos in zip(values, positions)])
            for p in range(max(depth, 1))
        ]


class _Layout:
    """Every key laid out in one order of entries (the tie-break within a tier), so a
    tier can stop after ``limit`` hits: later values at a level rank lower."""

    def __init__(self, per_entry: list[list[_Key]], codes: list[str], order: list[int]) -> None:
        self.rank = [0] * len(order)
        for position, entry in enumerate(order):
            self.rank[entry] = position
        keys = [key for entry in order for key in per_entry[entry]]
        self.keys = keys
        self.first_key = [0] * len(order)  # entry -> index in ``keys`` of its first key
        at = 0
        for entry in order:
            self.first_key[entry] = at
            at += len(per_entry[entry])
        self.exact: dict[str, list[int]] = {}
        for k, key in enumerate(keys):
            for text in dict.fromkeys((key.text, key.pinyin, key.initials)):
                if text:
                    self.exact.setdefault(text, []).append(k)
        self.code_keys: dict[str, list[int]] = {}
        for entry, code in enumerate(codes):
            self.code_keys.setdefault(code, []).append(entry)
        spelled = [k for k, key in enumerate(keys) if key.pinyin]
        # Full pinyin for names only: nobody spells out an alias, and the pinyin
        # levels are the largest blobs a query scans.
        named = [k for k in spelled if keys[k].shown == ""]
        self.name = _Field([k.text for k in keys], [tuple(range(len(k.text))) for k in keys], list(range(len(keys))))
        self.code = _Field([codes[e] for e in order], [(0,)] * len(order), [-1 - e for e in order])
        self.pinyin = _Field([keys[k].pinyin for k in named], [keys[k].starts for k in named], named)
        self.initials = _Field(
            [keys[k].initials for k in spelled], [tuple(range(len(keys[k].initials))) for k in spelled], spelled
        )


class SearchIndex:
    """Precomputed search keys of every item and bundle.

    ``names`` yields ``(kind, code, name)`` or ``(kind, code, name, aliases)``.
    Without counts, entries rank by (name length, code) within a tier.  With
    counts, by (count, name length, code): the keys are laid out again in that
    order once per distinct counts mapping (the hall's figures change daily, not
    per keystroke), so a search still stops after ``limit`` hits per tier.
    """

    def __init__(self, names: Iterable[tuple[Kind, str, str] | tuple[Kind, str, str, Iterable[str]]],
                 synonyms: Synonyms | None = None) -> None:
        rows = [(n[0], n[1], n[2], tuple(n[3]) if len(n) > 3 else ()) for n in names]
        rows.sort(key=lambda r: (len(r[2]), r[1]))
        self._entries = [_Entry(kind, code, name) for kind, code, name, _ in rows]
        self._per_entry = [_keys_of(i, name, aliases, synonyms) for i, (_, _, name, aliases) in enumerate(rows)]
        self._codes = [normalise(e.code) for e in self._entries]
        self._plain = _Layout(self._per_entry, self._codes, list(range(len(rows))))
        self._counted: tuple[dict[str, int], _Layout] | None = None
        self._actions = [_actions_in(normalise(e.name)) for e in self._entries]
        self._acting = frozenset(i for i, kinds in enumerate(self._actions) if kinds)
        self._apart = _Apart(self._per_entry)
        self._key_chars = frozenset(self._apart.masks)
        # Codes as read off a form: without punctuation, and without the area prefix
        # (370112-SCJG-007 is also scjg007).
        short: list[str] = []
        for code in self._codes:
            compact = _NOT_CODE.sub("", code)
            local = _CODE_AREA.sub("", compact)
            short.append(local if local and local != compact else compact)
        self._short_codes = _Level(short)
        self._compact_codes = {_NOT_CODE.sub("", c): i for i, c in enumerate(self._codes)}

    def __len__(self) -> int:
        return len(self._entries)

    def prepare(self, counts: Mapping[str, int] | None) -> None:
        """Lay the keys out for ``counts`` now (a worker), not on the first keystroke."""
        self._layout(counts)

    def _layout(self, counts: Mapping[str, int] | None) -> _Layout:
        if not counts:
            return self._plain
        cached = self._counted
        if cached is not None and cached[0] == counts:
            return cached[1]
        snapshot = dict(counts)
        entries = self._entries
        order = sorted(range(len(entries)), key=lambda i: (-snapshot.get(entries[i].code, 0), i))
        layout = _Layout(self._per_entry, self._codes, order)
        self._counted = (snapshot, layout)
        return layout

    def search(self, query: str, limit: int = 20, counts: Mapping[str, int] | None = None) -> list[SearchHit]:
        """Best hits for ``query``; ``counts`` (code -> recent intakes) breaks ties within a tier."""
        q = normalise(query).replace(_SEP, "")
        if not q or limit <= 0:
            return []
        layout = self._layout(counts)
        ascii_query = _QUERY_ASCII.fullmatch(q) is not None
        found: dict[int, tuple[int, int]] = {}  # entry -> (score, key or -1)
        keys = layout.keys
        for k in layout.exact.get(q, ()):
            _keep(found, keys[k].entry, EXACT * 1000 + _ROOM + _WRITTEN * keys[k].written, k)
        for index in layout.code_keys.get(q, ()):
            _keep(found, index, EXACT * 1000 + _ROOM + _WRITTEN, -1)
        _at_level(keys, layout.code, 0, q, limit, found, PREFIX * 1000 + _ROOM)
        fields = [layout.name, layout.initials, layout.pinyin] if ascii_query else [layout.name]
        if ascii_query and not self._key_chars.issuperset(q):  # a Latin word no name or alias holds
            fields = fields[1:]
        crowded = []
        # Entries holding every character of a Chinese query: at most this many hold the query.
        few = ascii_query or self._apart.holding(q).bit_count() <= _FEW // 2
        for field in fields:
            # One pass scores every occurrence where it is (prefix or substring) ...
            seen: dict[int, tuple[int, int]] = {}
            if (few or field.levels[0].blob.count(q) <= _FEW) and _occurrences(keys, field, q, seen):
                for index, (score, k) in seen.items():
                    _keep(found, index, score, k)
            else:
                crowded.append(field)
        # ... unless there are too many: then the best first, level by level, up to ``limit``.
        for field in crowded:
            _at_level(keys, field, 0, q, limit, found, PREFIX * 1000 + _ROOM)
        depth = max((len(f.levels) for f in crowded), default=0)
        # Every hit at position p outranks any at p + 1.
        for p in range(1, depth):
            if len(found) >= limit:
                break
            for field in crowded:
                if p < len(field.levels):
                    _at_level(keys, field, p, q, limit, found, _substring(p))
        if ascii_query or "-" in q:
            self._short_code_hits(q, limit, found)
        chinese = _HAN.search(q) is not None
        if len(found) < limit and chinese and len(q) >= 3:
            self._apart.search(q, found)
        # Guesses, only when nothing said matches: first what sounds the same, then
        # names one character off (Chinese queries only).
        if not found and chinese and _ALL_HAN.fullmatch(q):
            _sounds(layout, q, limit, found)
        if not found and len(q) >= _TYPO_MIN and chinese:
            for entry, score, key in self._apart.typos(q):
                _keep(found, entry, score, layout.first_key[entry] + key)
                if len(found) >= limit:  # shortest names first: enough guesses
                    break
        wanted = _actions_in(q)
        actions = self._actions
        rank = layout.rank
        scored = [(index, score, k) for index, (score, k) in found.items()]
        if self._acting:
            scored = [(index, _weighed(score, wanted, actions[index]), k) if index in self._acting
                      else (index, score, k) for index, score, k in scored]
        best = heapq.nsmallest(limit, scored, key=lambda hit: (-hit[1], rank[hit[0]]))
        return [self._hit(index, score, keys[k].shown if k >= 0 else "") for index, score, k in best]

    def _short_code_hits(self, q: str, limit: int, found: dict[int, tuple[int, int]]) -> None:
        """A code without its area prefix or punctuation: ``SCJG-007``, ``scjg007``."""
        compact = _NOT_CODE.sub("", q)
        if len(compact) < 3 or not any(c.isdigit() for c in compact) or not any(c.isalpha() for c in compact):
            return
        if (index := self._compact_codes.get(compact)) is not None:
            _keep(found, index, EXACT * 1000 + _ROOM + _WRITTEN, -1)
        short = self._short_codes
        for n, index in enumerate(short.prefixed(compact), 1):
            whole = short.blob.startswith(_SEP, short.offsets[index] + len(compact))
            _keep(found, index, (EXACT if whole else PREFIX) * 1000 + _ROOM + _WRITTEN, -1)
            if n >= limit:
                break

    def _hit(self, index: int, score: int, via: str) -> SearchHit:
        entry = self._entries[index]
        return SearchHit(entry.kind, entry.code, entry.name, score, via)


def _at_level(
    keys: list[_Key], field: _Field, p: int, q: str, cap: int, found: dict[int, tuple[int, int]], score: int
) -> None:
    owners = field.owners
    entries: set[int] = set()  # an entry's name and aliases are neighbours: count entries
    for value in field.levels[p].prefixed(q):
        owner = owners[value]
        if owner < 0:  # a code
            entry = -1 - owner
            _keep(found, entry, score + _WRITTEN, -1)
        else:
            entry = keys[owner].entry
            _keep(found, entry, score + _WRITTEN * keys[owner].written, owner)
        entries.add(entry)
        if len(entries) >= cap:  # later values at this level rank lower
            break


def _occurrences(keys: list[_Key], field: _Field, q: str, found: dict[int, tuple[int, int]]) -> bool:
    """Every occurrence of ``q`` in the values (at a value's start: the prefix tier), scored by
    its position; False, and a part done, when there are more than ``_FEW``."""
    level = field.levels[0]
    blob, offsets, owners, starts = level.blob, level.offsets, field.owners, field.starts
    find = blob.find
    pos = find(q)
    for _ in range(_FEW):
        if pos < 0:
            return True
        value = bisect_right(offsets, pos) - 1
        offset = pos - offsets[value]
        start = starts[value]
        p = offset if start is None else start.get(offset)
        if p is not None:  # None: inside a syllable
            owner = owners[value]
            score = PREFIX * 1000 + _ROOM if p == 0 else _substring(p)
            _keep(found, keys[owner].entry, score + _WRITTEN * keys[owner].written, owner)
        pos = find(q, pos + 1)
    return pos < 0


class _Apart:
    """Every word of a query found in an entry's keys, apart or in another order.

    Per character, a bitmask of the entries whose keys hold it: the entries holding
    every character of a query are one AND away, and only those are split into words."""

    def __init__(self, per_entry: list[list[_Key]]) -> None:
        self.texts = [tuple(key.text for key in keys) for keys in per_entry]
        self.blobs = [_SEP.join(texts) for texts in self.texts]
        size = len(per_entry) // 8 + 1
        holders: dict[str, bytearray] = {}
        for entry, blob in enumerate(self.blobs):
            byte, bit = entry >> 3, 1 << (entry & 7)
            for char in set(blob):
                bits = holders.get(char)
                if bits is None:
                    bits = holders[char] = bytearray(size)
                bits[byte] |= bit
        self.masks = {char: int.from_bytes(bits, "little") for char, bits in holders.items()}

    def holding(self, chars: str) -> int:
        """The entries holding every one of ``chars`` (a bitmask; -1 for none given)."""
        masks = self.masks
        holding = -1
        for char in set(chars):
            holding &= masks.get(char, 0)
            if not holding:
                break
        return holding

    def search(self, q: str, found: dict[int, tuple[int, int]]) -> None:
        holding = self.holding("".join(set(q) - _FILLER_CHARS))
        if holding in (0, -1):  # a word no entry holds, or nothing but fillers (办个证)
            return
        for _ in range(_APART_SCAN):
            if not holding:
                break
            low = holding & -holding
            holding ^= low
            entry = low.bit_length() - 1
            score = _apart_score(q, self.blobs[entry], self.texts[entry])
            if score:
                _keep(found, entry, score, -1)

    def typos(self, q: str) -> Iterator[tuple[int, int, int]]:
        """(entry, score, key) of the entries with a key one character off ``q``.

        Only entries holding all of ``q``'s characters but one are read."""
        masks = self.masks
        held = [masks.get(char, 0) for char in q]
        holding = 0
        for skip in range(len(q)):
            some = -1
            for n, mask in enumerate(held):
                if n != skip:
                    some &= mask
                    if not some:
                        break
            holding |= some
        patterns = _typo_patterns(q)
        for _ in range(_TYPO_SCAN):
            if not holding:
                break
            low = holding & -holding
            holding ^= low
            entry = low.bit_length() - 1
            blob = _SEP + self.blobs[entry] + _SEP
            best = None
            for pattern, back in patterns:
                match = pattern.search(blob)
                if match is None:
                    continue
                start = match.start() - back
                if back and blob[start] == _SEP:  # the wrong character would be before the key
                    continue
                key = blob.count(_SEP, 0, start + 1) - 1
                score = TYPO * 1000 + max(1, 100 - (start - blob.rfind(_SEP, 0, start + 1) - 1))
                if best is None or score > best[0]:
                    best = (score, key)
            if best is not None:
                yield entry, best[0], best[1]


def _apart_score(q: str, blob: str, texts: tuple[str, ...]) -> int:
    """Split ``q`` into the longest runs found in ``blob``; 0 when a word is missing.

    A filler the entry lacks (办, 证 …) is skipped; a lone character must be an action
    the entry carries (补, 换 …) or follow the run before it in one key, as people
    shorten names (个体户 for 个体工商户).  Fewer, longer runs, all in one key (in the
    query's order), and few skipped characters score higher."""
    n = len(q)
    words: list[str] = []
    skipped = actions = shortened = 0
    i = 0
    while i < n:
        length = n - i
        while length and q[i:i + length] not in blob:
            length -= 1
        if length >= 2:
            words.append(q[i:i + length])
            i += length
            continue
        filler = next((f for f in _FILLERS if q.startswith(f, i)), "")
        if len(filler) > 1:  # 办理, 申请: a word of their own, not the action 办
            skipped += len(filler)
            i += len(filler)
            continue
        if length == 1 and q[i] in _ACTION_CHARS:
            actions += 1
            i += 1
            continue
        if length == 1 and words and _follows(texts, words[-1], q[i]):
            shortened += 1
            i += 1
            continue
        if not filler:
            return 0
        skipped += len(filler)
        i += len(filler)
    said = n - skipped
    if not words or said < 2 or said < skipped:
        return 0
    score = 950 - 100 * (len(words) - 1) - 25 * skipped - 10 * shortened + 10 * actions
    holding = [text for text in texts if all(word in text for word in words)]
    if holding:
        score -= min(min(len(text) for text in holding) - said, 25)
        score += 20 * any(_in_order(text, words) for text in holding)
    else:
        score -= 80
    return max(_APART + 1, min(score, 999))


def _in_order(text: str, words: list[str]) -> bool:
    at = 0
    for word in words:
        at = text.find(word, at)
        if at < 0:
            return False
        at += len(word)
    return True


def _follows(texts: tuple[str, ...], word: str, char: str) -> bool:
    """``char`` comes after ``word`` in one of ``texts`` (个体 … 户 in 个体工商户)."""
    for text in texts:
        at = text.find(word)
        if at >= 0 and text.find(char, at + len(word)) >= 0:
            return True
    return False


def _sounds(layout: _Layout, q: str, limit: int, found: dict[int, tuple[int, int]]) -> None:
    """Names, aliases and synonym words that sound like ``q`` (离昏 -> 离婚, 身分证)."""
    keys = layout.keys
    spelled = "".join(lazy_pinyin(q))
    heard: dict[int, tuple[int, int]] = {}
    for k in layout.exact.get(spelled, ()):
        _keep(heard, keys[k].entry, EXACT * 1000 + _WRITTEN * keys[k].written, k)
    _at_level(keys, layout.pinyin, 0, spelled, limit, heard, PREFIX * 1000)
    _occurrences(keys, layout.pinyin, spelled, heard)
    for entry, (score, k) in heard.items():
        _keep(found, entry, _SOUNDS + 50 * (score // 1000) + (score % 1000) // 12, k)


def _actions_in(text: str) -> frozenset[str]:
    """The kinds of action (补, 换, 注销, 变更, 迁, 延续) a query or a name speaks of."""
    return frozenset(kind for kind, pattern in _ACTIONS if pattern.search(text))


def _weighed(score: int, wanted: frozenset[str], carried: frozenset[str]) -> int:
    """Within its tier (and band), move a hit toward the action the query asks for: a
    name carrying another action (变更 when nobody said so) comes after one without."""
    if not carried:
        return score
    tier, within = divmod(score, 1000)
    shift = _ACTION_WEIGHT if wanted & carried else -_ACTION_WEIGHT
    if tier:
        low, high = 0, 999
    else:
        low = _APART + 1 if within > _APART else _SOUNDS + 1 if within > _SOUNDS else 1
        high = 999 if within > _APART else _APART if within > _SOUNDS else _SOUNDS
    return tier * 1000 + max(low, min(within + shift, high))


@lru_cache(maxsize=256)
def _typo_patterns(q: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    """One regular expression per way of being one character off ``q``, with how far
    before its match the name's text starts (a wrong first character)."""
    n = len(q)
    # An action said (迁, 补, 注销 …) is meant: 迁户口 is not a typo of 上户口.
    shapes = [(q[:i], q[i + 1:], 1) for i in range(n) if q[i] not in _ACTION_CHARS]  # one wrong character
    shapes += [(q[:i], q[i:], 1) for i in range(1, n)]  # one character missing in the query
    if n >= 4:  # one extra character
        shapes += [(q[:i], q[i + 1:], 0) for i in range(1, n - 1) if q[i] not in _ACTION_CHARS]
    patterns = []
    for left, right, gap in shapes:
        # A one-character anchor occurs all over the catalog: guessing from it is noise.
        if max(len(left), len(right)) < 2:
            continue
        # A literal first lets the regex engine skip ahead: a wrong first character is
        # checked by the caller, one step back from the match.
        if left:
            patterns.append((re.compile(re.escape(left) + f"[^{_SEP}]" * gap + re.escape(right)), 0))
        else:
            patterns.append((re.compile(re.escape(right)), gap))
    return tuple(patterns)


def _keep(found: dict[int, tuple[int, int]], entry: int, score: int, key: int) -> None:
    if found.get(entry, (-1,))[0] < score:
        found[entry] = (score, key)


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
