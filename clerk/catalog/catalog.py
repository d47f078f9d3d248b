"""The loaded catalog: items, bundles, shared materials, checklists and search."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace

from clerk.catalog import checklist as _checklist
from clerk.catalog.errors import UnknownCode
from clerk.catalog.model import Bundle, Checklist, Material, ServiceItem, Situation
from clerk.catalog.normalise import Synonyms, load_synonyms
from clerk.catalog.search import Kind, SearchHit, SearchIndex

_NO_ANSWERS: Mapping[str, str] = {}


class Catalog:
    """An immutable, validated service catalog (事项目录).

    Built by ``load_catalog``; may also be built directly (tests, scripts).
    """

    def __init__(
        self,
        version: str,
        items: Mapping[str, ServiceItem],
        bundles: Mapping[str, Bundle] | None = None,
        materials: Mapping[str, Material] | None = None,
        synonyms: Synonyms | None = None,
        regional: Mapping[str, ServiceItem] | None = None,
    ) -> None:
        self.version = version
        self.items: dict[str, ServiceItem] = dict(items)
        self.bundles: dict[str, Bundle] = dict(bundles or {})
        self.materials: dict[str, Material] = dict(materials or {})  # shared, by key
        self.synonyms = synonyms  # None: the shipped table (data/search-synonyms.toml)
        # 跨域通办: other regions' items (their ``region`` set), kept apart from the hall's own
        self.regional: dict[str, ServiceItem] = dict(regional or {})
        self._index: SearchIndex | None = None
        self._regional_index: SearchIndex | None = None
        self._index_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"Catalog(version={self.version[:8]!r}, items={len(self.items)}, "
            f"bundles={len(self.bundles)}, regional={len(self.regional)})"
        )

    def get(self, code: str) -> ServiceItem | Bundle | None:
        """The item (the hall's own or another region's) or bundle with this code, or None."""
        return self.items.get(code) or self.regional.get(code) or self.bundles.get(code)

    def item(self, code: str) -> ServiceItem | None:
        """The hall's own item or another region's with this code, or None."""
        return self.items.get(code) or self.regional.get(code)

    def _require(self, code: str) -> ServiceItem | Bundle:
        found = self.get(code)
        if found is None:
            raise UnknownCode(f"事项目录中没有编码为 {code} 的事项或一件事")
        return found

    def situations(self, code: str) -> tuple[Situation, ...]:
        """The questions to ask for this item; for a bundle, the union over its items."""
        found = self._require(code)
        if isinstance(found, ServiceItem):
            return found.situations
        union: dict[str, Situation] = {}
        for item_code in found.item_codes:
            for situation in self.items[item_code].situations:
                union.setdefault(situation.key, situation)
        return tuple(union.values())

    def checklist(self, code: str, answers: Mapping[str, str] = _NO_ANSWERS) -> Checklist:
        """The checklist to tick for this item or bundle under these situation answers.

        Raises ``UnknownCode`` for an unknown code and ``ChecklistError`` for an
        unknown situation key or option label.
        """
        found = self._require(code)
        if isinstance(found, ServiceItem):
            items = [found]
        else:
            items = [self.items[c] for c in found.item_codes]
        return _checklist.build(
            self.version, code, items, self.situations(code), answers, self.materials
        )

    # -- search -------------------------------------------------------------

    def prepare_search(self, counts: Mapping[str, int] | None = None) -> None:
        """Compute every search key now (imports pypinyin), laid out for ``counts`` if given;
        later calls are free."""
        self._search_index().prepare(counts)
        if self.regional:
            self._regional_search().prepare(None)

    def _search_index(self) -> SearchIndex:
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    names: list[tuple[Kind, str, str, tuple[str, ...]]] = [
                        ("item", i.code, i.name, i.aliases) for i in self.items.values()]
                    names += [("bundle", b.code, b.name, b.aliases) for b in self.bundles.values()]
                    synonyms = self.synonyms if self.synonyms is not None else load_synonyms()
                    self._index = SearchIndex(names, synonyms)
        return self._index

    def _regional_search(self) -> SearchIndex:
        if self._regional_index is None:
            with self._index_lock:
                if self._regional_index is None:
                    synonyms = self.synonyms if self.synonyms is not None else load_synonyms()
                    self._regional_index = SearchIndex(
                        [("item", i.code, i.name, i.aliases) for i in self.regional.values()], synonyms)
        return self._regional_index

    def search(
        self, query: str, limit: int = 20, counts: Mapping[str, int] | None = None
    ) -> list[SearchHit]:
        """Items and bundles matching ``query``, best first (exact, prefix, substring,
        one-character typo); ``counts`` (code -> this hall's recent intakes) breaks ties.

        Other regions' items (跨域通办) come after every hit of the hall's own, their region
        in ``SearchHit.region``; when the hall's fill the list, up to a quarter of it is
        left to them, so a query naming one still shows it."""
        hits = self._search_index().search(query, limit, counts)
        if not self.regional:
            return hits
        others = self._regional_search().search(query, limit, counts)
        if not others:
            return hits
        room = max(limit - len(hits), limit // 4) if hits else limit
        kept = min(len(others), room)
        return hits[: limit - kept] + [
            replace(hit, region=region.label)
            for hit in others[:kept]
            if (region := self.regional[hit.code].region) is not None
        ]
